package dev.valueledger.impact;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

/** Maps 'YYYY-MM' months to consecutive integer periods and back, so month t-1 is the month before t (CONTRACT §2 Impact). */
public final class Periods {

    private Periods() { }

    /** Whether a time column holds months ('YYYY-MM' text, or a date a CSV reader inferred from it) rather than integer periods. */
    public static boolean isMonthly(DataType type) {
        return DataTypes.StringType.equals(type) || DataTypes.DateType.equals(type) || DataTypes.TimestampType.equals(type);
    }

    /** 'YYYY-MM' (or a date) as year * 12 + month - 1; consecutive months give consecutive integers. */
    public static Column monthIndex(Column month) {
        month = month.cast("string");
        return substring(month, 1, 4).cast("int").multiply(12).plus(substring(month, 6, 2).cast("int")).minus(1);
    }

    /** Inverse of {@link #monthIndex}. */
    public static Column monthLabel(Column index) {
        return format_string("%04d-%02d", index.divide(12).cast("int"), pmod(index, lit(12)).plus(1));
    }

    public static String monthLabel(int index) {
        return String.format("%04d-%02d", index / 12, index % 12 + 1);
    }

    /** A time value as an integer period. */
    public static Column period(Column time, boolean monthly) {
        return monthly ? monthIndex(time) : time.cast("int");
    }

    /** A cohort as an integer period, 0 (or null, or "0") meaning never treated. */
    public static Column cohort(Column cohort, boolean monthly) {
        if (!monthly) {
            return coalesce(cohort.cast("int"), lit(0));
        }
        Column c = cohort.cast("string");
        return when(c.isNull().or(c.equalTo("0")).or(c.equalTo("")), lit(0)).otherwise(monthIndex(c));
    }
}

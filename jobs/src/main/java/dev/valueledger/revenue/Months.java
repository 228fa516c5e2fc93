package dev.valueledger.revenue;

import dev.valueledger.config.AppConfig;
import dev.valueledger.pipeline.Quarter;
import org.apache.spark.sql.Column;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

/** Column expressions on 'YYYY-MM' month labels (CONTRACT conventions). */
final class Months {

    private Months() { }

    /** First day of a 'YYYY-MM' month, as a DATE. */
    static Column firstDay(Column month) {
        return to_date(concat(month, lit("-01")));
    }

    /** Reporting quarter of a 'YYYY-MM' month, so monthly tables can be replaced quarter by quarter. */
    static Column quarter(Column month, AppConfig cfg) {
        return Quarter.labelOf(firstDay(month), cfg.fiscalYearStartMonth());
    }
}

package dev.valueledger.impact;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

/** Textbook 2x2 difference-in-differences of group means on all available rows (CONTRACT §2 Impact, the Card-Krueger check). */
public final class MeansDid {

    private MeansDid() { }

    /** (treated after - treated before) - (control after - control before) of the outcome's means, in one aggregation. */
    public static double estimate(Dataset<Row> rows, String outcome, Column treated, Column after) {
        Column y = col(outcome).cast("double");
        Row r = rows.agg(
                avg(when(treated.and(after), y)), avg(when(treated.and(not(after)), y)),
                avg(when(not(treated).and(after), y)), avg(when(not(treated).and(not(after)), y))).first();
        return (r.getDouble(0) - r.getDouble(1)) - (r.getDouble(2) - r.getDouble(3));
    }
}

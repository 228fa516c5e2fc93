package dev.valueledger.finance;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/** Splits a whole number of units (cents, share units) over rows in proportion to integer weights so the parts add up exactly: largest-remainder (Hamilton) rounding (CONTRACT §2 Cost). */
final class LargestRemainder {

    private static final String INTEGER = "decimal(38,0)";

    private LargestRemainder() { }

    /**
     * Adds {@code out} (DECIMAL(38,0)): each row of a group gets floor(total x weight / sum of
     * weights) units, and the units left over go one each to the rows with the largest
     * remainders, ties to the smallest {@code tieBreak}. The parts of a group sum to its total
     * exactly. Integer arithmetic throughout (remainder by pmod), so no quotient is ever rounded
     * before it is floored. Weights must be non-negative integers with a positive sum per group;
     * {@code totalUnits} must be the same on every row of a group.
     */
    static Dataset<Row> allocate(Dataset<Row> rows, List<String> group, Column weight, Column totalUnits,
                                 String tieBreak, String out) {
        Column[] groupCols = group.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
        WindowSpec byGroup = Window.partitionBy(groupCols);
        Column exact = col("_lr_total").multiply(col("_lr_weight")).cast(INTEGER);
        Column remainder = pmod(exact, col("_lr_sum"));
        Column base = exact.minus(remainder).divide(col("_lr_sum")).cast(INTEGER);
        WindowSpec byRemainder = byGroup.orderBy(col("_lr_remainder").desc(), col(tieBreak).asc());
        Column leftover = col("_lr_total").minus(sum(col("_lr_base")).over(byGroup));
        return rows
                .withColumn("_lr_total", totalUnits.cast(INTEGER))
                .withColumn("_lr_weight", weight.cast(INTEGER))
                .withColumn("_lr_sum", sum(col("_lr_weight")).over(byGroup).cast(INTEGER))
                .withColumn("_lr_remainder", remainder)
                .withColumn("_lr_base", base)
                .withColumn("_lr_rank", row_number().over(byRemainder))
                .withColumn(out, col("_lr_base").plus(when(col("_lr_rank").leq(leftover), lit(1)).otherwise(lit(0)))
                        .cast(INTEGER))
                .drop("_lr_total", "_lr_weight", "_lr_sum", "_lr_remainder", "_lr_base", "_lr_rank");
    }
}

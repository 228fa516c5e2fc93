package dev.valueledger.impact;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

/** Standard errors of aggregates from a seeded unit-level multiplier bootstrap, as R did's mboot (CONTRACT §2 Impact). */
public final class MultiplierBootstrap {

    // Draw b perturbs the estimate by the sum over units of xi(unit, b) * psi(unit), Rademacher
    // weights xi = +-1 from a hash of (seed, unit, b): the same seed gives the same draws on any
    // cluster, and a unit keeps its weight across aggregates (and Epics) within a draw. All draws
    // are one aggregation over an explode of draw numbers. The standard error is R's robust one:
    // the interquartile range of the draws over that of the standard normal.

    /** qnorm(0.75) - qnorm(0.25). */
    static final double NORMAL_IQR = 1.3489795003921634;

    private MultiplierBootstrap() { }

    /**
     * @param unitInfluence the group columns, {@code unit} and {@code psi} (variance = sum psi^2)
     * @param groups        columns naming one aggregate (e.g. epic_key, outcome, agg)
     * @return the group columns and {@code std_error}
     */
    public static Dataset<Row> standardErrors(Dataset<Row> unitInfluence, List<String> groups, int draws, long seed) {
        Column xi = when(pmod(xxhash64(lit(seed), col("unit").cast("string"), col("draw")), lit(2L)).equalTo(0), lit(1.0))
                .otherwise(lit(-1.0));
        List<String> byDraw = new ArrayList<>(groups);
        byDraw.add("draw");
        return unitInfluence
                .withColumn("draw", explode(sequence(lit(1), lit(draws))))
                .groupBy(GroupTimeEffects.cols(byDraw))
                .agg(sum(xi.multiply(col("psi"))).as("deviation"))
                .groupBy(GroupTimeEffects.cols(groups))
                .agg(expr("percentile(deviation, 0.75) - percentile(deviation, 0.25)").divide(NORMAL_IQR).as("std_error"));
    }
}

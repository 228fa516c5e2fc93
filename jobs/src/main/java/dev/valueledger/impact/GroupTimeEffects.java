package dev.valueledger.impact;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.var_pop;
import static org.apache.spark.sql.functions.when;

/** ATT(g,t), its analytic standard error and each unit's influence on it, from unit comparisons (CONTRACT §2 Impact). */
public final class GroupTimeEffects {

    // Comparisons, the input of both methods: the key columns, g, t, unit, treated (false =
    // control) and dy = Y_t - Y_base as double; one row per unit taking part in a cell.

    private GroupTimeEffects() { }

    /**
     * One row per key x (g, t): n_treated, n_control, att, se, and the two group means (kept for
     * the influence function). Cells without a treated unit or a control have no estimate and are
     * left out, as R's did cannot estimate them either.
     */
    public static Dataset<Row> cells(Dataset<Row> comparisons, List<String> keys) {
        Column treated = col("treated");
        Column control = col("treated").equalTo(lit(false));
        return comparisons.groupBy(Cols.of(keys, "g", "t"))
                .agg(count(when(treated, lit(1))).as("n_treated"),
                        count(when(control, lit(1))).as("n_control"),
                        avg(when(treated, col("dy"))).as("mean_treated"),
                        avg(when(control, col("dy"))).as("mean_control"),
                        // Population variances: R's did divides the squared influence by n, not n - 1.
                        var_pop(when(treated, col("dy"))).as("var_treated"),
                        var_pop(when(control, col("dy"))).as("var_control"))
                .filter(col("n_treated").gt(0).and(col("n_control").gt(0)))
                .withColumn("att", col("mean_treated").minus(col("mean_control")))
                .withColumn("se", sqrt(col("var_treated").divide(col("n_treated"))
                        .plus(col("var_control").divide(col("n_control")))));
    }

    /**
     * Each unit's influence on each ATT(g,t), scaled so that the variance of any linear
     * combination is the sum over units of its squared combined influence: treated
     * (dy - mean_treated)/n_treated, controls -(dy - mean_control)/n_control (R's did influence
     * function divided by the number of units). Columns: keys, g, t, unit, psi.
     */
    public static Dataset<Row> influence(Dataset<Row> comparisons, Dataset<Row> cells, List<String> keys) {
        List<String> on = new ArrayList<>(keys);
        on.add("g");
        on.add("t");
        Dataset<Row> stats = cells.select(Cols.of(on, "n_treated", "n_control", "mean_treated", "mean_control"));
        Column psi = when(col("treated"), col("dy").minus(col("mean_treated")).divide(col("n_treated")))
                .otherwise(col("mean_control").minus(col("dy")).divide(col("n_control")));
        return comparisons.join(broadcast(stats), Cols.seq(on))
                .select(Cols.plus(Cols.of(on, "unit"), psi.as("psi")));
    }
}

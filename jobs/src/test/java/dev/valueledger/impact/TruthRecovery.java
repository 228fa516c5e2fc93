package dev.valueledger.impact;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.signum;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/** Per Epic, the mrr impact estimate and the naive comparison set against a generated company's planted effect, and their summary (CONTRACT §2 Impact). */
public final class TruthRecovery {

    // Units: epic_impact's mrr estimate is EUR (the reporting currency) per treated account per
    // month; the generator plants true_effect_mrr_eur as a monthly add-on of exactly that many EUR
    // (converted to the account's currency at the month's rate, so its EUR MRR is the effect to the
    // cent), and NaiveComparison is a difference of EUR per account-month means. Same unit, all three.
    // The add-on is billed from the adoption day (generate.Billing), so it is in the account's MRR
    // from the cohort month g on, and every cell 0 <= t - g < post-months of the estimate carries the
    // whole planted effect. Errors are in double: the estimate is one.

    private TruthRecovery() { }

    /**
     * One row per Epic of the truth: epic_key, truth (DECIMAL, as planted), estimate, ci_low,
     * ci_high, covered, verdict, pre_trend_ok, interval_excludes_zero, naive_difference,
     * n_treated, n_control.
     *
     * @param impact  epic_impact rows (quarter, epic_key, outcome, estimate, ci_low, ci_high, verdict, pre_trend_ok, n_treated, n_control)
     * @param truth   epic_key, true_effect_mrr_eur
     * @param naive   {@link NaiveComparison#compute} of the same quarter: epic_key, naive_difference
     * @param quarter the quarter judged
     */
    public static Dataset<Row> perEpic(Dataset<Row> impact, Dataset<Row> truth, Dataset<Row> naive, String quarter) {
        Dataset<Row> estimates = impact.filter(col("quarter").equalTo(quarter).and(col("outcome").equalTo("mrr")))
                .select("epic_key", "estimate", "ci_low", "ci_high", "verdict", "pre_trend_ok", "n_treated", "n_control");

        Column t = col("truth").cast("double");
        return truth.select(col("epic_key"), col("true_effect_mrr_eur").as("truth"))
                .join(estimates, Cols.seq(List.of("epic_key")), "left")
                .join(naive.select("epic_key", "naive_difference"), Cols.seq(List.of("epic_key")), "left")
                .withColumn("covered", col("ci_low").leq(t).and(col("ci_high").geq(t)))
                .withColumn("interval_excludes_zero", col("ci_low").gt(0).or(col("ci_high").lt(0)))
                .select("epic_key", "truth", "estimate", "ci_low", "ci_high", "covered", "verdict", "pre_trend_ok",
                        "interval_excludes_zero", "naive_difference", "n_treated", "n_control");
    }

    /**
     * The study's figures in one aggregation, per value of {@code by} and pooled (rollup: the
     * pooled row has {@code by} null): epics, epics_estimated, coverage,
     * coverage_pre_trend_ok, zero_epics, zero_inconclusive_share, zero_interval_contains_zero_share,
     * nonzero_epics, nonzero_right_sign_share, nonzero_interval_right_sign_share, bias, rmse,
     * naive_bias, naive_rmse, mean_abs_error, pre_trend_ok_share.
     */
    public static Dataset<Row> summary(Dataset<Row> perEpic, String by) {
        Column t = col("truth").cast("double");
        Column zero = t.equalTo(0);
        Column estimated = col("estimate").isNotNull();
        Column err = col("estimate").minus(t);
        Column naiveErr = col("naive_difference").cast("double").minus(t);
        // A non-zero Epic is found when the verdict names the planted sign (pre-trend and
        // min-accounts rules included); the interval-only figure ignores those two rules.
        Column rightSign = col("verdict").equalTo(when(t.gt(0), lit("positive")).otherwise(lit("negative")));
        Column intervalRightSign = col("interval_excludes_zero").and(signum(col("estimate")).equalTo(signum(t)));
        return perEpic.rollup(by).agg(
                        count(lit(1)).as("epics"),
                        count(when(estimated, lit(1))).as("epics_estimated"),
                        share(col("covered"), estimated).as("coverage"),
                        share(col("covered"), estimated.and(col("pre_trend_ok"))).as("coverage_pre_trend_ok"),
                        count(when(zero, lit(1))).as("zero_epics"),
                        share(col("verdict").equalTo("inconclusive"), zero.and(estimated)).as("zero_inconclusive_share"),
                        share(not(col("interval_excludes_zero")), zero.and(estimated)).as("zero_interval_contains_zero_share"),
                        count(when(not(zero), lit(1))).as("nonzero_epics"),
                        share(rightSign, not(zero).and(estimated)).as("nonzero_right_sign_share"),
                        share(intervalRightSign, not(zero).and(estimated)).as("nonzero_interval_right_sign_share"),
                        avg(err).as("bias"),
                        sqrt(avg(err.multiply(err))).as("rmse"),
                        avg(naiveErr).as("naive_bias"),
                        sqrt(avg(naiveErr.multiply(naiveErr))).as("naive_rmse"),
                        avg(abs(err)).as("mean_abs_error"),
                        share(col("pre_trend_ok"), estimated).as("pre_trend_ok_share"))
                .orderBy(col(by).asc_nulls_last());
    }

    /** Share of the rows meeting {@code among} for which {@code what} holds; null when none meet it. */
    private static Column share(Column what, Column among) {
        return sum(when(among.and(what), 1.0).when(among, 0.0)).divide(count(when(among, lit(1))));
    }
}

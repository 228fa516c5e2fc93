package dev.valueledger.finance;

import dev.valueledger.config.AppConfig;
import dev.valueledger.pipeline.Quarter;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/** Return on each Epic's cost to date from its reconciled attributed MRR, with the interval carried from the bootstrap, payback and P(ROI > 0) (CONTRACT §2 ROI; §3 epic_roi). */
public final class EpicRoi {

    static final String RATIO = "decimal(20,6)";
    private static final String MONEY = EpicCost.MONEY;
    private static final String PRECISE = "decimal(24,6)";

    public static final TableSpec TABLE = TableSpec.gold("epic_roi",
                    "Return on investment of each Epic at each quarter's end: reconciled attributed value against cost to date (CONTRACT §2 ROI)")
            .column("quarter", "Reporting quarter YYYY-Qn; figures are as of its last day")
            .column("epic_key", "Epic (dim_epic.epic_key)")
            .column("team_id", "Team that owns the Epic (dim_epic.team_id); cost_to_date includes the work of every team on its items")
            .column("cost_to_date", "Sum of epic_cost_monthly.allocated_cost of the Epic over every month up to the quarter's last (CONTRACT §2 Cost)")
            .column("capitalized_to_date", "Sum of epic_cost_monthly.capitalizable_cost of the Epic up to the quarter's last month (CONTRACT §2 Cost)")
            .column("attributed_mrr", "epic_impact.attributed_mrr of outcome mrr in the quarter after reconciliation: estimate x n_treated x scale_factor (CONTRACT §2 Attributed MRR); null without an estimate")
            .column("attributed_annual_value", "12 x attributed_mrr (CONTRACT §2 Attributed MRR: annual value)")
            .column("value_ci_low", "12 x epic_impact.ci_low (mrr) x n_treated x scale_factor, rounded half-even to the cent: the 95% bootstrap interval carried to annual value")
            .column("value_ci_high", "12 x epic_impact.ci_high (mrr) x n_treated x scale_factor, rounded half-even to the cent")
            .column("roi", "(attributed_annual_value - cost_to_date) / cost_to_date (CONTRACT §2 ROI); null without an estimate or cost")
            .column("roi_ci_low", "(value_ci_low - cost_to_date) / cost_to_date: ROI is increasing in the estimate, so its interval is the value interval transformed")
            .column("roi_ci_high", "(value_ci_high - cost_to_date) / cost_to_date")
            .column("payback_months", "cost_to_date / attributed_mrr (CONTRACT §2 ROI); null when attributed_mrr <= 0")
            .column("prob_roi_positive", "P(ROI > 0) = Phi((12 x estimate x n_treated x scale_factor - cost_to_date) / (12 x std_error x n_treated x scale_factor)): normal approximation with the bootstrap std_error of epic_impact; 0 or 1 when that spread is 0")
            .column("currency", "Reporting currency of every amount (configuration reporting-currency)")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .partitionBy("quarter")
            .key("quarter", "epic_key")
            .build();

    private EpicRoi() { }

    /**
     * Rows of {@link #TABLE} (without run_id) for every Epic with cost up to the quarter's end or
     * an mrr estimate in the quarter.
     *
     * @param epicCost rows of {@link EpicCost#TABLE}
     * @param impact   epic_impact after {@code impact.AttributionCredit} (attributed_mrr scaled)
     * @param dimEpic  dim_epic (epic_key, team_id)
     */
    public static Dataset<Row> compute(Dataset<Row> epicCost, Dataset<Row> impact, Dataset<Row> dimEpic,
                                       List<Quarter> quarters, AppConfig cfg) {
        Dataset<Row> bounds = QuarterMonths.of(epicCost.sparkSession(), quarters);
        Dataset<Row> toDate = epicCost.filter(col("epic_key").notEqual(EpicCost.UNALLOCATED))
                .select(col("epic_key"), col("month"), col("allocated_cost"), col("capitalizable_cost"))
                .join(bounds, col("month").leq(col("last_month")))
                .groupBy(col("quarter"), col("epic_key"))
                .agg(sum(col("allocated_cost")).cast(MONEY).as("cost_to_date"),
                        sum(col("capitalizable_cost")).cast(MONEY).as("capitalized_to_date"));
        Dataset<Row> estimates = impact.filter(col("outcome").equalTo("mrr"))
                .join(bounds.select("quarter"), "quarter")
                .select(col("quarter"), col("epic_key"), col("estimate"), col("std_error"), col("ci_low"), col("ci_high"),
                        col("n_treated"), col("scale_factor"), col("attributed_mrr"));

        Column cost = col("cost_to_date");
        // Treated accounts x common scale factor x 12 turns a per-account monthly effect into annual value.
        Column toAnnual = col("n_treated").cast("decimal(12,0)").multiply(col("scale_factor")).multiply(lit(12));
        Column annual = col("attributed_mrr").multiply(lit(12)).cast(MONEY);
        Column spread = col("std_error").multiply(toAnnual.cast("double"));
        Column centre = col("estimate").multiply(toAnnual.cast("double"));
        Column z = centre.minus(cost.cast("double")).divide(spread);
        Column prob = when(col("roi").isNull(), lit(null).cast("double"))
                .when(spread.isNull().or(spread.leq(0)), when(col("roi").gt(0), lit(1.0)).otherwise(lit(0.0)))
                .otherwise(NormalCdf.of(z));

        return toDate.join(estimates, scalaSeq("quarter", "epic_key"), "full_outer")
                .join(dimEpic.select(col("epic_key"), col("team_id")), scalaSeq("epic_key"), "left")
                .withColumn("cost_to_date", coalesce(cost, lit(0)).cast(MONEY))
                .withColumn("capitalized_to_date", coalesce(col("capitalized_to_date"), lit(0)).cast(MONEY))
                .withColumn("attributed_annual_value", annual)
                .withColumn("value_ci_low", money(col("ci_low").cast(PRECISE).multiply(toAnnual)))
                .withColumn("value_ci_high", money(col("ci_high").cast(PRECISE).multiply(toAnnual)))
                .withColumn("roi", roi(col("attributed_annual_value")))
                .withColumn("roi_ci_low", roi(col("value_ci_low")))
                .withColumn("roi_ci_high", roi(col("value_ci_high")))
                .withColumn("payback_months", when(col("attributed_mrr").gt(0),
                        bround(cost.divide(col("attributed_mrr")), 2)).cast("decimal(20,2)"))
                .withColumn("prob_roi_positive", prob)
                .withColumn("currency", lit(cfg.reportingCurrency()))
                .select("quarter", "epic_key", "team_id", "cost_to_date", "capitalized_to_date", "attributed_mrr",
                        "attributed_annual_value", "value_ci_low", "value_ci_high", "roi", "roi_ci_low", "roi_ci_high",
                        "payback_months", "prob_roi_positive", "currency");
    }

    /** (value - cost to date) / cost to date, null without value or cost. */
    static Column roi(Column value) {
        Column cost = col("cost_to_date");
        return when(cost.gt(0), bround(value.minus(cost).divide(cost), 6)).cast(RATIO);
    }

    private static Column money(Column c) {
        return bround(c, 2).cast(MONEY);
    }

    private static scala.collection.Seq<String> scalaSeq(String... cols) {
        return EpicCost.joinKeys(List.of(cols));
    }
}

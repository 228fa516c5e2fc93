package dev.valueledger.finance;

import dev.valueledger.config.AppConfig;
import dev.valueledger.pipeline.Quarter;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

/** Per quarter, MRR at start and end tied to its movements, to the invoice lines and to the attributed MRR (CONTRACT §2 MRR, MRR movements, Attributed MRR; §3 revenue_reconciliation). */
public final class RevenueReconciliation {

    private static final String MONEY = EpicCost.MONEY;
    private static final List<String> MOVEMENTS = List.of("new", "expansion", "reactivation", "contraction", "churn");

    public static final TableSpec TABLE = TableSpec.gold("revenue_reconciliation",
                    "Quarter's MRR bridge from start to end, tied to invoice lines and to the MRR attributed to Epics (CONTRACT §2 MRR movements, Attributed MRR)")
            .column("quarter", "Reporting quarter YYYY-Qn")
            .column("mrr_start", "Total MRR of the month before the quarter (mrr_movements_monthly.mrr_end summed over segments; 0 before the first billed month)")
            .column("new", "Sum of mrr_movements_monthly.new over the quarter's months (0 -> > 0, first time)")
            .column("expansion", "Sum of mrr_movements_monthly.expansion over the quarter's months")
            .column("reactivation", "Sum of mrr_movements_monthly.reactivation over the quarter's months")
            .column("contraction", "Sum of mrr_movements_monthly.contraction over the quarter's months (negative)")
            .column("churn", "Sum of mrr_movements_monthly.churn over the quarter's months (negative)")
            .column("mrr_end", "Total MRR of the quarter's last month (mrr_movements_monthly.mrr_end summed over segments)")
            .column("realised_growth", "new + expansion + reactivation of every account in the quarter (CONTRACT §2 Attributed MRR)")
            .column("treated_realised_growth", "new + expansion + reactivation of the accounts the quarter's Epics treated: the cap on attributed MRR (CONTRACT §2 Attributed MRR)")
            .column("attributed_total", "Sum of epic_impact.attributed_mrr (mrr) of the quarter after scaling; never above treated_realised_growth, hence never above realised_growth")
            .column("unattributed", "realised_growth - attributed_total: growth no Epic is credited with")
            .column("scale_factor", "Common factor applied to every Epic's attributed MRR in the quarter (1 when the positive sum did not exceed treated_realised_growth)")
            .column("one_time_revenue", "Paid or open one_time invoice lines with period_start in the quarter, converted and rounded to the cent (never MRR; CONTRACT §2 MRR)")
            .column("invoice_total", "Paid or open invoice lines of every kind with period_start in the quarter, converted and rounded to the cent, credits negative")
            .column("contributions_total", "Sum of mrr_contributions.contribution over the quarter's months")
            .column("account_mrr_total", "Sum of account MRR over the quarter's months (the MRR panel)")
            .column("reconciles", "mrr_start + new + expansion + reactivation + contraction + churn = mrr_end, contributions_total = account_mrr_total, and attributed_total <= realised_growth, all to the cent")
            .column("currency", "Reporting currency of every amount (configuration reporting-currency)")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .partitionBy("quarter")
            .key("quarter")
            .build();

    private RevenueReconciliation() { }

    /**
     * One row of {@link #TABLE} (without run_id) per quarter.
     *
     * @param movementsMonthly mrr_movements_monthly rows (month, mrr_end and the five movements, per segment)
     * @param contributions    mrr_contributions rows (month, contribution)
     * @param accountMrr       account_id, month, mrr ({@code revenue.AccountMrr})
     * @param oneTime          month, one_time_revenue ({@code revenue.OneTimeRevenue})
     * @param invoices         month, invoice_total ({@code revenue.InvoiceTotals})
     * @param credit           {@code impact.AttributionCredit.Result#quarters}
     */
    public static Dataset<Row> compute(Dataset<Row> movementsMonthly, Dataset<Row> contributions, Dataset<Row> accountMrr,
                                       Dataset<Row> oneTime, Dataset<Row> invoices, Dataset<Row> credit,
                                       List<Quarter> quarters, AppConfig cfg) {
        Dataset<Row> bounds = QuarterMonths.of(movementsMonthly.sparkSession(), quarters);
        Dataset<Row> monthly = movementsMonthly.select(col("month"), col("mrr_end"), col("new"), col("expansion"),
                col("reactivation"), col("contraction"), col("churn"));
        Dataset<Row> start = bounds.join(monthly, col("month").equalTo(col("prev_month")))
                .groupBy("quarter").agg(sum(col("mrr_end")).as("mrr_start"));
        Dataset<Row> end = bounds.join(monthly, col("month").equalTo(col("last_month")))
                .groupBy("quarter").agg(sum(col("mrr_end")).as("mrr_end"));
        Column[] moved = MOVEMENTS.stream().map(m -> sum(col(m)).as(m)).toArray(Column[]::new);
        Dataset<Row> movements = inQuarter(bounds, monthly).groupBy("quarter")
                .agg(moved[0], Arrays.copyOfRange(moved, 1, moved.length));

        Dataset<Row> joined = bounds.select("quarter")
                .join(start, "quarter", "left").join(end, "quarter", "left").join(movements, "quarter", "left")
                .join(total(bounds, contributions, "contribution", "contributions_total"), "quarter", "left")
                .join(total(bounds, accountMrr, "mrr", "account_mrr_total"), "quarter", "left")
                .join(total(bounds, oneTime, "one_time_revenue", "one_time_revenue"), "quarter", "left")
                .join(total(bounds, invoices, "invoice_total", "invoice_total"), "quarter", "left")
                .join(credit.select("quarter", "treated_realised_growth", "attributed_total", "scale_factor"), "quarter", "left");
        for (String c : List.of("mrr_start", "mrr_end", "new", "expansion", "reactivation", "contraction", "churn",
                "contributions_total", "account_mrr_total", "one_time_revenue", "invoice_total",
                "treated_realised_growth", "attributed_total")) {
            joined = joined.withColumn(c, coalesce(col(c), lit(0)).cast(MONEY));
        }
        Column bridged = col("mrr_start").plus(col("new")).plus(col("expansion")).plus(col("reactivation"))
                .plus(col("contraction")).plus(col("churn")).equalTo(col("mrr_end"));
        Column tied = col("contributions_total").equalTo(col("account_mrr_total"));
        Column capped = col("attributed_total").leq(col("realised_growth"));
        return joined
                .withColumn("realised_growth", col("new").plus(col("expansion")).plus(col("reactivation")).cast(MONEY))
                .withColumn("unattributed", col("realised_growth").minus(col("attributed_total")).cast(MONEY))
                .withColumn("scale_factor", coalesce(col("scale_factor"), lit(1)).cast("decimal(10,6)"))
                .withColumn("reconciles", bridged.and(tied).and(capped))
                .withColumn("currency", lit(cfg.reportingCurrency()))
                .select("quarter", "mrr_start", "new", "expansion", "reactivation", "contraction", "churn", "mrr_end",
                        "realised_growth", "treated_realised_growth", "attributed_total", "unattributed", "scale_factor",
                        "one_time_revenue", "invoice_total", "contributions_total", "account_mrr_total", "reconciles",
                        "currency");
    }

    /** Rows of a monthly table whose month falls in a quarter, with that quarter. */
    private static Dataset<Row> inQuarter(Dataset<Row> bounds, Dataset<Row> monthly) {
        return monthly.join(bounds, col("month").between(col("first_month"), col("last_month")));
    }

    private static Dataset<Row> total(Dataset<Row> bounds, Dataset<Row> monthly, String value, String as) {
        return inQuarter(bounds, monthly.select(col("month"), col(value).as("_value")))
                .groupBy("quarter").agg(sum(col("_value")).as(as));
    }
}

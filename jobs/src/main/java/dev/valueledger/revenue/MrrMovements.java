package dev.valueledger.revenue;

import dev.valueledger.config.AppConfig;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * MRR movements of each account and month against the month before, and their monthly sums per
 * segment (CONTRACT §2 MRR movements, §3 mrr_movements_monthly). Sign convention: every movement
 * amount is mrr_end - mrr_start of its account, so new, reactivation and expansion are positive
 * and contraction and churn are negative; their sum is therefore exactly the change in MRR.
 */
public final class MrrMovements {

    public static final String NEW = "new";
    public static final String REACTIVATION = "reactivation";
    public static final String EXPANSION = "expansion";
    public static final String CONTRACTION = "contraction";
    public static final String CHURN = "churn";

    public static final TableSpec MONTHLY = TableSpec.gold("mrr_movements_monthly",
                    "MRR at the start and end of each month per segment and the movements between them (CONTRACT §2 MRR movements)")
            .column("month", "Calendar month YYYY-MM")
            .column("segment", "Segment of the accounts (accounts.segment; 'unknown' for billed accounts missing from accounts)")
            .column("mrr_start", "MRR at the end of the month before: sum of account MRR (CONTRACT §2 MRR)")
            .column("new", "MRR of accounts going from 0 to > 0 for the first time (positive; CONTRACT §2 MRR movements)")
            .column("reactivation", "MRR of accounts going from 0 to > 0 after having had MRR before (positive)")
            .column("expansion", "Increase of accounts whose MRR was > 0 and went up (positive)")
            .column("contraction", "Decrease of accounts whose MRR went down and stayed > 0 (negative)")
            .column("churn", "MRR lost by accounts going from > 0 to 0 (negative: minus their MRR of the month before)")
            .column("mrr_end", "MRR at the end of the month; mrr_end = mrr_start + new + reactivation + expansion + contraction + churn exactly")
            .column("currency", "Reporting currency of every amount (configuration reporting-currency)")
            .column("quarter", "Quarter of the month (YYYY-Qn, fiscal when configured)")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .partitionBy("quarter")
            .key("month", "segment")
            .build();

    public static final TableSpec ACCOUNT = TableSpec.gold("mrr_movements_account",
                    "Each account's MRR movement in each month it changed, the rows mrr_movements_monthly sums (CONTRACT §2 MRR movements)")
            .column("account_id", "Account (accounts.account_id)")
            .column("month", "Calendar month YYYY-MM")
            .column("segment", "Segment of the account (accounts.segment; 'unknown' when missing from accounts)")
            .column("mrr_start", "Account MRR in the month before (0 before its first MRR; CONTRACT §2 MRR)")
            .column("mrr_end", "Account MRR in the month (sum of its rounded contributions, mrr_contributions)")
            .column("movement", "new, reactivation, expansion, contraction or churn (CONTRACT §2 MRR movements)")
            .column("amount", "mrr_end - mrr_start: positive for new, reactivation, expansion; negative for contraction and churn")
            .column("currency", "Reporting currency of every amount (configuration reporting-currency)")
            .column("quarter", "Quarter of the month (YYYY-Qn, fiscal when configured)")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .partitionBy("quarter")
            .key("account_id", "month")
            .build();

    private MrrMovements() { }

    /** Rows of {@link #ACCOUNT}: one per account and month whose MRR differs from the month before. */
    public static Dataset<Row> perAccount(Dataset<Row> panel, AppConfig cfg) {
        return classified(panel, cfg).filter(col("movement").isNotNull())
                .select(col("account_id"), col("month"), col("segment"), col("mrr_start"), col("mrr_end"),
                        col("movement"), col("amount"), col("currency"), col("quarter"));
    }

    /** Rows of {@link #MONTHLY}: every panel month x segment, movements summed by kind. */
    public static Dataset<Row> monthly(Dataset<Row> panel, AppConfig cfg) {
        return classified(panel, cfg)
                .groupBy(col("month"), col("segment"), col("currency"), col("quarter"))
                .agg(money(sum(col("mrr_start"))).as("mrr_start"),
                        moved(NEW), moved(REACTIVATION), moved(EXPANSION), moved(CONTRACTION), moved(CHURN),
                        money(sum(col("mrr_end"))).as("mrr_end"))
                .select(col("month"), col("segment"), col("mrr_start"), col(NEW), col(REACTIVATION),
                        col(EXPANSION), col(CONTRACTION), col(CHURN), col("mrr_end"), col("currency"), col("quarter"));
    }

    /**
     * Every panel row with mrr_start, mrr_end, movement (null when unchanged) and amount. The panel
     * is balanced, so the previous row of an account is the previous calendar month; its first
     * month starts from 0 because no account has MRR before the panel's first month.
     */
    static Dataset<Row> classified(Dataset<Row> panel, AppConfig cfg) {
        WindowSpec byMonth = Window.partitionBy(col("account_id")).orderBy(col("month"));
        Column start = col("mrr_start");
        Column end = col("mrr_end");
        Column paidBefore = coalesce(max(when(col("mrr").gt(0), 1)).over(byMonth.rowsBetween(Window.unboundedPreceding(), -1)), lit(0))
                .equalTo(1);
        // Credits can push an account's MRR below 0; such months still get a movement so the
        // identity holds: a rise counts as expansion and a fall as contraction.
        Column movement = when(start.leq(0).and(end.gt(0)), when(col("paid_before"), lit(REACTIVATION)).otherwise(lit(NEW)))
                .when(start.gt(0).and(end.leq(0)), lit(CHURN))
                .when(end.gt(start), lit(EXPANSION))
                .when(end.lt(start), lit(CONTRACTION));
        return panel
                .withColumn("mrr_start", coalesce(lag(col("mrr"), 1).over(byMonth), lit(0)).cast(FxRates.MONEY_TYPE))
                .withColumn("paid_before", paidBefore)
                .withColumnRenamed("mrr", "mrr_end")
                .withColumn("movement", movement)
                .withColumn("amount", end.minus(start).cast(FxRates.MONEY_TYPE))
                .withColumn("currency", lit(cfg.reportingCurrency()))
                .withColumn("quarter", Months.quarter(col("month"), cfg));
    }

    private static Column moved(String kind) {
        return money(sum(when(col("movement").equalTo(kind), col("amount")).otherwise(lit(0)))).as(kind);
    }

    private static Column money(Column c) {
        return c.cast(FxRates.MONEY_TYPE);
    }
}

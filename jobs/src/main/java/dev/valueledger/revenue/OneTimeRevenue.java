package dev.valueledger.revenue;

import dev.valueledger.config.AppConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.sum;

/** Non-recurring revenue per month: paid or open one_time lines, never MRR (CONTRACT §2 MRR, §3 revenue_reconciliation.one_time_revenue). */
public final class OneTimeRevenue {

    private OneTimeRevenue() { }

    /**
     * month ('YYYY-MM' of period_start), one_time_revenue DECIMAL(20,2), currency: each line
     * converted at its month's rate (else the latest earlier one) and rounded half-even to the
     * cent before summing, as MRR contributions are.
     */
    public static Dataset<Row> monthly(Dataset<Row> invoiceLines, Dataset<Row> fxRates, AppConfig cfg) {
        Dataset<Row> lines = invoiceLines.filter(lower(col("kind")).equalTo("one_time")
                .and(lower(col("status")).isin("paid", "open")));
        return FxRates.convertAtPeriodStart(lines, fxRates, cfg.reportingCurrency())
                .groupBy(col("month"))
                .agg(sum(col("amount_converted")).cast(FxRates.MONEY_TYPE).as("one_time_revenue"))
                .withColumn("currency", lit(cfg.reportingCurrency()));
    }
}

package dev.valueledger.revenue;

import dev.valueledger.config.AppConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.sum;

/** Amount invoiced per month: paid and open lines of every kind, credits negative (CONTRACT §3 revenue_reconciliation.invoice_total). */
public final class InvoiceTotals {

    private InvoiceTotals() { }

    /**
     * month ('YYYY-MM' of period_start), invoice_total DECIMAL(20,2), currency: each line converted
     * at its month's rate (else the latest earlier one) and rounded half-even to the cent before
     * summing; void and uncollectible lines count nowhere.
     */
    public static Dataset<Row> monthly(Dataset<Row> invoiceLines, Dataset<Row> fxRates, AppConfig cfg) {
        Dataset<Row> lines = invoiceLines.filter(lower(col("status")).isin("paid", "open"));
        return FxRates.convertAtPeriodStart(lines, fxRates, cfg.reportingCurrency())
                .groupBy(col("month"))
                .agg(sum(col("amount_converted")).cast(FxRates.MONEY_TYPE).as("invoice_total"))
                .withColumn("currency", lit(cfg.reportingCurrency()));
    }
}

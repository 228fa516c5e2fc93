package dev.valueledger.revenue;

import dev.valueledger.config.AppConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Conversion of monthly amounts to the reporting currency at the month's rate, else the latest earlier one: the revenue package's FX rule for other packages (CONTRACT §2 MRR). */
public final class ReportingCurrency {

    /** Type of every converted, rounded amount in gold. */
    public static final String MONEY_TYPE = FxRates.MONEY_TYPE;

    private ReportingCurrency() { }

    /**
     * Adds {@code rate} (DECIMAL(20,10), 1 for the reporting currency) to rows that carry
     * {@code currency} and {@code month} ('YYYY-MM'); fails naming the gap when no rate exists
     * at or before the month, as MRR conversion does.
     */
    public static Dataset<Row> withRate(Dataset<Row> rows, Dataset<Row> fxRates, AppConfig cfg) {
        return FxRates.attachRate(rows, fxRates, cfg.reportingCurrency());
    }
}

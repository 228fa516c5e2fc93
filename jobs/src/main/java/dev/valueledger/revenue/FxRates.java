package dev.valueledger.revenue;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.when;

/** Rate of a currency to the reporting currency for a month: that month's rate, else the latest earlier one (CONTRACT §2 MRR). */
final class FxRates {

    /** Rates carry the silver type of fx_rates.rate_to_reporting. */
    static final String RATE_TYPE = "decimal(20,10)";
    /** Every converted, rounded amount in gold. */
    static final String MONEY_TYPE = "decimal(20,2)";

    private FxRates() { }

    /**
     * Adds {@code rate} to rows that carry {@code currency} and {@code month} ('YYYY-MM'). Fails
     * with an IllegalStateException naming the currency and month when no rate exists at or
     * before that month: ingest should have quarantined such a line, so a gap here is a defect
     * and a figure converted at a guessed rate would be wrong money.
     */
    static Dataset<Row> attachRate(Dataset<Row> rows, Dataset<Row> fxRates, String reportingCurrency) {
        Dataset<Row> needed = rows.select(col("currency"), col("month")).distinct()
                .filter(col("currency").notEqual(lit(reportingCurrency)));
        Dataset<Row> fx = fxRates.select(col("currency").as("fx_currency"), col("month").as("fx_month"),
                col("rate_to_reporting"));
        // 'YYYY-MM' strings order like the months they name, so <= picks this month and earlier ones.
        Dataset<Row> rates = needed.join(fx, col("currency").equalTo(col("fx_currency"))
                        .and(col("fx_month").leq(col("month"))), "left")
                .groupBy(col("currency"), col("month"))
                .agg(max_by(col("rate_to_reporting"), col("fx_month")).as("fx_rate"));
        requireEveryRate(rates);
        Column rate = when(col("currency").equalTo(lit(reportingCurrency)), lit(1).cast(RATE_TYPE))
                .otherwise(col("fx_rate")).cast(RATE_TYPE);
        Dataset<Row> keyed = rates.select(col("currency").as("rate_currency"), col("month").as("rate_month"), col("fx_rate"));
        return rows.join(keyed, col("currency").equalTo(col("rate_currency"))
                        .and(col("month").equalTo(col("rate_month"))), "left")
                .withColumn("rate", rate)
                .drop("fx_rate", "rate_currency", "rate_month");
    }

    /**
     * The line amounts of {@code lines} converted at the rate of their period_start month and
     * rounded half-even to the cent: amount_converted, with month = period_start's 'YYYY-MM'.
     */
    static Dataset<Row> convertAtPeriodStart(Dataset<Row> lines, Dataset<Row> fxRates, String reportingCurrency) {
        Dataset<Row> byMonth = lines.withColumn("month", date_format(col("period_start"), "yyyy-MM"));
        return attachRate(byMonth, fxRates, reportingCurrency)
                .withColumn("amount_converted", bround(col("amount").multiply(col("rate")), 2).cast(MONEY_TYPE));
    }

    private static void requireEveryRate(Dataset<Row> rates) {
        List<Row> missing = rates.filter(col("fx_rate").isNull())
                .select(concat_ws(" in ", col("currency"), col("month")).as("gap"))
                .orderBy("gap").limit(5).collectAsList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("no fx rate to the reporting currency at or before the month for "
                    + missing.stream().map(r -> r.getString(0)).collect(Collectors.joining(", "))
                    + "; add the rate to fx_rates (ingest should have quarantined these invoice lines)");
        }
    }
}

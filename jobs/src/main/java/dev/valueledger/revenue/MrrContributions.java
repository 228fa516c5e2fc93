package dev.valueledger.revenue;

import dev.valueledger.config.AppConfig;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.math.BigDecimal;

import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.dayofmonth;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.last_day;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

/** Each invoice line's rounded, converted contribution to each calendar month's MRR (CONTRACT §2 MRR). */
public final class MrrContributions {

    /** Average days per month of the Gregorian calendar (365.25 / 12), the contract's divisor. */
    static final BigDecimal DAYS_PER_MONTH = new BigDecimal("30.4375");

    public static final TableSpec TABLE = TableSpec.gold("mrr_contributions",
                    "Contribution of each subscription or credit invoice line to each month's MRR, so every MRR figure traces to its lines (CONTRACT §2 MRR)")
            .column("invoice_id", "Invoice of the line (invoice_lines.invoice_id)")
            .column("line_id", "Line within the invoice (invoice_lines.line_id)")
            .column("account_id", "Billed account (invoice_lines.account_id)")
            .column("kind", "subscription or credit (CONTRACT §2 MRR: one_time lines are never MRR)")
            .column("period_start", "First day the line covers (invoice_lines.period_start)")
            .column("period_end", "First day after the period the line covers (invoice_lines.period_end, exclusive)")
            .column("month", "Calendar month YYYY-MM at whose last day the line is active (period_start <= last day < period_end)")
            .column("currency", "Currency of the line's amount (invoice_lines.currency)")
            .column("amount", "Line amount in its own currency for the whole period; negative for credits (invoice_lines.amount)")
            .column("rate", "Rate to the reporting currency for the month, else the latest earlier month's rate; 1 for the reporting currency (fx_rates)")
            .column("contribution", "amount / length in months (whole calendar months when start and end share the day of month, else days / 30.4375) x rate, rounded half-even to the cent, in the reporting currency (CONTRACT §2 MRR)")
            .column("quarter", "Quarter of the month (YYYY-Qn, fiscal when configured)")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .partitionBy("quarter")
            .key("invoice_id", "line_id", "month")
            .build();

    private MrrContributions() { }

    /**
     * One row per MRR line and month it counts in: paid or open subscription and credit lines,
     * spread over the months at whose last day they are active, converted and rounded half-even.
     */
    public static Dataset<Row> compute(Dataset<Row> invoiceLines, Dataset<Row> fxRates, AppConfig cfg) {
        Column start = col("period_start");
        Column end = col("period_end");
        Dataset<Row> lines = invoiceLines
                .filter(lower(col("kind")).isin("subscription", "credit")
                        .and(lower(col("status")).isin("paid", "open"))
                        // An empty or reversed period has no month end inside it, so contributes nothing.
                        .and(end.gt(start)))
                .select(col("invoice_id"), col("line_id"), col("account_id"), lower(col("kind")).as("kind"),
                        start, end, col("currency"), col("amount"));

        Column monthStart = explode(sequence(trunc(start, "MM"), trunc(end, "MM"), expr("INTERVAL 1 MONTH")));
        Dataset<Row> byMonth = lines
                .withColumn("month_start", monthStart)
                .filter(start.leq(last_day(col("month_start"))).and(last_day(col("month_start")).lt(end)))
                .withColumn("month", date_format(col("month_start"), "yyyy-MM"))
                .drop("month_start");

        Dataset<Row> rated = FxRates.attachRate(byMonth, fxRates, cfg.reportingCurrency());
        return rated
                .withColumn("contribution", bround(monthly(start, end, col("amount").multiply(col("rate"))), 2)
                        .cast(FxRates.MONEY_TYPE))
                .withColumn("quarter", Months.quarter(col("month"), cfg))
                .select(col("invoice_id"), col("line_id"), col("account_id"), col("kind"), start, end,
                        col("month"), col("currency"), col("amount"), col("rate"), col("contribution"), col("quarter"));
    }

    /**
     * {@code converted} divided by the line's length in months, as one exact decimal division
     * (amount x 30.4375 / days rather than amount / (days / 30.4375), whose divisor would not
     * terminate) so the only rounding that matters is the final half-even one to the cent.
     */
    static Column monthly(Column start, Column end, Column converted) {
        Column aligned = dayofmonth(start).equalTo(dayofmonth(end));
        Column wholeMonths = year(end).multiply(12).plus(month(end))
                .minus(year(start).multiply(12).plus(month(start)));
        Column numerator = when(aligned, converted).otherwise(converted.multiply(lit(DAYS_PER_MONTH)));
        Column denominator = when(aligned, wholeMonths).otherwise(datediff(end, start)).cast("decimal(10,0)");
        return numerator.divide(denominator);
    }
}

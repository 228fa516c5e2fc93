package dev.valueledger.revenue;

import dev.valueledger.SparkTestBase;
import dev.valueledger.ingest.Source;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Date;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MrrContributionsTest extends SparkTestBase {

    private static final String LINES = Source.INVOICE_LINES.silverSchema().toDDL();
    private static final String RATES = Source.FX_RATES.silverSchema().toDDL();
    private static final String EXPECTED = "invoice_id STRING, line_id STRING, month STRING, contribution DECIMAL(20,2)";

    static Object[] line(String invoice, String account, String kind, String status, String currency,
                         String amount, String start, String end) {
        return row(invoice, "1", account, kind, status, currency, new BigDecimal(amount),
                Date.valueOf(start), Date.valueOf(end));
    }

    private Dataset<Row> noRates() {
        return df(RATES);
    }

    private Dataset<Row> contributions(Dataset<Row> lines, Dataset<Row> rates) {
        return MrrContributions.compute(lines, rates, TEST_CONFIG)
                .select(col("invoice_id"), col("line_id"), col("month"), col("contribution"));
    }

    /** Same rows, with every column nullable: the rules under test are values, not nullability. */
    private Dataset<Row> loose(Dataset<Row> d) {
        StructField[] f = d.schema().fields().clone();
        for (int i = 0; i < f.length; i++) {
            f[i] = new StructField(f[i].name(), f[i].dataType(), true, f[i].metadata());
        }
        return spark().createDataFrame(d.javaRDD(), new StructType(f));
    }

    private void assertContributions(Dataset<Row> expected, Dataset<Row> actual) {
        assertSameRows(loose(expected), loose(actual));
    }

    @Test
    void monthlyLineCountsInTheOneMonthWhoseLastDayItCovers() {
        // [2025-01-01, 2025-02-01): same day of month, 1 whole month; Jan 31 inside, Feb 28 not.
        Dataset<Row> lines = df(LINES, line("i1", "a", "subscription", "paid", "EUR", "100.0000", "2025-01-01", "2025-02-01"));
        assertContributions(df(EXPECTED, row("i1", "1", "2025-01", new BigDecimal("100.00"))),
                contributions(lines, noRates()));
    }

    @Test
    void annualLineSpreadsOverTwelveMonths() {
        // [2025-01-15, 2026-01-15): 12 whole months, 1200 / 12 = 100.00 at each month end Jan..Dec 2025;
        // 2026-01-31 is not before 2026-01-15.
        Dataset<Row> lines = df(LINES, line("i2", "a", "subscription", "open", "EUR", "1200.0000", "2025-01-15", "2026-01-15"));
        Object[][] rows = new Object[12][];
        for (int m = 1; m <= 12; m++) {
            rows[m - 1] = row("i2", "1", String.format("2025-%02d", m), new BigDecimal("100.00"));
        }
        assertContributions(df(EXPECTED, rows), contributions(lines, noRates()));
    }

    @Test
    void unalignedLineUsesDaysOverAverageMonthAtMonthEndsOnly() {
        // [2025-01-10, 2025-03-05): days 10 and 5 differ; 21 + 28 + 5 = 54 days.
        // 100 x 30.4375 / 54 = 56.36574... -> 56.37 at Jan 31 and Feb 28; Mar 31 is after the end.
        Dataset<Row> lines = df(LINES, line("i3", "a", "subscription", "paid", "EUR", "100.0000", "2025-01-10", "2025-03-05"));
        assertContributions(df(EXPECTED,
                        row("i3", "1", "2025-01", new BigDecimal("56.37")),
                        row("i3", "1", "2025-02", new BigDecimal("56.37"))),
                contributions(lines, noRates()));
    }

    @Test
    void foreignCurrencyUsesTheMonthsRateElseTheLatestEarlier() {
        // 100 USD over 3 whole months: Jan 100 x 0.9 / 3 = 30.00; Feb 100 x 0.8 / 3 = 26.666.. -> 26.67;
        // Mar has no rate, takes Feb's 0.8 -> 26.67. The later April rate must not be used.
        Dataset<Row> lines = df(LINES, line("i4", "a", "subscription", "paid", "USD", "100.0000", "2025-01-01", "2025-04-01"));
        Dataset<Row> rates = df(RATES,
                row("2025-01", "USD", new BigDecimal("0.9000000000")),
                row("2025-02", "USD", new BigDecimal("0.8000000000")),
                row("2025-04", "USD", new BigDecimal("0.5000000000")));
        Dataset<Row> actual = MrrContributions.compute(lines, rates, TEST_CONFIG);
        assertContributions(df(EXPECTED,
                        row("i4", "1", "2025-01", new BigDecimal("30.00")),
                        row("i4", "1", "2025-02", new BigDecimal("26.67")),
                        row("i4", "1", "2025-03", new BigDecimal("26.67"))),
                actual.select(col("invoice_id"), col("line_id"), col("month"), col("contribution")));
        Assertions.assertTrue(actual.filter(col("month").equalTo("2025-03")
                .and(col("rate").equalTo(new BigDecimal("0.8")))).count() == 1, "March traces to February's rate");
    }

    @Test
    void roundsHalfEvenToTheCent() {
        // 0.375 / 3 = 0.125 -> 0.12 (half-even keeps the even 2; half-up would give 0.13);
        // 0.405 / 3 = 0.135 -> 0.14.
        Dataset<Row> lines = df(LINES,
                line("i5", "a", "subscription", "paid", "EUR", "0.3750", "2025-01-01", "2025-04-01"),
                line("i6", "a", "subscription", "paid", "EUR", "0.4050", "2025-01-01", "2025-04-01"));
        assertContributions(df(EXPECTED,
                        row("i5", "1", "2025-01", new BigDecimal("0.12")),
                        row("i6", "1", "2025-01", new BigDecimal("0.14"))),
                contributions(lines, noRates()).filter(col("month").equalTo("2025-01")));
    }

    @Test
    void creditReducesAccountMrr() {
        // Jan: subscription 100.00 + credit -30.00 = 70.00.
        Dataset<Row> lines = df(LINES,
                line("i8", "a", "subscription", "paid", "EUR", "100.0000", "2025-01-01", "2025-02-01"),
                line("i9", "a", "credit", "paid", "EUR", "-30.0000", "2025-01-01", "2025-02-01"));
        Dataset<Row> contributions = MrrContributions.compute(lines, noRates(), TEST_CONFIG);
        assertContributions(df("account_id STRING, month STRING, mrr DECIMAL(20,2)", row("a", "2025-01", new BigDecimal("70.00"))),
                AccountMrr.compute(contributions));
        // Every declared column is produced (run_id comes from the Lakehouse) and the quarter follows the month.
        Assertions.assertEquals("2025-Q1", MrrContributions.TABLE.conform(contributions.withColumn("run_id", col("month")))
                .select("quarter").distinct().first().getString(0));
    }

    @Test
    void oneTimeVoidAndUncollectibleLinesNeverContribute() {
        Dataset<Row> lines = df(LINES,
                line("j1", "a", "one_time", "paid", "EUR", "500.0000", "2025-01-01", "2025-02-01"),
                line("j2", "a", "subscription", "void", "EUR", "999.0000", "2025-01-01", "2025-02-01"),
                line("j3", "a", "subscription", "uncollectible", "EUR", "999.0000", "2025-01-01", "2025-02-01"));
        Assertions.assertTrue(MrrContributions.compute(lines, noRates(), TEST_CONFIG).isEmpty());
    }

    @Test
    void missingRateFailsNamingCurrencyAndMonth() {
        Dataset<Row> lines = df(LINES, line("k1", "a", "subscription", "paid", "GBP", "10.0000", "2025-01-01", "2025-02-01"));
        Dataset<Row> rates = df(RATES, row("2025-02", "GBP", new BigDecimal("1.1000000000")));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MrrContributions.compute(lines, rates, TEST_CONFIG));
        Assertions.assertTrue(e.getMessage().contains("GBP in 2025-01"), e.getMessage());
    }

    @Test
    void oneTimeRevenueAndInvoiceTotalsPerMonth() {
        // One-time: Jan 500.00 EUR; Feb 100 USD x 0.8 = 80.00; the void one-time line counts nowhere.
        // Invoice total: Jan 100 + 500 - 30 = 570.00 (void excluded); Feb 80.00.
        Dataset<Row> lines = df(LINES,
                line("m1", "a", "subscription", "paid", "EUR", "100.0000", "2025-01-01", "2025-02-01"),
                line("m2", "a", "one_time", "paid", "EUR", "500.0000", "2025-01-20", "2025-01-21"),
                line("m3", "a", "credit", "open", "EUR", "-30.0000", "2025-01-01", "2025-02-01"),
                line("m4", "a", "one_time", "open", "USD", "100.0000", "2025-02-03", "2025-02-04"),
                line("m5", "a", "one_time", "void", "EUR", "700.0000", "2025-01-05", "2025-01-06"));
        Dataset<Row> rates = df(RATES, row("2025-02", "USD", new BigDecimal("0.8000000000")));
        assertContributions(df("month STRING, one_time_revenue DECIMAL(20,2), currency STRING",
                        row("2025-01", new BigDecimal("500.00"), "EUR"),
                        row("2025-02", new BigDecimal("80.00"), "EUR")),
                OneTimeRevenue.monthly(lines, rates, TEST_CONFIG));
        assertContributions(df("month STRING, invoice_total DECIMAL(20,2), currency STRING",
                        row("2025-01", new BigDecimal("570.00"), "EUR"),
                        row("2025-02", new BigDecimal("80.00"), "EUR")),
                InvoiceTotals.monthly(lines, rates, TEST_CONFIG));
    }
}

package dev.valueledger.impact;

import dev.valueledger.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

class AttributionCreditTest extends SparkTestBase {

    private static final String IMPACT = "quarter STRING, epic_key STRING, outcome STRING, n_treated BIGINT, "
            + "estimate DOUBLE, attributed_mrr DECIMAL(20,2), scale_factor DECIMAL(10,6), currency STRING";
    private static final String MOVES = "account_id STRING, month STRING, movement STRING, amount DECIMAL(20,2), quarter STRING";

    private static BigDecimal eur(String v) {
        return new BigDecimal(v);
    }

    private static BigDecimal one() {
        return new BigDecimal("1.000000");
    }

    private Dataset<Row> loose(Dataset<Row> d) {
        StructField[] f = d.schema().fields().clone();
        for (int i = 0; i < f.length; i++) {
            f[i] = new StructField(f[i].name(), f[i].dataType(), true, f[i].metadata());
        }
        return spark().createDataFrame(d.javaRDD(), new StructType(f));
    }

    /**
     * 2025-Q1: E1 350.00, E2 350.00, E3 -50.00 attributed (mrr), E1 also has an active row.
     * Treated: E1 {a1, a2 (Jan)}, E2 {a2, a3 (Feb)}, E3 {a4 (Mar)}; a6 adopts E1 in April (not treated in Q1);
     * a5 adopts only E9, which has no estimate.
     * Q1 growth of treated accounts: a1 new 100 + a2 expansion 150 + a3 reactivation 50 = 300.00 (a2 counted once;
     * a3's contraction, a4's churn and the untreated a5 new 1000 and a6 new 500 do not count).
     * Positive sum 700.00 > 300.00: factor = floor6(300 / 700 = 0.4285714..) = 0.428571.
     * E1, E2: floor(350 x 0.428571 = 149.99985) = 149.99; E3: floor(-50 x 0.428571 = -21.42855) = -21.43.
     * Total 149.99 + 149.99 - 21.43 = 278.55 <= 300.00; unattributed 300.00 - 278.55 = 21.45.
     * 2025-Q2: E1 10.00 attributed; growth of its treated a1 (expansion 70 in April) + a6 (new 500 in April) = 570.00
     * >= 10.00: factor 1, unchanged.
     */
    private AttributionCredit.Result credit() {
        Dataset<Row> impact = df(IMPACT,
                row("2025-Q1", "E1", "mrr", 2L, 175.0, eur("350.00"), one(), "EUR"),
                row("2025-Q1", "E1", "active", 2L, 0.1, null, one(), "EUR"),
                row("2025-Q1", "E2", "mrr", 2L, 175.0, eur("350.00"), one(), "EUR"),
                row("2025-Q1", "E3", "mrr", 1L, -50.0, eur("-50.00"), one(), "EUR"),
                row("2025-Q2", "E1", "mrr", 3L, 3.333, eur("10.00"), one(), "EUR"));
        Dataset<Row> adoptions = df("epic_key STRING, account_id STRING, cohort_month STRING, method STRING",
                row("E1", "a1", "2025-01", "adoption"), row("E1", "a2", "2025-01", "adoption"),
                row("E2", "a2", "2025-02", "adoption"), row("E2", "a3", "2025-02", "adoption"),
                row("E3", "a4", "2025-03", "adoption"), row("E9", "a5", "2025-01", "adoption"),
                row("E1", "a6", "2025-04", "adoption"));
        Dataset<Row> moves = df(MOVES,
                row("a1", "2025-01", "new", eur("100.00"), "2025-Q1"),
                row("a2", "2025-02", "expansion", eur("150.00"), "2025-Q1"),
                row("a3", "2025-03", "reactivation", eur("50.00"), "2025-Q1"),
                row("a3", "2025-02", "contraction", eur("-30.00"), "2025-Q1"),
                row("a4", "2025-03", "churn", eur("-40.00"), "2025-Q1"),
                row("a5", "2025-01", "new", eur("1000.00"), "2025-Q1"),
                row("a6", "2025-01", "new", eur("500.00"), "2025-Q1"),
                row("a1", "2025-04", "expansion", eur("70.00"), "2025-Q2"),
                row("a6", "2025-04", "new", eur("500.00"), "2025-Q2"));
        return AttributionCredit.apply(impact, adoptions, moves, TEST_CONFIG);
    }

    @Test
    void epicsAreScaledDownByOneCommonFactorToTheRealisedGrowth() {
        AttributionCredit.Result r = credit();
        BigDecimal f = new BigDecimal("0.428571");
        Dataset<Row> expected = df("quarter STRING, epic_key STRING, outcome STRING, attributed_mrr DECIMAL(20,2), scale_factor DECIMAL(10,6)",
                row("2025-Q1", "E1", "mrr", eur("149.99"), f),
                row("2025-Q1", "E1", "active", null, f),
                row("2025-Q1", "E2", "mrr", eur("149.99"), f),
                row("2025-Q1", "E3", "mrr", eur("-21.43"), f),
                row("2025-Q2", "E1", "mrr", eur("10.00"), one()));
        assertSameRows(loose(expected), loose(r.impact().select("quarter", "epic_key", "outcome", "attributed_mrr", "scale_factor")));

        Dataset<Row> quarters = df("quarter STRING, treated_realised_growth DECIMAL(20,2), attributed_before_scaling DECIMAL(20,2), "
                        + "positive_attributed DECIMAL(20,2), scale_factor DECIMAL(10,6), attributed_total DECIMAL(20,2), "
                        + "unattributed_treated DECIMAL(20,2)",
                row("2025-Q1", eur("300.00"), eur("650.00"), eur("700.00"), f, eur("278.55"), eur("21.45")),
                row("2025-Q2", eur("570.00"), eur("10.00"), eur("10.00"), one(), eur("10.00"), eur("560.00")));
        assertSameRows(loose(quarters), loose(r.quarters()));
    }

    @Test
    void scaledImpactKeepsTheEpicImpactColumns() {
        Dataset<Row> impact = credit().impact();
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                new String[]{"quarter", "epic_key", "outcome", "n_treated", "estimate", "attributed_mrr", "scale_factor", "currency"},
                impact.columns());
    }
}

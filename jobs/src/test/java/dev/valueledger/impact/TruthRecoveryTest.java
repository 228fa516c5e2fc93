package dev.valueledger.impact;

import dev.valueledger.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TruthRecoveryTest extends SparkTestBase {

    private static final String IMPACT = "quarter STRING, epic_key STRING, outcome STRING, estimate DOUBLE, ci_low DOUBLE,"
            + " ci_high DOUBLE, verdict STRING, pre_trend_ok BOOLEAN, n_treated BIGINT, n_control BIGINT";

    /**
     * E1 +30: estimate 20 [12, 28], pre-trend failed so inconclusive.
     * E2 0: estimate 1 [-2, 4], inconclusive.
     * E3 0: estimate 5 [1, 9], pre-trend failed.
     * E4 -30: estimate -18 [-25, -11], negative.
     * E5 +10: no estimate (only the naive comparison).
     * Seeds: E1-E3 seed 1, E4-E5 seed 2. Rows of another quarter and of outcome active must not count.
     */
    private Dataset<Row> perEpic() {
        Dataset<Row> impact = df(IMPACT,
                row("2025-Q4", "E1", "mrr", 20.0, 12.0, 28.0, "inconclusive", false, 100L, 200L),
                row("2025-Q4", "E2", "mrr", 1.0, -2.0, 4.0, "inconclusive", true, 90L, 200L),
                row("2025-Q4", "E3", "mrr", 5.0, 1.0, 9.0, "inconclusive", false, 80L, 200L),
                row("2025-Q4", "E4", "mrr", -18.0, -25.0, -11.0, "negative", true, 70L, 200L),
                row("2025-Q4", "E1", "active", 0.5, 0.4, 0.6, "positive", true, 100L, 200L),
                row("2025-Q3", "E1", "mrr", 99.0, 98.0, 100.0, "positive", true, 100L, 200L));
        Dataset<Row> truth = df("epic_key STRING, true_effect_mrr_eur DECIMAL(12,2)",
                row("E1", new BigDecimal("30.00")), row("E2", new BigDecimal("0.00")), row("E3", new BigDecimal("0.00")),
                row("E4", new BigDecimal("-30.00")), row("E5", new BigDecimal("10.00")));
        Dataset<Row> naive = df("epic_key STRING, naive_difference DECIMAL(24,6)",
                row("E1", new BigDecimal("130")), row("E2", new BigDecimal("100")), row("E3", new BigDecimal("-20")),
                row("E4", new BigDecimal("70")), row("E5", new BigDecimal("50")));
        Dataset<Row> seeds = df("epic_key STRING, seed INT",
                row("E1", 1), row("E2", 1), row("E3", 1), row("E4", 2), row("E5", 2));
        return TruthRecovery.perEpic(impact, truth, naive, "2025-Q4").join(seeds, "epic_key");
    }

    @Test
    void perEpicMatchesTheEstimateToThePlantedEffect() {
        Map<String, Row> rows = new HashMap<>();
        perEpic().collectAsList().forEach(r -> rows.put(r.getAs("epic_key"), r));
        assertEquals(5, rows.size());
        Row e1 = rows.get("E1");
        assertEquals(false, e1.getAs("covered"));          // 30 outside [12, 28]
        assertEquals(20.0, e1.<Double>getAs("estimate"), 0);
        assertEquals(0, new BigDecimal("130").compareTo(e1.getAs("naive_difference")));
        assertEquals(true, rows.get("E2").getAs("covered"));   // 0 in [-2, 4]
        assertEquals(false, rows.get("E3").getAs("covered"));  // 0 outside [1, 9]
        assertEquals(false, rows.get("E4").getAs("covered"));  // -30 outside [-25, -11]
        assertEquals(true, rows.get("E4").getAs("interval_excludes_zero"));
        assertNull(rows.get("E5").getAs("estimate"));
        assertNull(rows.get("E5").getAs("covered"));
    }

    @Test
    void summaryPoolsAndSplitsBySeed() {
        Map<Integer, Row> s = new HashMap<>();
        List<Row> rows = TruthRecovery.summary(perEpic(), "seed").collectAsList();
        rows.forEach(r -> s.put(r.isNullAt(0) ? null : r.getInt(0), r));
        assertEquals(3, rows.size());
        Row pooled = s.get(null);
        assertEquals(5L, pooled.<Long>getAs("epics"));
        assertEquals(4L, pooled.<Long>getAs("epics_estimated"));
        // Covered: E2 only of E1..E4; among pre_trend_ok (E2, E4) E2.
        assertEquals(0.25, pooled.<Double>getAs("coverage"), 1e-12);
        assertEquals(0.5, pooled.<Double>getAs("coverage_pre_trend_ok"), 1e-12);
        // Zero Epics E2, E3: both inconclusive; only E2's interval holds 0.
        assertEquals(2L, pooled.<Long>getAs("zero_epics"));
        assertEquals(1.0, pooled.<Double>getAs("zero_inconclusive_share"), 1e-12);
        assertEquals(0.5, pooled.<Double>getAs("zero_interval_contains_zero_share"), 1e-12);
        // Non-zero E1, E4, E5; estimated E1 (inconclusive, interval right) and E4 (negative).
        assertEquals(3L, pooled.<Long>getAs("nonzero_epics"));
        assertEquals(0.5, pooled.<Double>getAs("nonzero_right_sign_share"), 1e-12);
        assertEquals(1.0, pooled.<Double>getAs("nonzero_interval_right_sign_share"), 1e-12);
        // Errors -10, 1, 5, 12: bias 8/4 = 2, rmse sqrt(270/4).
        assertEquals(2.0, pooled.<Double>getAs("bias"), 1e-12);
        assertEquals(Math.sqrt(67.5), pooled.<Double>getAs("rmse"), 1e-12);
        assertEquals(7.0, pooled.<Double>getAs("mean_abs_error"), 1e-12);
        // Naive 130-30, 100-0, -20-0, 70+30, 50-10: bias 320/5 = 64, rmse sqrt(32000/5) = 80.
        assertEquals(64.0, pooled.<Double>getAs("naive_bias"), 1e-12);
        assertEquals(80.0, pooled.<Double>getAs("naive_rmse"), 1e-12);
        assertEquals(0.5, pooled.<Double>getAs("pre_trend_ok_share"), 1e-12);

        Row one = s.get(1);
        assertEquals(1.0 / 3, one.<Double>getAs("coverage"), 1e-12);
        assertEquals(-4.0 / 3, one.<Double>getAs("bias"), 1e-12);   // (-10 + 1 + 5) / 3
        assertEquals(60.0, one.<Double>getAs("naive_bias"), 1e-12); // (100 + 100 - 20) / 3
        Row two = s.get(2);
        assertEquals(0.0, two.<Double>getAs("coverage"), 1e-12);
        assertNull(two.getAs("zero_inconclusive_share"));           // seed 2 has no zero Epic
        assertEquals(70.0, two.<Double>getAs("naive_bias"), 1e-12); // (100 + 40) / 2
        assertEquals(0, perEpic().filter(col("seed").isNull()).count());
    }
}

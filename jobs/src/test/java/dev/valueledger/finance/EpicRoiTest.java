package dev.valueledger.finance;

import dev.valueledger.pipeline.Quarter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

class EpicRoiTest extends CostFixtures {

    private static final String COST = "epic_key STRING, team_id STRING, month STRING, allocated_cost DECIMAL(20,2), "
            + "capitalizable_cost DECIMAL(20,2), quarter STRING";
    private static final String IMPACT = "quarter STRING, epic_key STRING, outcome STRING, n_treated BIGINT, estimate DOUBLE, "
            + "std_error DOUBLE, ci_low DOUBLE, ci_high DOUBLE, attributed_mrr DECIMAL(20,2), scale_factor DECIMAL(10,6)";

    private static BigDecimal f(String v) {
        return new BigDecimal(v);
    }

    /**
     * R: cost Jan 1000.00 (capitalizable 1000.00) + Feb 500.00 (0) = 1500.00 to 2025-Q1's end; April's 999.00 is
     * later. Impact: estimate 10/account/month, std_error 2, ci [6.08, 13.92], 20 treated, scale 0.5:
     * attributed 10 x 20 x 0.5 = 100.00/month, annual 1200.00; value interval 12 x 20 x 0.5 = 120 x [6.08, 13.92]
     * = [729.60, 1670.40]. ROI (1200 - 1500) / 1500 = -0.2, interval [(729.6 - 1500) / 1500 = -0.5136,
     * (1670.4 - 1500) / 1500 = 0.1136]. Payback 1500 / 100 = 15.00 months.
     * P(ROI > 0) = Phi((10 x 120 - 1500) / (2 x 120)) = Phi(-1.25) = 0.1056497737.
     * S: cost 100.00, attributed -5.00: ROI (-60 - 100) / 100 = -1.6, no payback. T: cost only: no value, no ROI.
     */
    private Dataset<Row> roi() {
        Dataset<Row> cost = df(COST,
                row("R", "t", "2025-01", f("1000.00"), f("1000.00"), "2025-Q1"),
                row("R", "t2", "2025-02", f("500.00"), f("0.00"), "2025-Q1"),
                row("R", "t", "2025-04", f("999.00"), f("0.00"), "2025-Q2"),
                row("unallocated", "t", "2025-01", f("700.00"), f("0.00"), "2025-Q1"),
                row("S", "t", "2025-02", f("100.00"), f("0.00"), "2025-Q1"),
                row("T", "t2", "2025-03", f("40.00"), f("40.00"), "2025-Q1"));
        Dataset<Row> impact = df(IMPACT,
                row("2025-Q1", "R", "mrr", 20L, 10.0, 2.0, 6.08, 13.92, f("100.00"), f("0.500000")),
                row("2025-Q1", "R", "active", 20L, 0.1, 0.01, 0.08, 0.12, null, f("0.500000")),
                row("2025-Q1", "S", "mrr", 5L, -1.0, 0.5, -1.98, -0.02, f("-5.00"), f("0.500000")));
        Dataset<Row> epics = df(DIM_EPIC, row("R", "t", "feature", null, null), row("S", "t", "feature", null, null),
                row("T", "t2", "debt", null, null));
        return EpicRoi.compute(cost, impact, epics, List.of(Quarter.parse("2025-Q1", 1)), TEST_CONFIG);
    }

    @Test
    void roiIntervalAndPaybackOnAHandCase() {
        Dataset<Row> actual = roi();
        assertMatchesSpec(EpicRoi.TABLE, actual);
        Dataset<Row> expected = df("quarter STRING, epic_key STRING, team_id STRING, cost_to_date DECIMAL(20,2), "
                        + "capitalized_to_date DECIMAL(20,2), attributed_mrr DECIMAL(20,2), attributed_annual_value DECIMAL(20,2), "
                        + "value_ci_low DECIMAL(20,2), value_ci_high DECIMAL(20,2), roi DECIMAL(20,6), roi_ci_low DECIMAL(20,6), "
                        + "roi_ci_high DECIMAL(20,6), payback_months DECIMAL(20,2), currency STRING",
                row("2025-Q1", "R", "t", f("1500.00"), f("1000.00"), f("100.00"), f("1200.00"), f("729.60"), f("1670.40"),
                        f("-0.200000"), f("-0.513600"), f("0.113600"), f("15.00"), "EUR"),
                // S: value 12 x -5 = -60.00; interval 12 x 5 x 0.5 x [-1.98, -0.02] = [-59.40, -0.60];
                // ROI (-60 - 100) / 100 = -1.6, [(-59.4 - 100) / 100 = -1.594, (-0.6 - 100) / 100 = -1.006].
                row("2025-Q1", "S", "t", f("100.00"), f("0.00"), f("-5.00"), f("-60.00"), f("-59.40"), f("-0.60"),
                        f("-1.600000"), f("-1.594000"), f("-1.006000"), null, "EUR"),
                row("2025-Q1", "T", "t2", f("40.00"), f("40.00"), null, null, null, null, null, null, null, null, "EUR"));
        assertSameRows(loose(expected), loose(actual.drop("prob_roi_positive")));

        Map<String, Object> prob = actual.select("epic_key", "prob_roi_positive").collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getString(0), r -> r.isNullAt(1) ? "null" : r.get(1)));
        Assertions.assertEquals(0.1056497737, (Double) prob.get("R"), 1e-7);
        // S: Phi((-1 x 30 - 100) / (0.5 x 30)) = Phi(-8.67) ~ 2e-18
        Assertions.assertEquals(0.0, (Double) prob.get("S"), 1e-7);
        Assertions.assertEquals("null", prob.get("T"));
    }

    @Test
    void normalCdfMatchesTheTable() {
        // Phi(0) = 0.5, Phi(1.96) = 0.9750021, Phi(-1) = 0.1586553 (standard normal table).
        Dataset<Row> z = df("z DOUBLE", row(0.0), row(1.96), row(-1.0));
        List<Row> rows = z.select(NormalCdf.of(z.col("z"))).collectAsList();
        Assertions.assertEquals(0.5, rows.get(0).getDouble(0), 1e-7);
        Assertions.assertEquals(0.9750021, rows.get(1).getDouble(0), 1e-7);
        Assertions.assertEquals(0.1586553, rows.get(2).getDouble(0), 1e-7);
    }
}

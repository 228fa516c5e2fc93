package dev.valueledger.finance;

import dev.valueledger.pipeline.Quarter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

class TeamValueQuarterTest extends CostFixtures {

    private static final long DAY = 86_400_000_000L;

    private static BigDecimal m(String v) {
        return new BigDecimal(v);
    }

    /**
     * Team t in 2025-Q1: Jan A (feature) 60.00, B (defect) 20.00, unallocated 20.00 over k1 (Bug -> defect, 3 days)
     * and k2 (label tech-debt -> debt, 1 day): defect 15.00, debt 5.00. Feb unallocated 50.00 with no active
     * item-days: unclassified. April's 999.00 is in Q2. Cost 150.00, unallocated 70.00.
     * Shares: feature 60/150 = 0.4, defect 35/150 = 0.2333.., debt 5/150 = 0.0333.., risk 0, innovation 0,
     * unclassified 50/150 = 0.3333... Value: A 600.00 on cost to date 300.00 (B has no estimate and stays out):
     * ROI (600 - 300) / 300 = 1. OKR attainment 0.75 as given.
     * Team t2: C (innovation) 10.00 -> share_innovation 1, no value, no OKRs.
     */
    @Test
    void costValueAndInvestmentDistributionPerTeamQuarter() {
        Dataset<Row> cost = df("epic_key STRING, team_id STRING, month STRING, allocated_cost DECIMAL(20,2), quarter STRING",
                row("A", "t", "2025-01", m("60.00"), "2025-Q1"), row("B", "t", "2025-01", m("20.00"), "2025-Q1"),
                row("unallocated", "t", "2025-01", m("20.00"), "2025-Q1"),
                row("unallocated", "t", "2025-02", m("50.00"), "2025-Q1"),
                row("A", "t", "2025-04", m("999.00"), "2025-Q2"),
                row("C", "t2", "2025-03", m("10.00"), "2025-Q1"));
        Dataset<Row> itemDays = df("item_key STRING, team_id STRING, epic_key STRING, type STRING, labels ARRAY<STRING>, "
                        + "month STRING, active_micros BIGINT",
                row("k1", "t", null, "Bug", null, "2025-01", 3 * DAY),
                row("k2", "t", null, "Story", new String[]{"tech-debt"}, "2025-01", DAY),
                row("a1", "t", "A", "Story", null, "2025-01", 5 * DAY));
        Dataset<Row> epics = df(DIM_EPIC, row("A", "t", "feature", null, null), row("B", "t", "Defect", null, null),
                row("C", "t2", "innovation", null, null));
        Dataset<Row> roi = df("quarter STRING, epic_key STRING, team_id STRING, cost_to_date DECIMAL(20,2), "
                        + "attributed_annual_value DECIMAL(20,2)",
                row("2025-Q1", "A", "t", m("300.00"), m("600.00")), row("2025-Q1", "B", "t", m("100.00"), null));
        Dataset<Row> okr = df("team_id STRING, quarter STRING, okr_attainment DOUBLE", row("t", "2025-Q1", 0.75));

        Dataset<Row> actual = TeamValueQuarter.compute(cost, itemDays, epics, roi, okr,
                List.of(Quarter.parse("2025-Q1", 1)), TEST_CONFIG).cache();
        assertMatchesSpec(TeamValueQuarter.TABLE, actual);

        Dataset<Row> money = df("team_id STRING, quarter STRING, cost DECIMAL(20,2), unallocated_cost DECIMAL(20,2), "
                        + "attributed_annual_value DECIMAL(20,2), roi DECIMAL(20,6), okr_attainment DOUBLE, currency STRING",
                row("t", "2025-Q1", m("150.00"), m("70.00"), m("600.00"), m("1.000000"), 0.75, "EUR"),
                row("t2", "2025-Q1", m("10.00"), m("0.00"), null, null, null, "EUR"));
        assertSameRows(loose(money), loose(actual.select("team_id", "quarter", "cost", "unallocated_cost",
                "attributed_annual_value", "roi", "okr_attainment", "currency")));

        Row t = actual.filter("team_id = 't'").select("share_feature", "share_defect", "share_risk", "share_debt",
                "share_innovation", "share_unclassified").first();
        double[] expected = {0.4, 35.0 / 150, 0.0, 5.0 / 150, 0.0, 50.0 / 150};
        for (int i = 0; i < expected.length; i++) {
            Assertions.assertEquals(expected[i], t.getDouble(i), 1e-9, "share " + i);
        }
        Row t2 = actual.filter("team_id = 't2'").select("share_innovation", "share_feature").first();
        Assertions.assertEquals(1.0, t2.getDouble(0), 1e-12);
        Assertions.assertEquals(0.0, t2.getDouble(1), 1e-12);
    }
}

package dev.valueledger.quality;

import dev.valueledger.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CostAllocationCheckTest extends SparkTestBase {

    private static final String DDL = "epic_key STRING, team_id STRING, month STRING, effort_share DECIMAL(13,12), "
            + "allocated_cost DECIMAL(20,2), active_item_days DOUBLE, team_cost DECIMAL(20,2)";

    private static BigDecimal d(String s) {
        return new BigDecimal(s);
    }

    @Test
    void aTeamMonthSharedOutExactlyPasses() {
        // t1 2025-01: 100.00 = 66.67 (E-1, 2 of 3 active days) + 33.33 (unallocated, 1 of 3); t2 has cost but no active days.
        Dataset<Row> cost = df(DDL,
                row("E-1", "t1", "2025-01", d("0.666666666667"), d("66.67"), 2.0, d("100.00")),
                row("unallocated", "t1", "2025-01", d("0.333333333333"), d("33.33"), 1.0, d("100.00")),
                row("unallocated", "t2", "2025-01", d("1.000000000000"), d("50.00"), 0.0, d("50.00")));
        Check c = DataQuality.costAllocation(cost);
        assertEquals("pass", c.status(), c.details());
        assertEquals("2 team-months: allocated + unallocated = team cost to the cent, shares sum to 1", c.details());
    }

    @Test
    void aCentLostOrASharesSumOffOneFailsNamingTheTeamMonth() {
        Dataset<Row> cost = df(DDL,
                row("E-1", "t1", "2025-01", d("0.600000000000"), d("60.00"), 3.0, d("100.00")),
                row("unallocated", "t1", "2025-01", d("0.400000000000"), d("39.99"), 2.0, d("100.00")), // 99.99 != 100.00
                row("E-2", "t2", "2025-02", d("0.500000000000"), d("25.00"), 1.0, d("50.00")),
                row("E-3", "t2", "2025-02", d("0.499999999999"), d("25.00"), 1.0, d("50.00")), // shares 0.999999999999
                row("E-4", "t3", "2025-02", d("1.000000000000"), d("10.00"), 1.0, d("10.00")));
        Check c = DataQuality.costAllocation(cost);
        assertEquals("fail", c.status());
        assertEquals(2.0, c.observed());
        assertEquals("team-months that do not tie (first ten): t1 2025-01, t2 2025-02", c.details());
    }
}

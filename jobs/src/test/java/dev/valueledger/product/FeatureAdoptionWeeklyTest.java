package dev.valueledger.product;

import dev.valueledger.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.sql.Date;
import java.util.List;

import static dev.valueledger.product.AdoptionTest.EPICS;
import static dev.valueledger.product.AdoptionTest.EVENTS;
import static dev.valueledger.product.AdoptionTest.event;
import static dev.valueledger.product.AdoptionTest.loose;
import static dev.valueledger.product.AdoptionTest.ts;
import static org.apache.spark.sql.functions.col;

class FeatureAdoptionWeeklyTest extends SparkTestBase {

    /** E1 ships f1 and f2, released Wednesday 2025-03-05: release week starts Monday 2025-03-03. */
    private Dataset<Row> epics() {
        return df(EPICS, row("E1", new String[]{"f1", "f2"}, ts("2025-03-05")), row("E9", new String[]{"f1"}, null));
    }

    @Test
    void weeklyRateAmongActiveAccountsFromReleaseWeekToLastEventWeek() {
        Dataset<Row> events = df(EVENTS,
                event("a", null, "2025-02-10"),
                event("a", "f1", "2025-03-06"),   // a adopts f1 on Mar 6
                event("b", "f1", "2025-03-12"),   // b adopts f1 on Mar 12 (last event: last week Mar 10)
                event("c", null, "2025-03-04"),
                event("d", "f1", "2025-03-01"));  // before release: d is active but has not adopted
        // Week 2025-03-03, d = Mar 10, active window [Feb 10, Mar 10): a, c, d = 3; adopted before Mar 10: a = 1.
        // Week 2025-03-10, d = Mar 17, window [Feb 17, Mar 17): a, b, c, d = 4; adopted: a, b = 2.
        // f2 was never used: 0 adopting in both weeks. E9 is not released: no rows.
        Dataset<Row> expected = df("epic_key STRING, feature_key STRING, week_start DATE, adopting_accounts LONG, "
                        + "active_accounts LONG, adoption_rate DOUBLE",
                row("E1", "f1", Date.valueOf("2025-03-03"), 1L, 3L, 1.0 / 3),
                row("E1", "f1", Date.valueOf("2025-03-10"), 2L, 4L, 0.5),
                row("E1", "f2", Date.valueOf("2025-03-03"), 0L, 3L, 0.0),
                row("E1", "f2", Date.valueOf("2025-03-10"), 0L, 4L, 0.0));
        Dataset<Row> weekly = FeatureAdoptionWeekly.compute(epics(), events, TEST_CONFIG);
        assertSameRows(loose(this, expected), loose(this, weekly.select("epic_key", "feature_key", "week_start",
                "adopting_accounts", "active_accounts", "adoption_rate")));

        // Wilson, 2 of 4 at 95%: p = 0.5, denominator 1 + 3.841459/4 = 1.960365, centre 0.5,
        // half = 1.959964 x sqrt(0.0625 + 3.841459/64) / 1.960365 = 0.349961 -> 0.150039 .. 0.849961.
        Row ci = weekly.filter(col("feature_key").equalTo("f1").and(col("week_start").equalTo(Date.valueOf("2025-03-10"))))
                .select("adoption_rate_ci_low", "adoption_rate_ci_high").first();
        Assertions.assertEquals(0.150039, ci.getDouble(0), 1e-6);
        Assertions.assertEquals(0.849961, ci.getDouble(1), 1e-6);
        FeatureAdoptionWeekly.TABLE.conform(weekly.withColumn("run_id", col("epic_key")));
    }

    @Test
    void activeWindowCoversTheTwentyEightDaysBeforeTheEndOfTheWeek() {
        // An event on Monday 2025-03-03 00:00 is inside [d - 28, d) for d = Mar 10, 17, 24, 31, i.e.
        // weeks starting Mar 3, 10, 17, 24; for d = Apr 7 the window starts Mar 10 and misses it.
        Dataset<Row> events = df(EVENTS, event("x", null, "2025-03-03"));
        List<Row> weeks = FeatureAdoptionWeekly.activeAccountWeeks(events, 28).orderBy("week_start").collectAsList();
        Assertions.assertEquals(List.of(Date.valueOf("2025-03-03"), Date.valueOf("2025-03-10"),
                        Date.valueOf("2025-03-17"), Date.valueOf("2025-03-24")),
                weeks.stream().map(r -> r.getDate(1)).toList());
    }
}

package dev.valueledger.product;

import dev.valueledger.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import static dev.valueledger.product.AdoptionTest.EPICS;
import static dev.valueledger.product.AdoptionTest.EVENTS;
import static dev.valueledger.product.AdoptionTest.event;
import static dev.valueledger.product.AdoptionTest.loose;
import static dev.valueledger.product.AdoptionTest.ts;
import static org.apache.spark.sql.functions.col;

class AdoptionWithinTest extends SparkTestBase {

    @Test
    void shareOfEligibleAccountsAdoptingWithin30And90Days() {
        Dataset<Row> epics = df(EPICS, row("E1", new String[]{"f1"}, ts("2025-03-05")),
                row("E9", new String[]{"f1"}, null));
        Dataset<Row> events = df(EVENTS,
                event("a", null, "2025-02-10"),   // eligible: active in [Feb 5, Mar 5)
                event("a", "f1", "2025-03-06"),   // adopts 1 day after release: within 30 and 90
                event("b", "f1", "2025-03-12"),   // adopts but was not active before release: not eligible
                event("c", null, "2025-03-04"),   // eligible, never adopts
                event("d", null, "2025-03-01"),   // eligible
                event("d", "f1", "2025-05-01"),   // adopts 57 days after release: within 90, not 30
                event("e", null, "2025-02-04 23:59:59")); // one second before the 28-day window: not eligible
        // eligible = a, c, d = 3; adopted_30d = 1 (a); adopted_90d = 2 (a, d).
        Dataset<Row> expected = df("epic_key STRING, released_at TIMESTAMP, eligible_accounts LONG, "
                        + "adopted_30d LONG, rate_30d DOUBLE, adopted_90d LONG, rate_90d DOUBLE",
                row("E1", ts("2025-03-05"), 3L, 1L, 1.0 / 3, 2L, 2.0 / 3));
        Dataset<Row> actual = AdoptionWithin.compute(epics, events, TEST_CONFIG);
        assertSameRows(loose(this, expected), loose(this, actual.select("epic_key", "released_at", "eligible_accounts",
                "adopted_30d", "rate_30d", "adopted_90d", "rate_90d")));

        // Wilson at 95%, 1 of 3: z²/n = 1.280486, denominator 2.280486, centre (0.333333 + 0.640243) / 2.280486 = 0.426915,
        // half = 1.959964 x sqrt(0.074074 + 0.106715) / 2.280486 = 0.365423 -> 0.061492 .. 0.792338.
        // 2 of 3 mirrors it: 0.207662 .. 0.938508.
        Row r = actual.first();
        Assertions.assertEquals(0.061492, r.getDouble(r.fieldIndex("rate_30d_ci_low")), 1e-5);
        Assertions.assertEquals(0.792338, r.getDouble(r.fieldIndex("rate_30d_ci_high")), 1e-5);
        Assertions.assertEquals(0.207662, r.getDouble(r.fieldIndex("rate_90d_ci_low")), 1e-5);
        Assertions.assertEquals(0.938508, r.getDouble(r.fieldIndex("rate_90d_ci_high")), 1e-5);
        AdoptionWithin.table(TEST_CONFIG).conform(actual.withColumn("run_id", col("epic_key")));
    }

    @Test
    void onlyAnEventInsideTheWindowMakesAnAccountEligible() {
        Dataset<Row> epics = df(EPICS, row("E1", new String[]{"f1"}, ts("2025-03-05")),
                row("E2", new String[]{"f2"}, ts("2025-06-01")));
        Dataset<Row> events = df(EVENTS,
                event("f", null, "2025-01-01"),            // quiet from Jan 1 to Mar 20: holds E1's window
                event("f", "f1", "2025-03-20"),            // adopts E1, not eligible
                event("g", null, "2025-02-05 00:00:00"),   // exactly the window's start: eligible for E1
                event("g", "f1", "2025-03-06"),            // adopts E1 within 30 days
                event("h", null, "2025-03-05 00:00:00"),   // exactly at release: outside E1's window
                event("h", null, "2025-05-20"),            // inside E2's window [May 4, Jun 1)
                event("h", "f2", "2025-06-02"));           // adopts E2 within 30 days
        // E1: eligible g (f and h are quiet through [Feb 5, Mar 5)); adopted g. E2: eligible h, adopted h;
        // f and g have no event after Mar 20 / Mar 6, so their last quiet spells hold E2's window.
        Dataset<Row> expected = df("epic_key STRING, eligible_accounts LONG, adopted_30d LONG, adopted_90d LONG",
                row("E1", 1L, 1L, 1L), row("E2", 1L, 1L, 1L));
        assertSameRows(loose(this, expected), loose(this, AdoptionWithin.compute(epics, events, TEST_CONFIG)
                .select("epic_key", "eligible_accounts", "adopted_30d", "adopted_90d")));
    }
}

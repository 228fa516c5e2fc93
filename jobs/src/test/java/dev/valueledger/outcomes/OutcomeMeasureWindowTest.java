package dev.valueledger.outcomes;

import dev.valueledger.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.valueledger.outcomes.EpicOutcomeScorecardTest.DIM_EPIC;
import static dev.valueledger.outcomes.EpicOutcomeScorecardTest.EVENTS;
import static dev.valueledger.outcomes.EpicOutcomeScorecardTest.PANEL;
import static dev.valueledger.outcomes.EpicOutcomeScorecardTest.assertDecimal;
import static dev.valueledger.outcomes.EpicOutcomeScorecardTest.event;
import static dev.valueledger.outcomes.EpicOutcomeScorecardTest.ts;

/**
 * Windows are timestamp-exact [from, to) although whole UTC days are read from day totals: the fixtures put
 * events on the bounds and on the partial first and last days of windows.
 */
class OutcomeMeasureWindowTest extends SparkTestBase {

    static final String PROBES = "probe_id STRING, metric STRING, from_ts TIMESTAMP, to_ts TIMESTAMP, adoption_epics ARRAY<STRING>";

    static Object[] probe(String id, String metric, String from, String to, String... epics) {
        return row(id, metric, ts(from), ts(to), epics);
    }

    Map<String, Row> measure(Dataset<Row> probes, Dataset<Row> epics, Dataset<Row> events) {
        OutcomeInputs in = new OutcomeInputs(epics, events, df(PANEL), df(OkrProgressTest.OKRS), df(OkrProgressTest.CHECKINS),
                df("team_id STRING, quarter STRING"), df("team_id STRING, quarter STRING"));
        List<Row> rows = OutcomeMeasure.of(probes, in, TEST_CONFIG).collectAsList();
        Assertions.assertEquals(probes.count(), rows.size(), "one row per probe");
        return rows.stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
    }

    static long accounts(Row r) {
        return r.getLong(r.fieldIndex("n_accounts"));
    }

    @Test
    void eventCountsOnTheBoundsAndOnThePartialFirstAndLastDays() {
        Dataset<Row> events = df(EVENTS,
                event("c", "login", null, "2025-04-01 05:59:59"),   // first day, before from: out
                event("a", "export", null, "2025-04-01 06:00:00"),  // exactly at from: in
                event("a", "export", null, "2025-04-02 12:00:00"),  // whole day inside: in
                event("a", "export", null, "2025-04-03 10:00:00"),  // last day, three exports of a: two before to
                event("a", "export", null, "2025-04-03 17:00:00"),
                event("a", "export", null, "2025-04-03 19:00:00"),
                event("d", "login", null, "2025-04-03 17:59:59"),   // active on the last day only
                event("b", "export", null, "2025-04-03 18:00:00")); // exactly at to: out
        Map<String, Row> m = measure(df(PROBES, probe("p", "event:export", "2025-04-01 06:00:00", "2025-04-03 18:00:00")),
                df(DIM_EPIC), events);
        // exports in [Apr 1 06:00, Apr 3 18:00): a at 06:00, Apr 2, Apr 3 10:00 and 17:00 = 4; accounts a, d = 2; 4 / 2 = 2
        assertDecimal("2", m.get("p"), "value");
        Assertions.assertEquals(2L, accounts(m.get("p")));
    }

    @Test
    void aWindowShorterThanADay() {
        Dataset<Row> events = df(EVENTS,
                event("c", "export", null, "2025-04-04 12:00:00"),  // the day before
                event("a", "export", null, "2025-04-05 09:59:59"),  // before from
                event("a", "export", null, "2025-04-05 10:00:00"),
                event("b", "export", null, "2025-04-05 11:00:00"),
                event("b", "login", null, "2025-04-05 12:00:00"),
                event("b", "export", null, "2025-04-05 13:59:59"),
                event("c", "export", null, "2025-04-05 14:00:00"),  // at to
                event("c", "export", null, "2025-04-06 10:30:00")); // the day after, inside the hours of the window
        Map<String, Row> m = measure(df(PROBES, probe("p", "event:export", "2025-04-05 10:00:00", "2025-04-05 14:00:00")),
                df(DIM_EPIC), events);
        // exports in [Apr 5 10:00, 14:00): a 10:00, b 11:00, b 13:59:59 = 3; accounts a, b = 2; 3 / 2 = 1.5
        assertDecimal("1.5", m.get("p"), "value");
        Assertions.assertEquals(2L, accounts(m.get("p")));
    }

    @Test
    void aWindowFromMidDayToMidnight() {
        Dataset<Row> events = df(EVENTS,
                event("x", "export", null, "2025-04-05 09:00:00"),  // first day, before from
                event("a", "export", null, "2025-04-05 10:00:01"),
                event("b", "export", null, "2025-04-06 23:59:59"),  // last whole day
                event("b", "export", null, "2025-04-06 00:00:00"),
                event("y", "export", null, "2025-04-07 00:00:00")); // at to, a midnight
        Map<String, Row> m = measure(df(PROBES, probe("p", "event:export", "2025-04-05 10:00:00", "2025-04-07")),
                df(DIM_EPIC), events);
        // exports a, b, b = 3 over accounts a, b = 2; 3 / 2 = 1.5
        assertDecimal("1.5", m.get("p"), "value");
        Assertions.assertEquals(2L, accounts(m.get("p")));
    }

    @Test
    void accountsActiveOnlyOnAPartialDayOfTheActiveWindow() {
        Dataset<Row> epics = df(DIM_EPIC, EpicOutcomeScorecardTest.epic("E1", "adoption_rate", "increase", null, "1", 30, "2025-04-01"));
        Dataset<Row> events = df(EVENTS,
                event("w", "login", null, "2025-03-20 12:00:00"),   // long before the 28 days
                event("f", "login", null, "2025-04-03 11:59:59"),   // one second before the 28 days
                event("e", "login", null, "2025-04-03 12:00:00"),   // the first instant of the 28 days
                event("i", "login", null, "2025-04-15 08:00:00"),   // a whole day inside
                event("g", "use", "f1", "2025-05-01 11:59:59"),     // adopts and is active on the last day
                event("h", "use", "f1", "2025-05-01 12:00:00"));    // at to: neither active nor adopted before to
        Map<String, Row> m = measure(df(PROBES,
                        probe("active", "active_accounts", "2025-04-01", "2025-05-01 12:00:00"),
                        probe("adoption", "adoption_rate", "2025-04-01", "2025-05-01 12:00:00", "E1")),
                epics, events);
        // the 28 days before May 1 12:00 are [Apr 3 12:00, May 1 12:00): e, i, g = 3 accounts
        assertDecimal("3", m.get("active"), "value");
        Assertions.assertEquals(3L, accounts(m.get("active")));
        // adopting among them: g = 1; 1 / 3 = 0.333333 (6 places)
        assertDecimal("0.333333", m.get("adoption"), "value");
        Assertions.assertEquals(3L, accounts(m.get("adoption")));
    }

    @Test
    void eachProbeCountsItsOwnDaysWhenWindowsShareDays() {
        Dataset<Row> events = df(EVENTS,
                event("a", "export", null, "2025-04-01 08:00:00"),
                event("a", "export", null, "2025-04-10 08:00:00"),
                event("b", "export", null, "2025-04-10 20:00:00"),
                event("b", "login", null, "2025-04-20 00:00:00"),
                event("c", "export", null, "2025-05-02 00:00:00"));
        Map<String, Row> m = measure(df(PROBES,
                        probe("long", "event:export", "2025-04-01", "2025-05-01"),
                        probe("half", "event:export", "2025-04-10 12:00:00", "2025-04-20 00:00:00"),
                        probe("later", "active_accounts", "2025-04-01", "2025-05-29 00:00:01"),
                        probe("none", "event:export", "2025-06-01", "2025-07-01")),
                df(DIM_EPIC), events);
        // long: exports a, a, b = 3 over a, b = 2 -> 1.5
        assertDecimal("1.5", m.get("long"), "value");
        Assertions.assertEquals(2L, accounts(m.get("long")));
        // half [Apr 10 12:00, Apr 20 00:00): b's export at 20:00 only (b's login at to is out) -> 1 / 1 = 1
        assertDecimal("1", m.get("half"), "value");
        Assertions.assertEquals(1L, accounts(m.get("half")));
        // later: the 28 days before May 29 00:00:01 start May 1 00:00:01: only c
        assertDecimal("1", m.get("later"), "value");
        Assertions.assertEquals(1L, accounts(m.get("later")));
        // no event in the window: no value, nobody behind it
        Assertions.assertTrue(m.get("none").isNullAt(m.get("none").fieldIndex("value")));
        Assertions.assertEquals(0L, accounts(m.get("none")));
    }
}

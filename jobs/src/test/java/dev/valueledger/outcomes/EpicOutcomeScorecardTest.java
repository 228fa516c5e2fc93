package dev.valueledger.outcomes;

import dev.valueledger.SparkTestBase;
import dev.valueledger.config.AppConfig;
import dev.valueledger.ingest.Source;
import dev.valueledger.pipeline.Quarter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.apache.spark.sql.functions.lit;

class EpicOutcomeScorecardTest extends SparkTestBase {

    static final String DIM_EPIC = "epic_key STRING, feature_keys ARRAY<STRING>, released_at TIMESTAMP, "
            + "outcome_metric STRING, outcome_direction STRING, outcome_baseline DECIMAL(38,6), "
            + "outcome_target DECIMAL(38,6), outcome_window_days INT, key_results ARRAY<STRING>";
    static final String EVENTS = Source.PRODUCT_EVENTS.silverSchema().toDDL();
    static final String PANEL = "account_id STRING, month STRING, mrr DECIMAL(20,2), active INT";
    /** Two accounts are enough data here, so one-row fixtures can reach a verdict. */
    static final AppConfig CFG = TEST_CONFIG.with(Map.of("valueledger.outcomes.min-accounts", "2"));
    static final Quarter Q2 = Quarter.parse("2025-Q2", 1);
    static final Quarter Q3 = Quarter.parse("2025-Q3", 1);

    private static int seq;

    static Timestamp ts(String s) {
        return Timestamp.valueOf(s.length() == 10 ? s + " 00:00:00" : s);
    }

    static BigDecimal dec(String s) {
        return s == null ? null : new BigDecimal(s);
    }

    static Object[] event(String account, String name, String feature, String at) {
        return row("e" + (++seq), ts(at), account, null, name, feature, null);
    }

    static Object[] epic(String key, String metric, String direction, String baseline, String target, int days, String released) {
        return row(key, new String[]{"f1"}, ts(released), metric, direction, dec(baseline), dec(target), days, new String[0]);
    }

    Dataset<Row> empty(String ddl) {
        return spark().createDataFrame(List.of(), StructType.fromDDL(ddl));
    }

    OutcomeInputs inputs(Dataset<Row> epics, Dataset<Row> events, Dataset<Row> panel) {
        return new OutcomeInputs(epics, events, panel, empty(Source.OKRS.silverSchema().toDDL()),
                empty(Source.OKR_CHECKINS.silverSchema().toDDL()), empty("team_id STRING, quarter STRING"),
                empty("team_id STRING, quarter STRING"));
    }

    Row only(Dataset<Row> scorecard) {
        List<Row> rows = scorecard.collectAsList();
        Assertions.assertEquals(1, rows.size(), "one row per quarter and Epic");
        return rows.get(0);
    }

    Row scoreOne(Object[] epic, Dataset<Row> events, Dataset<Row> panel) {
        return only(EpicOutcomeScorecard.compute(inputs(df(DIM_EPIC, epic), events, panel), CFG, List.of(Q2)));
    }

    static void assertDecimal(String expected, Row r, String field) {
        BigDecimal actual = r.getDecimal(r.fieldIndex(field));
        Assertions.assertTrue(actual != null && actual.compareTo(new BigDecimal(expected)) == 0,
                field + ": expected " + expected + " but was " + actual);
    }

    static void assertAttainment(double expected, Row r) {
        Assertions.assertEquals(expected, r.getDouble(r.fieldIndex("attainment")), 1e-9);
    }

    static String status(Row r) {
        return r.getString(r.fieldIndex("status"));
    }

    /** Active accounts at 2025-05-01 (window [Apr 1, May 1)): a, b, c; d falls one second before the 28 days, e on the exclusive end. */
    Dataset<Row> fourWeeksOfLogins() {
        return df(EVENTS,
                event("a", "login", null, "2025-04-10"),
                event("b", "login", null, "2025-04-20"),
                event("c", "login", null, "2025-04-30 23:59:59"),
                event("d", "login", null, "2025-04-02 23:59:59"),
                event("e", "login", null, "2025-05-01"));
    }

    @Test
    void achievedWhenTheActualReachesTheTarget() {
        Row r = scoreOne(epic("E1", "active_accounts", "increase", "1", "3", 30, "2025-04-01"),
                fourWeeksOfLogins(), empty(PANEL));
        // actual 3 (a, b, c); (3 - 1) / (3 - 1) = 1 -> achieved
        assertDecimal("3", r, "actual");
        assertAttainment(1.0, r);
        Assertions.assertEquals("achieved", status(r));
        Assertions.assertEquals(3L, r.getLong(r.fieldIndex("n_accounts")));
        Assertions.assertEquals("declared", r.getString(r.fieldIndex("baseline_source")));
        Assertions.assertEquals(ts("2025-05-01"), r.getTimestamp(r.fieldIndex("window_end")));
        Assertions.assertTrue(r.isNullAt(r.fieldIndex("currency")), "active accounts are not money");
    }

    @Test
    void partialAtHalfwayCountingEventsPerActiveAccount() {
        Dataset<Row> events = df(EVENTS,
                event("a", "export", null, "2025-04-05"),
                event("a", "export", null, "2025-04-06"),
                event("b", "export", null, "2025-04-07"),
                event("b", "login", null, "2025-04-08"),
                event("c", "export", null, "2025-03-30"),   // before the window: neither an export nor an account
                event("a", "export", null, "2025-05-02"));  // after the window
        Row r = scoreOne(epic("E1", "event:export", "increase", "1", "2", 30, "2025-04-01"), events, empty(PANEL));
        // 3 exports / 2 accounts active in the window = 1.5; (1.5 - 1) / (2 - 1) = 0.5 -> partial (>= 0.5)
        assertDecimal("1.5", r, "actual");
        assertAttainment(0.5, r);
        Assertions.assertEquals("partial", status(r));
        Assertions.assertEquals(2L, r.getLong(r.fieldIndex("n_accounts")));
    }

    @Test
    void missedWhenMrrAtTheLastMonthEndOfTheWindowFallsShort() {
        Dataset<Row> panel = df(PANEL,
                row("a", "2025-03", dec("999.00"), 1),
                row("a", "2025-04", dec("120.00"), 1),
                row("b", "2025-04", dec("30.00"), 1),
                row("c", "2025-04", dec("0.00"), 0),
                row("a", "2025-05", dec("500.00"), 1));
        // Window [Apr 15, May 15): the last month that ended by May 15 is April.
        Row r = scoreOne(epic("E1", "mrr", "increase", "100", "300", 30, "2025-04-15"), df(EVENTS), panel);
        // MRR = 120 + 30 = 150 from a and b; (150 - 100) / (300 - 100) = 0.25 -> missed
        assertDecimal("150", r, "actual");
        assertAttainment(0.25, r);
        Assertions.assertEquals("missed", status(r));
        Assertions.assertEquals(2L, r.getLong(r.fieldIndex("n_accounts")));
        Assertions.assertEquals("EUR", r.getString(r.fieldIndex("currency")));
    }

    @Test
    void pendingUntilTheWindowIsOverWithTheFigureSoFarAndOneRowPerQuarter() {
        Dataset<Row> events = df(EVENTS,
                event("a", "login", null, "2025-06-20"),
                event("b", "login", null, "2025-07-10"));
        Dataset<Row> epics = df(DIM_EPIC, epic("E1", "active_accounts", "increase", "0", "2", 30, "2025-06-15"));
        List<Row> rows = EpicOutcomeScorecard.compute(inputs(epics, events, empty(PANEL)), CFG, List.of(Q2, Q3))
                .orderBy("quarter").collectAsList();
        Assertions.assertEquals(2, rows.size());
        // Window [Jun 15, Jul 15) is not over at the end of Q2 (Jul 1): the figure so far is a alone.
        Row q2 = rows.get(0);
        Assertions.assertEquals("2025-Q2", q2.getString(q2.fieldIndex("quarter")));
        Assertions.assertEquals("pending", status(q2));
        assertDecimal("1", q2, "actual");
        Assertions.assertTrue(q2.getString(q2.fieldIndex("note")).contains("window ends 2025-07-15"), q2.toString());
        // At the end of Q3 the window is over: a and b active in [Jun 17, Jul 15); (2 - 0) / (2 - 0) = 1.
        Row q3 = rows.get(1);
        Assertions.assertEquals("achieved", status(q3));
        assertDecimal("2", q3, "actual");
    }

    @Test
    void inconclusiveWithFewerAccountsThanTheMinimum() {
        Dataset<Row> events = df(EVENTS, event("a", "login", null, "2025-04-10"));
        Row r = scoreOne(epic("E1", "active_accounts", "increase", "0", "1", 30, "2025-04-01"), events, empty(PANEL));
        // (1 - 0) / (1 - 0) = 1 would be achieved, but 1 account < outcomes.min-accounts = 2
        assertAttainment(1.0, r);
        Assertions.assertEquals("inconclusive", status(r));
        Assertions.assertTrue(r.getString(r.fieldIndex("note")).startsWith("only 1 accounts behind the actual"), r.toString());
    }

    @Test
    void inconclusiveWhenTheTargetEqualsTheBaseline() {
        Row r = scoreOne(epic("E1", "active_accounts", "increase", "5", "5", 30, "2025-04-01"),
                fourWeeksOfLogins(), empty(PANEL));
        Assertions.assertTrue(r.isNullAt(r.fieldIndex("attainment")));
        Assertions.assertEquals("inconclusive", status(r));
        Assertions.assertTrue(r.getString(r.fieldIndex("note")).startsWith("target equals baseline"), r.toString());
    }

    @Test
    void baselineIsMeasuredOverTheWindowBeforeReleaseWhenNotDeclared() {
        Dataset<Row> events = fourWeeksOfLogins().unionByName(df(EVENTS,
                event("a", "login", null, "2025-03-10"),
                event("b", "login", null, "2025-03-20"),
                event("x", "login", null, "2025-03-03 23:59:59")));  // before the 28 days ending at release
        Row r = scoreOne(epic("E1", "active_accounts", "increase", null, "4", 30, "2025-04-01"), events, empty(PANEL));
        // baseline: active at release (events in [Mar 4, Apr 1)) = a, b = 2; actual at May 1 = a, b, c = 3
        // (3 - 2) / (4 - 2) = 0.5 -> partial
        Assertions.assertEquals("measured_pre_release", r.getString(r.fieldIndex("baseline_source")));
        assertDecimal("2", r, "baseline");
        Assertions.assertEquals(2L, r.getLong(r.fieldIndex("baseline_n_accounts")));
        assertDecimal("3", r, "actual");
        assertAttainment(0.5, r);
        Assertions.assertEquals("partial", status(r));
    }

    @Test
    void decreaseIsMirroredOnChurnRate() {
        Dataset<Row> panel = df(PANEL,
                row("a", "2025-03", dec("10.00"), 1), row("b", "2025-03", dec("10.00"), 1),
                row("c", "2025-03", dec("10.00"), 1), row("d", "2025-03", dec("10.00"), 1),
                row("e", "2025-03", dec("0.00"), 0),
                row("a", "2025-04", dec("0.00"), 0),   // a churns in April ...
                row("a", "2025-05", dec("10.00"), 0),  // ... and coming back does not undo it
                row("e", "2025-04", dec("10.00"), 1),  // e was not paying at the start: not in the base
                row("b", "2025-05", dec("10.00"), 1), row("c", "2025-05", dec("10.00"), 1),
                row("d", "2025-05", dec("10.00"), 1),
                row("d", "2025-06", dec("0.00"), 0));  // June has not ended by the window end (Jun 30 00:00)
        // Window [Apr 1, Jun 30): base = paying at the end of March = a, b, c, d; churned by the end of May = a.
        Row r = scoreOne(epic("E1", "churn_rate", "decrease", "0.6", "0.2", 90, "2025-04-01"), df(EVENTS), panel);
        // actual 1 / 4 = 0.25; (0.6 - 0.25) / (0.6 - 0.2) = 0.35 / 0.4 = 0.875 -> partial
        assertDecimal("0.25", r, "actual");
        assertAttainment(0.875, r);
        Assertions.assertEquals("partial", status(r));
        Assertions.assertEquals(4L, r.getLong(r.fieldIndex("n_accounts")));
    }

    @Test
    void adoptionRateAmongAccountsActiveAtTheWindowEnd() {
        Dataset<Row> events = df(EVENTS,
                event("a", "use", "f1", "2025-04-10"),          // adopts, active at the end
                event("b", "login", null, "2025-04-20"),        // active, does not adopt
                event("c", "use", "f1", "2025-03-30"),          // before release: no adoption
                event("d", "use", "f1", "2025-04-02"),          // adopts, but not active in [Apr 3 12:00, May 1 12:00)
                event("e", "login", null, "2025-03-20"));       // active before release
        Row r = scoreOne(epic("E1", "adoption_rate", "increase", null, "0.5", 30, "2025-04-01 12:00:00"), events, empty(PANEL));
        // baseline at release: active c, e; nobody adopts before release -> 0 / 2 = 0
        // actual at May 1 12:00: active a, b; adopting a -> 1 / 2 = 0.5; (0.5 - 0) / (0.5 - 0) = 1 -> achieved
        assertDecimal("0", r, "baseline");
        Assertions.assertEquals(2L, r.getLong(r.fieldIndex("baseline_n_accounts")));
        assertDecimal("0.5", r, "actual");
        assertAttainment(1.0, r);
        Assertions.assertEquals("achieved", status(r));
    }

    @Test
    void specNamesEveryComputedColumn() {
        Dataset<Row> out = EpicOutcomeScorecard.compute(
                inputs(df(DIM_EPIC, epic("E1", "active_accounts", "increase", "1", "3", 30, "2025-04-01")),
                        fourWeeksOfLogins(), empty(PANEL)), CFG, List.of(Q2));
        // conform fails on a declared column the transform does not produce; the sets catch the reverse.
        EpicOutcomeScorecard.SPEC.conform(out.withColumn("run_id", lit("r1")));
        Assertions.assertEquals(new TreeSet<>(EpicOutcomeScorecard.SPEC.columns().keySet()),
                new TreeSet<>(List.of(out.withColumn("run_id", lit("r1")).columns())));
    }
}

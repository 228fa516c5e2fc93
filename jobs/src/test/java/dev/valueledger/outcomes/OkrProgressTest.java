package dev.valueledger.outcomes;

import dev.valueledger.SparkTestBase;
import dev.valueledger.ingest.Source;
import dev.valueledger.pipeline.Quarter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.sql.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static dev.valueledger.outcomes.EpicOutcomeScorecardTest.DIM_EPIC;
import static dev.valueledger.outcomes.EpicOutcomeScorecardTest.EVENTS;
import static dev.valueledger.outcomes.EpicOutcomeScorecardTest.PANEL;
import static dev.valueledger.outcomes.EpicOutcomeScorecardTest.assertAttainment;
import static dev.valueledger.outcomes.EpicOutcomeScorecardTest.assertDecimal;
import static dev.valueledger.outcomes.EpicOutcomeScorecardTest.dec;
import static dev.valueledger.outcomes.EpicOutcomeScorecardTest.event;
import static dev.valueledger.outcomes.EpicOutcomeScorecardTest.status;
import static dev.valueledger.outcomes.EpicOutcomeScorecardTest.ts;
import static org.apache.spark.sql.functions.lit;

class OkrProgressTest extends SparkTestBase {

    static final String OKRS = Source.OKRS.silverSchema().toDDL();
    static final String CHECKINS = Source.OKR_CHECKINS.silverSchema().toDDL();
    static final String FLOW = "team_id STRING, quarter STRING, flow_velocity LONG, flow_time_p50_days DOUBLE";
    static final String DORA = "team_id STRING, quarter STRING, deployment_frequency_per_week DOUBLE, "
            + "lead_time_p50_hours DOUBLE, change_failure_rate DOUBLE";
    static final Quarter Q2 = Quarter.parse("2025-Q2", 1);

    static Row kr(String id, String metric, String direction, String baseline, String target, String... epics) {
        return RowFactory.create(id, "KR " + id, metric, direction, dec(baseline), dec(target), epics.length == 0 ? null : epics);
    }

    static Object[] objective(String id, String team, String quarter, Row... krs) {
        return row(id, "Objective " + id, team, quarter, krs);
    }

    static Object[] checkin(String kr, String date, String value) {
        return row(kr, Date.valueOf(date), dec(value));
    }

    Dataset<Row> empty(String ddl) {
        return spark().createDataFrame(List.of(), StructType.fromDDL(ddl));
    }

    Dataset<Row> progress(Dataset<Row> okrs, Dataset<Row> checkins, Dataset<Row> epics, Dataset<Row> events,
                          Dataset<Row> flow, Dataset<Row> dora) {
        OutcomeInputs in = new OutcomeInputs(epics, events, empty(PANEL), okrs, checkins, flow, dora);
        return OkrProgress.compute(in, TEST_CONFIG, List.of(Q2));
    }

    Map<String, Row> byKr(Dataset<Row> progress) {
        return progress.collectAsList().stream().collect(Collectors.toMap(r -> r.getString(r.fieldIndex("kr_id")), r -> r));
    }

    @Test
    void deliveryMetricsReadTheTeamsQuarterFigureAndLinkServingEpics() {
        Dataset<Row> okrs = df(OKRS,
                objective("O1", "T1", "2025-Q2",
                        kr("KR1", "deployment_frequency", "increase", "1", "3", "E1"),
                        kr("KR2", "flow_velocity", "increase", "10", "20")),
                objective("O2", "T1", "2025-Q3", kr("KR7", "flow_velocity", "increase", "1", "2")));  // quarter not run
        Dataset<Row> dora = df(DORA,
                row("T1", "2025-Q2", 2.0, null, null),
                row("T1", "2025-Q1", 9.0, null, null),     // another quarter
                row("T2", "2025-Q2", 5.0, null, null));    // another team
        Dataset<Row> flow = df(FLOW, row("T1", "2025-Q2", 25L, 3.0));
        Dataset<Row> epics = df(DIM_EPIC,
                row("E2", new String[0], null, null, null, null, null, null, new String[]{"KR1"}),
                row("E3", new String[0], null, null, null, null, null, null, new String[]{"KR9"}));
        // A check-in does not override a figure the pipeline has.
        Dataset<Row> checkins = df(CHECKINS, checkin("KR1", "2025-05-01", "99"));

        Map<String, Row> rows = byKr(progress(okrs, checkins, epics, df(EVENTS), flow, dora));
        Assertions.assertEquals(new TreeSet<>(List.of("KR1", "KR2")), new TreeSet<>(rows.keySet()));

        Row kr1 = rows.get("KR1");
        // 2.0 deployments/week; (2 - 1) / (3 - 1) = 0.5 -> partial
        assertDecimal("2", kr1, "actual");
        assertAttainment(0.5, kr1);
        Assertions.assertEquals("partial", status(kr1));
        Assertions.assertEquals("pipeline:team_dora_quarter", kr1.getString(kr1.fieldIndex("actual_source")));
        Assertions.assertEquals(List.of("E1", "E2"), kr1.getList(kr1.fieldIndex("epic_keys")));

        Row kr2 = rows.get("KR2");
        // velocity 25; (25 - 10) / (20 - 10) = 1.5 -> achieved, not clamped here
        assertDecimal("25", kr2, "actual");
        assertAttainment(1.5, kr2);
        Assertions.assertEquals("achieved", status(kr2));
        Assertions.assertEquals("pipeline:team_flow_quarter", kr2.getString(kr2.fieldIndex("actual_source")));
        Assertions.assertEquals(List.of(), kr2.getList(kr2.fieldIndex("epic_keys")));
    }

    @Test
    void outcomeMetricsAreMeasuredOverTheQuarter() {
        Dataset<Row> okrs = df(OKRS, objective("O1", "T1", "2025-Q2", kr("KR5", "active_accounts", "increase", "1", "3")));
        Dataset<Row> events = df(EVENTS,
                event("a", "login", null, "2025-06-10"),
                event("b", "login", null, "2025-06-20"),
                event("c", "login", null, "2025-05-01"));  // not in the 28 days before Jul 1
        Row r = byKr(progress(okrs, empty(CHECKINS), empty(DIM_EPIC), events, empty(FLOW), empty(DORA))).get("KR5");
        // active at the quarter end = a, b = 2; (2 - 1) / (3 - 1) = 0.5
        assertDecimal("2", r, "actual");
        assertAttainment(0.5, r);
        Assertions.assertEquals("pipeline:product_events", r.getString(r.fieldIndex("actual_source")));
    }

    @Test
    void otherMetricsTakeTheLatestCheckinInTheQuarter() {
        Dataset<Row> okrs = df(OKRS, objective("O1", "T1", "2025-Q2", kr("KR3", "nps", "increase", "10", "50")));
        Dataset<Row> checkins = df(CHECKINS,
                checkin("KR3", "2025-03-31", "50"),   // before the quarter
                checkin("KR3", "2025-04-05", "20"),   // older in the quarter
                checkin("KR3", "2025-06-30", "30"),   // latest in the quarter
                checkin("KR3", "2025-07-01", "99"));  // after the quarter
        Row r = byKr(progress(okrs, checkins, empty(DIM_EPIC), df(EVENTS), empty(FLOW), empty(DORA))).get("KR3");
        // (30 - 10) / (50 - 10) = 0.5 -> partial
        assertDecimal("30", r, "actual");
        assertAttainment(0.5, r);
        Assertions.assertEquals("partial", status(r));
        Assertions.assertEquals("checkin", r.getString(r.fieldIndex("actual_source")));
        Assertions.assertEquals(Date.valueOf("2025-06-30"), r.getDate(r.fieldIndex("checkin_date")));
    }

    @Test
    void noCheckinInTheQuarterMeansNoData() {
        Dataset<Row> okrs = df(OKRS, objective("O1", "T1", "2025-Q2", kr("KR4", "nps", "increase", "10", "50")));
        Dataset<Row> checkins = df(CHECKINS, checkin("KR4", "2025-07-02", "40"));
        Dataset<Row> out = progress(okrs, checkins, empty(DIM_EPIC), df(EVENTS), empty(FLOW), empty(DORA));
        Row r = byKr(out).get("KR4");
        Assertions.assertTrue(r.isNullAt(r.fieldIndex("actual")));
        Assertions.assertTrue(r.isNullAt(r.fieldIndex("attainment")));
        Assertions.assertEquals("no_data", status(r));
        Assertions.assertEquals("none", r.getString(r.fieldIndex("actual_source")));
        OkrProgress.SPEC.conform(out.withColumn("run_id", lit("r1")));
        Assertions.assertEquals(new TreeSet<>(OkrProgress.SPEC.columns().keySet()),
                new TreeSet<>(List.of(out.withColumn("run_id", lit("r1")).columns())));
    }
}

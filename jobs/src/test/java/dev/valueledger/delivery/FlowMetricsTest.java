package dev.valueledger.delivery;

import dev.valueledger.ingest.Source;
import dev.valueledger.pipeline.Quarter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class FlowMetricsTest extends DeliveryTestBase {

    /**
     * Team T1 in 2025-Q1 (90 days). Items done in Q1 with flow times 1, 2, 4 and 10 days plus one
     * never started; one done just after the quarter in UTC, one before it, one still open.
     */
    private Dataset<Row> lifecycle() {
        return ItemLifecycle.of(FlowItemTypes.flowItems(items(), empty(Source.EPICS), TEST_CONFIG), transitions(), TEST_CONFIG);
    }

    private Dataset<Row> items() {
        return silver(Source.WORK_ITEMS,
                item("F-1", "Story", null, "T1", "Done", null, 3.0, List.of()),
                item("F-2", "Bug", null, "T1", "Done", null, null, List.of()),
                item("F-3", "Story", null, "T1", "Done", null, 5.0, List.of("tech-debt")),
                item("F-4", "Story", null, "T1", "Done", null, null, List.of("security")),
                item("F-5", "Story", null, "T1", "Done", null, null, List.of()),
                item("F-6", "Story", null, "T1", "Done", null, 8.0, List.of()),
                item("F-7", "Story", null, "T1", "Done", null, 13.0, List.of()),
                item("F-8", "Story", null, "T1", "In Progress", null, null, List.of()));
    }

    private Dataset<Row> transitions() {
        return silver(Source.WORK_ITEM_TRANSITIONS,
                // 1 day, all active
                transition("F-1", "To Do", "In Progress", "2025-01-10T00:00:00Z"),
                transition("F-1", "In Progress", "Done", "2025-01-11T00:00:00Z"),
                // spans quarters: started in Q4, done at the first instant of Q1; 2 days, 1 active, 1 blocked
                transition("F-2", "To Do", "In Progress", "2024-12-30T00:00:00Z"),
                transition("F-2", "In Progress", "Blocked", "2024-12-31T00:00:00Z"),
                transition("F-2", "Blocked", "Done", "2025-01-01T00:00:00Z"),
                // 4 days, all active
                transition("F-3", "To Do", "In Progress", "2025-02-01T00:00:00Z"),
                transition("F-3", "In Progress", "Done", "2025-02-05T00:00:00Z"),
                // 10 days; done on April 1st at +02:00 which is still March 31st 22:30 UTC: Q1
                transition("F-4", "To Do", "In Progress", "2025-03-21T22:30:00Z"),
                transition("F-4", "In Progress", "Done", "2025-04-01T00:30:00+02:00"),
                // never started
                transition("F-5", "To Do", "Done", "2025-02-10T00:00:00Z"),
                // done on March 31st at -02:00, i.e. April 1st 01:30 UTC: Q2, not in Q1
                transition("F-6", "To Do", "In Progress", "2025-03-30T00:00:00Z"),
                transition("F-6", "In Progress", "Done", "2025-03-31T23:30:00-02:00"),
                // done in Q4
                transition("F-7", "To Do", "In Progress", "2024-12-01T00:00:00Z"),
                transition("F-7", "In Progress", "Done", "2024-12-20T00:00:00Z"),
                // open since March 1st
                transition("F-8", "To Do", "In Progress", "2025-03-01T00:00:00Z"));
    }

    @Test
    void teamQuarterFlowMetrics() {
        Dataset<Row> teams = silver(Source.TEAMS, team("T1"), team("T2"));
        Map<String, Row> out = byKey(FlowMetrics.teamQuarter(teams, lifecycle(), TEST_CONFIG, Q1_2025), "team_id");
        Row t1 = out.get("T1");
        assertEquals("2025-Q1", t1.getAs("quarter"));
        // F-1..F-5 done in Q1 (F-5 never started still counts); F-6 is Q2 in UTC, F-7 Q4
        assertEquals(5L, t1.<Long>getAs("flow_velocity"));
        assertEquals(1L, t1.<Long>getAs("items_never_started"));
        // flow days 1, 2, 4, 10: p50 at rank 0.5*3 = 1.5 -> 2 + 0.5*(4-2) = 3
        assertEquals(3.0, t1.<Double>getAs("flow_time_p50_days"), EPS);
        // p85 at rank 0.85*3 = 2.55 -> 4 + 0.55*(10-4) = 7.3
        assertEquals(7.3, t1.<Double>getAs("flow_time_p85_days"), EPS);
        // active 1 + 1 + 4 + 10 = 16 days over flow 1 + 2 + 4 + 10 = 17 days (F-2's Blocked day is not active)
        assertEquals(16.0 / 17.0, t1.<Double>getAs("flow_efficiency"), EPS);
        // feature F-1, F-5; defect F-2; debt F-3; risk F-4
        assertEquals(0.4, t1.<Double>getAs("share_feature"), EPS);
        assertEquals(0.2, t1.<Double>getAs("share_defect"), EPS);
        assertEquals(0.2, t1.<Double>getAs("share_debt"), EPS);
        assertEquals(0.2, t1.<Double>getAs("share_risk"), EPS);
        assertEquals(0.0, t1.<Double>getAs("share_innovation"), EPS);
        // 3 (F-1) + 5 (F-3)
        assertEquals(8.0, t1.<Double>getAs("story_points_done"), EPS);
        // day counts in Q1: F-1 Jan 10 (1), F-2 0 (done at Jan 1 00:00), F-3 Feb 1-4 (4), F-4 Mar 21-30 (10),
        // F-6 Mar 30-31 (2), F-8 Mar 1-31 (31): 48 / 90 days
        assertEquals(48.0 / 90.0, t1.<Double>getAs("flow_load"), EPS);
    }

    /** run --all: several quarters in one call, each item in the quarter of its UTC done time. */
    @Test
    void severalQuartersAreComputedInOneCall() {
        Dataset<Row> teams = silver(Source.TEAMS, team("T1"));
        DeliveryTables t = Delivery.compute(new DeliveryInputs(teams, empty(Source.EPICS), items(), transitions(),
                empty(Source.PULL_REQUESTS), empty(Source.DEPLOYMENTS), empty(Source.INCIDENTS)), TEST_CONFIG,
                List.of(Quarter.parse("2024-Q4", 1), Q1_2025, Quarter.parse("2025-Q2", 1)));
        Map<String, Row> out = byKey(t.teamFlowQuarter(), "quarter");
        assertEquals(3, out.size());
        // 2024-Q4 (92 days): F-7 alone, Dec 1 -> Dec 20, 19 days, 13 points. Load: F-7 on Dec 1..19
        // (on Dec 19 it is not done before the next midnight, Dec 20 00:00) and F-2 on Dec 30, 31: 21 / 92
        Row q4 = out.get("2024-Q4");
        assertEquals(1L, q4.<Long>getAs("flow_velocity"));
        assertEquals(19.0, q4.<Double>getAs("flow_time_p50_days"), EPS);
        assertEquals(13.0, q4.<Double>getAs("story_points_done"), EPS);
        assertEquals(21.0 / 92.0, q4.<Double>getAs("flow_load"), EPS);
        // 2025-Q1 as in teamQuarterFlowMetrics
        assertEquals(5L, out.get("2025-Q1").<Long>getAs("flow_velocity"));
        assertEquals(48.0 / 90.0, out.get("2025-Q1").<Double>getAs("flow_load"), EPS);
        // 2025-Q2 (91 days): F-6, Mar 30 00:00 -> Apr 1 01:30 UTC = 2.0625 days, all active; load: F-8 every
        // day (91), F-6 none (done before Apr 2 00:00): 91 / 91
        Row q2 = out.get("2025-Q2");
        assertEquals(1L, q2.<Long>getAs("flow_velocity"));
        assertEquals(2.0625, q2.<Double>getAs("flow_time_p50_days"), EPS);
        assertEquals(1.0, q2.<Double>getAs("flow_efficiency"), EPS);
        assertEquals(1.0, q2.<Double>getAs("flow_load"), EPS);
        // the team x quarter tables are partitioned by quarter, so a run replaces only its quarters
        assertEquals(List.of("quarter"), FlowMetrics.SPEC.partitionBy());
        assertEquals(List.of("quarter"), DoraMetrics.SPEC.partitionBy());
    }

    @Test
    void everyTeamHasARowEvenWithoutActivity() {
        Dataset<Row> teams = silver(Source.TEAMS, team("T1"), team("T2"));
        Dataset<Row> table = FlowMetrics.teamQuarter(teams, lifecycle(), TEST_CONFIG, Q1_2025);
        Map<String, Row> out = byKey(table, "team_id");
        assertEquals(2, out.size());
        Row t2 = out.get("T2");
        assertEquals(0L, t2.<Long>getAs("flow_velocity"));
        assertNull(t2.getAs("flow_time_p50_days"));
        assertNull(t2.getAs("flow_time_p85_days"));
        assertNull(t2.getAs("flow_efficiency"));
        assertNull(t2.getAs("share_feature"));
        assertEquals(0.0, t2.<Double>getAs("flow_load"), EPS);
        // the spec declares every column the transform yields (plus run_id, filled by Lakehouse)
        FlowMetrics.SPEC.conform(table.withColumn("run_id", org.apache.spark.sql.functions.lit("r")));
    }
}

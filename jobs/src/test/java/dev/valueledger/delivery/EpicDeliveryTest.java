package dev.valueledger.delivery;

import dev.valueledger.ingest.Source;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class EpicDeliveryTest extends DeliveryTestBase {

    private Dataset<Row> epics() {
        return silver(Source.EPICS,
                row("E-1", "Declared", "T1", "Done", ts("2024-12-01T00:00:00Z"), "feature", List.of("f1"),
                        ts("2025-03-01T00:00:00Z"),
                        RowFactory.create("mrr", "increase", null, new BigDecimal("1000.000000"), null, "more revenue"),
                        List.of("KR-1"), true),
                epic("E-2", "T1", "feature", null),
                epic("E-3", "T1", "debt", null),
                epic("E-4", "T1", "risk", null),
                epic("E-5", "T1", "innovation", null));
    }

    private Dataset<Row> workItems() {
        return silver(Source.WORK_ITEMS,
                item("WI-1", "Story", "E-2", "T1", "Done", "2025-01-03T00:00:00Z", 3.0, List.of()),
                item("WI-2", "Story", "E-2", "T1", "Done", "2025-01-06T00:00:00Z", 5.0, List.of()),
                item("WI-3", "Story", "E-3", "T1", "Done", "2025-01-20T00:00:00Z", null, List.of()),
                item("WI-4", "Story", "E-3", "T1", "Done", "2025-01-25T00:00:00Z", null, List.of()),
                item("WI-5", "Story", "E-4", "T1", "Done", "2025-01-10T00:00:00Z", 2.0, List.of()),
                item("WI-6", "Story", "E-4", "T1", "In Progress", null, null, List.of()));
    }

    private Dataset<Row> transitions() {
        return silver(Source.WORK_ITEM_TRANSITIONS,
                transition("WI-1", "To Do", "In Progress", "2025-01-01T00:00:00Z"),
                transition("WI-1", "In Progress", "Done", "2025-01-03T00:00:00Z"),
                transition("WI-2", "To Do", "In Progress", "2025-01-02T00:00:00Z"),
                transition("WI-2", "In Progress", "Blocked", "2025-01-03T00:00:00Z"),
                transition("WI-2", "Blocked", "Done", "2025-01-06T00:00:00Z"),
                transition("WI-6", "To Do", "In Progress", "2025-01-05T00:00:00Z"));
    }

    private Dataset<Row> pullRequests() {
        return silver(Source.PULL_REQUESTS,
                row("P1", "r", "t", "b", ts("2025-01-01T00:00:00Z"), null, ts("2025-01-03T00:00:00Z"), "m1", List.of("WI-1")),
                row("P2", "r", "WI-2 done", "main", ts("2025-01-02T00:00:00Z"), null, ts("2025-01-06T00:00:00Z"), "m2", null),
                // linked to E-4's item, merged, never deployed
                row("P4", "r", "WI-5", "b", ts("2025-01-02T00:00:00Z"), null, ts("2025-01-09T00:00:00Z"), "m4", null));
    }

    private Dataset<Row> deployments() {
        return silver(Source.DEPLOYMENTS,
                deployment("D1", "svc", "T1", "production", "success", "2025-02-10T00:00:00Z", List.of("m1")),
                deployment("D2", "svc", "T1", "production", "success", "2025-02-05T00:00:00Z", List.of("m2")),
                deployment("D3", "svc", "T1", "staging", "success", "2025-01-07T00:00:00Z", List.of("m1")),
                deployment("D4", "svc", "T1", "production", "success", "2025-02-20T00:00:00Z", List.of("m1", "m2")));
    }

    private Dataset<Row> prDelivery() {
        return PullRequestDelivery.of(PullRequestLinks.of(pullRequests()), deployments(), TEST_CONFIG);
    }

    private Dataset<Row> release() {
        return EpicRelease.of(epics(), workItems(), prDelivery());
    }

    @Test
    void releasedAtFromEachOfItsSources() {
        Map<String, Row> out = byKey(release(), "epic_key");
        assertEquals(ts("2025-03-01T00:00:00Z"), out.get("E-1").getAs("released_at"));
        assertEquals("declared", out.get("E-1").getAs("released_at_source"));
        // P2 (WI-2, by title; a one-letter project key would not match the pattern) shipped by D2 on Feb 5, before P1's D1 on Feb 10 (D3 is staging)
        assertEquals(ts("2025-02-05T00:00:00Z"), out.get("E-2").getAs("released_at"));
        assertEquals("first_production_deployment", out.get("E-2").getAs("released_at_source"));
        // no PR: last resolved_at of WI-3 (Jan 20) and WI-4 (Jan 25)
        assertEquals(ts("2025-01-25T00:00:00Z"), out.get("E-3").getAs("released_at"));
        assertEquals("items_done", out.get("E-3").getAs("released_at_source"));
        // WI-6 still open and P4 never deployed: not released
        assertNull(out.get("E-4").getAs("released_at"));
        assertNull(out.get("E-4").getAs("released_at_source"));
        assertNull(out.get("E-5").getAs("released_at"));
    }

    @Test
    void epicDeliveryFromItsItemsPullRequestsAndDeployments() {
        Dataset<Row> lifecycle = ItemLifecycle.of(FlowItemTypes.flowItems(workItems(), epics(), TEST_CONFIG),
                transitions(), TEST_CONFIG);
        Dataset<Row> table = EpicDelivery.of(epics(), lifecycle, release(), prDelivery(), deployments(), TEST_CONFIG);
        Map<String, Row> out = byKey(table, "epic_key");
        Row e2 = out.get("E-2");
        assertEquals(ts("2025-01-01T00:00:00Z"), e2.getAs("started_at"));
        assertEquals(ts("2025-01-06T00:00:00Z"), e2.getAs("done_at"));
        assertEquals(2L, e2.<Long>getAs("items_done"));
        assertEquals(8.0, e2.<Double>getAs("story_points_done"), EPS);
        // flow days WI-1 2, WI-2 4: p50 3; active 2 + 1 over flow 2 + 4 = 0.5
        assertEquals(3.0, e2.<Double>getAs("flow_time_p50_days"), EPS);
        assertEquals(0.5, e2.<Double>getAs("flow_efficiency"), EPS);
        // released Feb 5 - created Dec 1: 31 + 31 + 4 = 66 days
        assertEquals(66.0, e2.<Double>getAs("lead_time_days"), EPS);
        assertEquals(2L, e2.<Long>getAs("prs_merged"));
        // D1 (m1), D2 (m2), D4 (m1, m2, once); D3 is staging
        assertEquals(3L, e2.<Long>getAs("deployments"));

        Row e4 = out.get("E-4");
        assertEquals(2L, e4.<Long>getAs("items_total"));
        assertEquals(1L, e4.<Long>getAs("items_done"));
        assertNull(e4.getAs("done_at"));
        assertEquals(1L, e4.<Long>getAs("prs_merged"));
        assertEquals(0L, e4.<Long>getAs("deployments"));
        assertNull(e4.getAs("lead_time_days"));

        Row e5 = out.get("E-5");
        assertEquals(0L, e5.<Long>getAs("items_total"));
        assertEquals(0L, e5.<Long>getAs("prs_merged"));
        assertNull(e5.getAs("started_at"));
        EpicDelivery.SPEC.conform(table.withColumn("run_id", org.apache.spark.sql.functions.lit("r")));
    }

    @Test
    void dimEpicCarriesOutcomeAndRelease() {
        Map<String, Row> out = byKey(EpicDimension.of(epics(), release(), TEST_CONFIG), "epic_key");
        Row e1 = out.get("E-1");
        assertEquals("mrr", e1.getAs("outcome_metric"));
        assertEquals(0, new BigDecimal("1000").compareTo(e1.getAs("outcome_target")));
        assertNull(e1.getAs("outcome_baseline"));
        // window not declared: the configured default (90)
        assertEquals(90, e1.<Integer>getAs("outcome_window_days"));
        assertEquals("declared", e1.getAs("released_at_source"));
        assertEquals("items_done", out.get("E-3").getAs("released_at_source"));
        assertNull(out.get("E-2").getAs("outcome_window_days"));
    }
}

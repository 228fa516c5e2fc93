package dev.valueledger.delivery;

import dev.valueledger.ingest.Source;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DoraMetricsTest extends DeliveryTestBase {

    private Dataset<Row> teams() {
        return silver(Source.TEAMS, team("T1"), team("T2"), team("T3"));
    }

    private Dataset<Row> deployments() {
        return silver(Source.DEPLOYMENTS,
                // carries two PRs
                deployment("D1", "svc-a", "T1", "production", "success", "2025-01-10T00:00:00Z", List.of("m1", "m2")),
                // failed and staging deployments of m3 do not deliver it and do not count
                deployment("D2", "svc-a", "T1", "production", "failure", "2025-01-12T00:00:00Z", List.of("m3")),
                deployment("D3", "svc-a", "T1", "staging", "success", "2025-01-13T00:00:00Z", List.of("m3")),
                // environment matched without regard to case; m1 deployed a second time
                deployment("D4", "svc-a", "T1", "Production", "success", "2025-01-20T00:00:00Z", List.of("m1", "m3")),
                // later than D4 and before incident I1, but staging / failed: never a nearest prior deployment
                deployment("D7", "svc-a", "T1", "staging", "success", "2025-01-20T12:00:00Z", List.of()),
                deployment("D8", "svc-a", "T1", "production", "failure", "2025-01-20T18:00:00Z", List.of()),
                // another service, just before I1
                deployment("D10", "svc-b", "T2", "production", "success", "2025-01-20T23:00:00Z", List.of("m5")),
                // finished after I1 started
                deployment("D9", "svc-a", "T1", "production", "success", "2025-01-21T01:00:00Z", List.of()),
                deployment("D5", "svc-a", "T1", "production", "success", "2025-02-01T00:00:00Z", List.of()),
                // previous quarter
                deployment("D6", "svc-a", "T1", "production", "success", "2024-12-28T00:00:00Z", List.of("m0")));
    }

    private Dataset<Row> incidents() {
        return silver(Source.INCIDENTS,
                row("I1", "svc-a", "T1", "sev2", ts("2025-01-21T00:00:00Z"), ts("2025-01-21T02:00:00Z"), null),
                row("I2", "svc-a", "T1", "sev1", ts("2025-02-10T00:00:00Z"), ts("2025-02-10T06:00:00Z"), "D1"),
                row("I3", "svc-a", "T1", "sev3", ts("2025-02-15T00:00:00Z"), ts("2025-02-15T04:00:00Z"), null),
                row("I4", "svc-a", "T1", "sev3", ts("2025-03-01T00:00:00Z"), ts("2025-04-02T00:00:00Z"), "D5"),
                row("I5", "svc-c", "T2", "sev3", ts("2025-01-05T00:00:00Z"), ts("2025-01-05T10:00:00Z"), null));
    }

    private Dataset<Row> pullRequests() {
        return silver(Source.PULL_REQUESTS,
                row("P1", "r", "Add export", "feature/x", ts("2025-01-01T00:00:00Z"), ts("2025-01-02T00:00:00Z"),
                        ts("2025-01-09T00:00:00Z"), "m1", List.of("A-1")),
                row("P2", "r", "VL-7 fix totals", "feature/VL-8-totals", ts("2025-01-08T00:00:00Z"), null,
                        ts("2025-01-09T00:00:00Z"), "m2", null),
                row("P3", "r", "t", "b", ts("2025-01-18T00:00:00Z"), ts("2025-01-19T12:00:00Z"),
                        ts("2025-01-19T13:00:00Z"), "m3", List.of()),
                row("P4", "r", "never shipped", "b", ts("2025-01-03T00:00:00Z"), ts("2025-01-03T00:00:00Z"),
                        ts("2025-01-04T00:00:00Z"), "m4", null),
                row("P0", "r", "t", "b", ts("2024-12-26T00:00:00Z"), ts("2024-12-27T00:00:00Z"),
                        ts("2024-12-27T12:00:00Z"), "m0", null),
                row("P5", "r", "t", "b", ts("2025-01-15T00:00:00Z"), ts("2025-01-14T00:00:00Z"),
                        ts("2025-01-20T00:00:00Z"), "m5", null));
    }

    private Dataset<Row> prDelivery() {
        return PullRequestDelivery.of(PullRequestLinks.of(pullRequests()), deployments(), TEST_CONFIG);
    }

    @Test
    void incidentsLinkExplicitlyOrToTheNearestPriorSuccessfulProductionDeploymentOfTheirService() {
        Map<String, Row> out = byKey(IncidentLinks.of(incidents(), deployments(), TEST_CONFIG), "incident_id");
        // I1 at Jan 21 00:00 on svc-a: D9 finished after it, D8 failed, D7 staging, D10 another service -> D4
        assertEquals("D4", out.get("I1").getAs("deployment_id"));
        assertEquals("nearest_prior_deployment", out.get("I1").getAs("link_method"));
        assertEquals("D1", out.get("I2").getAs("deployment_id"));
        assertEquals("explicit", out.get("I2").getAs("link_method"));
        assertEquals("D5", out.get("I3").getAs("deployment_id"));
        assertEquals("nearest_prior_deployment", out.get("I3").getAs("link_method"));
        assertEquals("D5", out.get("I4").getAs("deployment_id"));
        assertEquals("explicit", out.get("I4").getAs("link_method"));
        // no deployment of svc-c at all
        assertNull(out.get("I5").getAs("deployment_id"));
        assertNull(out.get("I5").getAs("link_method"));
    }

    @Test
    void anEmptyItemKeysListFallsBackToTheKeysInTitleAndBranch() {
        Map<String, Row> out = byKey(PullRequestLinks.of(silver(Source.PULL_REQUESTS,
                row("P6", "r", "VL-9 retry", "feature/x", ts("2025-01-01T00:00:00Z"), null,
                        ts("2025-01-02T00:00:00Z"), "m6", List.of()),
                row("P7", "r", "VL-9 retry", "feature/x", ts("2025-01-01T00:00:00Z"), null,
                        ts("2025-01-02T00:00:00Z"), "m7", List.of("A-2")))), "pr_id");
        assertEquals("title_branch_pattern", out.get("P6").getAs("link_method"));
        assertEquals(List.of("VL-9"), out.get("P6").getList(out.get("P6").fieldIndex("item_keys")));
        // a non-empty item_keys wins over the title
        assertEquals("explicit", out.get("P7").getAs("link_method"));
        assertEquals(List.of("A-2"), out.get("P7").getList(out.get("P7").fieldIndex("item_keys")));
    }

    @Test
    void pullRequestsAreDeliveredByTheirFirstSuccessfulProductionDeployment() {
        Map<String, Row> out = byKey(prDelivery(), "pr_id");
        // deployed by D1 (Jan 10) and again by D4: the first counts; 8 days after the first commit
        assertEquals("D1", out.get("P1").getAs("deployment_id"));
        assertEquals(192.0, out.get("P1").<Double>getAs("lead_time_hours"), EPS);
        assertEquals("first_commit_at", out.get("P1").getAs("lead_time_from"));
        assertEquals("explicit", out.get("P1").getAs("link_method"));
        assertEquals("T1", out.get("P1").getAs("team_id"));
        assertEquals("2025-Q1", out.get("P1").getAs("quarter"));
        // same deployment D1; no first commit, so from created_at Jan 8: 48 h; keys from title and branch
        assertEquals("D1", out.get("P2").getAs("deployment_id"));
        assertEquals(48.0, out.get("P2").<Double>getAs("lead_time_hours"), EPS);
        assertEquals("created_at", out.get("P2").getAs("lead_time_from"));
        assertEquals("title_branch_pattern", out.get("P2").getAs("link_method"));
        assertEquals(List.of("VL-7", "VL-8"), out.get("P2").getList(out.get("P2").fieldIndex("item_keys")));
        // failed D2 and staging D3 skipped: D4 at Jan 20 00:00 - Jan 19 12:00 = 12 h
        assertEquals("D4", out.get("P3").getAs("deployment_id"));
        assertEquals(12.0, out.get("P3").<Double>getAs("lead_time_hours"), EPS);
        // item_keys [] names no item and its title and branch hold no key
        assertEquals("none", out.get("P3").getAs("link_method"));
        // merged, never deployed: nowhere in lead time
        assertNull(out.get("P4").getAs("deployment_id"));
        assertNull(out.get("P4").getAs("lead_time_hours"));
        assertNull(out.get("P4").getAs("quarter"));
        assertEquals("none", out.get("P4").getAs("link_method"));
        assertEquals("2024-Q4", out.get("P0").getAs("quarter"));
    }

    @Test
    void teamQuarterDoraMetrics() {
        Dataset<Row> incidentLinks = IncidentLinks.of(incidents(), deployments(), TEST_CONFIG);
        Dataset<Row> table = DoraMetrics.teamQuarter(teams(), deployments(), prDelivery(), incidents(), incidentLinks,
                TEST_CONFIG, Q1_2025);
        Map<String, Row> out = byKey(table, "team_id");
        assertEquals(3, out.size());

        Row t1 = out.get("T1");
        // successful production deployments of T1 finished in Q1: D1, D4, D9, D5 (not D2 failed, D3/D7 staging, D8 failed, D6 Q4)
        assertEquals(4L, t1.<Long>getAs("deployments"));
        // 4 / (90 / 7)
        assertEquals(28.0 / 90.0, t1.<Double>getAs("deployment_frequency_per_week"), EPS);
        // lead times in Q1: P3 12 h, P2 48 h, P1 192 h (P4 never deployed, P0 in Q4):
        // p50 = 48; p85 at rank 0.85*2 = 1.7 -> 48 + 0.7*(192-48) = 148.8
        assertEquals(3L, t1.<Long>getAs("prs_deployed"));
        assertEquals(48.0, t1.<Double>getAs("lead_time_p50_hours"), EPS);
        assertEquals(148.8, t1.<Double>getAs("lead_time_p85_hours"), EPS);
        // linked: D4 (I1), D1 (I2), D5 (I3 and I4, counted once) -> 3 / 4
        assertEquals(3L, t1.<Long>getAs("deployments_with_incident"));
        assertEquals(0.75, t1.<Double>getAs("change_failure_rate"), EPS);
        // resolved in Q1: I1 2 h, I2 6 h, I3 4 h (I4 resolved in Q2) -> p50 4 h
        assertEquals(3L, t1.<Long>getAs("incidents_resolved"));
        assertEquals(4.0, t1.<Double>getAs("time_to_restore_p50_hours"), EPS);
        // frequency 0.31/week medium, lead 48 h high, CFR 75% low, restore 4 h high -> weakest: low
        assertEquals("low", t1.getAs("performance_level"));

        Row t2 = out.get("T2");
        assertEquals(1L, t2.<Long>getAs("deployments"));
        assertEquals(0.0, t2.<Double>getAs("change_failure_rate"), EPS);
        // P5: D10 Jan 20 23:00 - first commit Jan 14 00:00 = 6 d 23 h = 167 h
        assertEquals(167.0, t2.<Double>getAs("lead_time_p50_hours"), EPS);
        assertEquals(10.0, t2.<Double>getAs("time_to_restore_p50_hours"), EPS);

        Row t3 = out.get("T3");
        assertEquals(0L, t3.<Long>getAs("deployments"));
        assertEquals(0.0, t3.<Double>getAs("deployment_frequency_per_week"), EPS);
        assertNull(t3.getAs("lead_time_p50_hours"));
        assertNull(t3.getAs("change_failure_rate"));
        assertNull(t3.getAs("time_to_restore_p50_hours"));
        assertNull(t3.getAs("performance_level"));
        DoraMetrics.SPEC.conform(table.withColumn("run_id", org.apache.spark.sql.functions.lit("r")));
    }

    @Test
    void performanceLevelIsTheWeakestOfTheFourMetrics() {
        Dataset<Row> metrics = df("case STRING, deployments BIGINT, deployment_frequency_per_week DOUBLE, "
                        + "lead_time_p50_hours DOUBLE, change_failure_rate DOUBLE, time_to_restore_p50_hours DOUBLE",
                row("elite", 100L, 10.0, 5.0, 0.05, 0.5),
                // lead time of exactly one day is no longer "less than one day"
                row("high-by-lead", 100L, 10.0, 24.0, 0.0, 0.5),
                // no PR delivered and no incident resolved: judged on frequency (high) and CFR (elite)
                row("gaps", 2L, 2.0, null, 0.0, null),
                // 0.5/week is at least monthly but not weekly
                row("medium-by-frequency", 6L, 0.5, 2.0, 0.0, 0.5),
                row("low-by-restore", 100L, 10.0, 2.0, 0.0, 200.0),
                row("no-deployments", 0L, 0.0, null, null, null));
        Map<String, Row> out = byKey(metrics.withColumn("performance_level", DoraMetrics.performanceLevel()), "case");
        assertEquals("elite", out.get("elite").getAs("performance_level"));
        assertEquals("high", out.get("high-by-lead").getAs("performance_level"));
        assertEquals("high", out.get("gaps").getAs("performance_level"));
        assertEquals("medium", out.get("medium-by-frequency").getAs("performance_level"));
        assertEquals("low", out.get("low-by-restore").getAs("performance_level"));
        assertNull(out.get("no-deployments").getAs("performance_level"));
    }
}

package dev.valueledger.delivery;

import dev.valueledger.ingest.Source;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DeliveryTest extends DeliveryTestBase {

    @Test
    void computesEveryTableWhenTheOptionalSourcesAreEmpty() {
        DeliveryInputs in = new DeliveryInputs(
                silver(Source.TEAMS, team("T1"), team("T2")),
                silver(Source.EPICS, epic("E-1", "T1", "feature", null)),
                silver(Source.WORK_ITEMS,
                        item("W-1", "Story", "E-1", "T1", "Done", "2025-02-01T00:00:00Z", 1.0, List.of()),
                        item("W-2", "Story", null, "T1", "Waiting for Godot", null, null, List.of())),
                silver(Source.WORK_ITEM_TRANSITIONS,
                        transition("W-1", "To Do", "In Progress", "2025-01-30T00:00:00Z"),
                        transition("W-1", "In Progress", "Done", "2025-02-01T00:00:00Z")),
                empty(Source.PULL_REQUESTS), empty(Source.DEPLOYMENTS), empty(Source.INCIDENTS));
        DeliveryTables out = Delivery.compute(in, TEST_CONFIG, Q1_2025);

        Map<TableSpec, Dataset<Row>> gold = Map.of(
                TeamDimension.SPEC, out.dimTeam(), EpicDimension.SPEC, out.dimEpic(),
                EpicDelivery.SPEC, out.epicDelivery(), FlowMetrics.SPEC, out.teamFlowQuarter(),
                DoraMetrics.SPEC, out.teamDoraQuarter(), IncidentLinks.SPEC, out.incidentLinks(),
                PullRequestDelivery.SPEC, out.pullRequestDelivery());
        for (Map.Entry<TableSpec, Dataset<Row>> e : gold.entrySet()) {
            // every declared column is produced (run_id comes from Lakehouse) and the plan runs
            e.getKey().conform(e.getValue().withColumn("run_id", lit("r"))).count();
        }

        Map<String, Row> flow = byKey(out.teamFlowQuarter(), "team_id");
        assertEquals(1L, flow.get("T1").<Long>getAs("flow_velocity"));
        assertEquals(0L, flow.get("T2").<Long>getAs("flow_velocity"));
        Map<String, Row> dora = byKey(out.teamDoraQuarter(), "team_id");
        assertEquals(2, dora.size());
        assertEquals(0L, dora.get("T1").<Long>getAs("deployments"));
        assertNull(dora.get("T1").getAs("performance_level"));
        // no PRs: E-1 falls back to its items' last resolved_at
        Row e1 = byKey(out.dimEpic(), "epic_key").get("E-1");
        assertEquals("items_done", e1.getAs("released_at_source"));
        assertEquals(1L, byKey(out.unmappedStatuses(), "status").get("Waiting for Godot").<Long>getAs("occurrences"));
        assertEquals(0L, out.pullRequestDelivery().count());
        assertEquals(0L, out.incidentLinks().count());
    }
}

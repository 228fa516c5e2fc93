package dev.valueledger.delivery;

import dev.valueledger.ingest.Source;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ItemLifecycleTest extends DeliveryTestBase {

    private Map<String, Row> lifecycle(Dataset<Row> items, Dataset<Row> transitions) {
        Dataset<Row> flow = FlowItemTypes.flowItems(items, empty(Source.EPICS), TEST_CONFIG);
        return byKey(ItemLifecycle.of(flow, transitions, TEST_CONFIG), "item_key");
    }

    @Test
    void reopenedItemIsDoneAtItsLastTransitionIntoDone() {
        Dataset<Row> items = silver(Source.WORK_ITEMS,
                item("A-1", "Story", null, "T1", "Done", "2025-01-05T00:00:00Z", null, List.of()));
        Dataset<Row> transitions = silver(Source.WORK_ITEM_TRANSITIONS,
                transition("A-1", "To Do", "In Progress", "2025-01-01T00:00:00Z"),
                transition("A-1", "In Progress", "Done", "2025-01-05T00:00:00Z"),
                transition("A-1", "Done", "In Progress", "2025-01-06T00:00:00Z"),
                transition("A-1", "In Progress", "Done", "2025-01-10T00:00:00Z"));
        Row a = lifecycle(items, transitions).get("A-1");
        assertEquals(ts("2025-01-01T00:00:00Z"), a.getAs("started_at"));
        // last transition into done wins over resolved_at (Jan 5)
        assertEquals(ts("2025-01-10T00:00:00Z"), a.getAs("done_at"));
        // flow time Jan 1 -> Jan 10 = 9 days; active = Jan 1-5 (4 d) + Jan 6-10 (4 d) = 8 days, the day in Done is not active
        assertEquals(9 * 86400.0, a.<Double>getAs("flow_time_seconds"), EPS);
        assertEquals(8 * 86400.0, a.<Double>getAs("active_seconds"), EPS);
    }

    @Test
    void itemWhoseLastTransitionLeavesDoneIsNotDone() {
        Dataset<Row> items = silver(Source.WORK_ITEMS,
                item("A-2", "Story", null, "T1", "In Progress", "2025-01-05T00:00:00Z", null, List.of()));
        Dataset<Row> transitions = silver(Source.WORK_ITEM_TRANSITIONS,
                transition("A-2", "To Do", "In Progress", "2025-01-01T00:00:00Z"),
                transition("A-2", "In Progress", "Done", "2025-01-05T00:00:00Z"),
                transition("A-2", "Done", "In Progress", "2025-01-06T00:00:00Z"));
        Row a = lifecycle(items, transitions).get("A-2");
        // a stale resolved_at does not make a reopened item done
        assertNull(a.getAs("done_at"));
        assertNull(a.getAs("flow_time_seconds"));
        assertNull(a.getAs("active_seconds"));
    }

    @Test
    void itemNeverStartedHasNoFlowTime() {
        Dataset<Row> items = silver(Source.WORK_ITEMS,
                item("A-3", "Story", null, "T1", "Done", "2025-01-04T00:00:00Z", null, List.of()));
        Dataset<Row> transitions = silver(Source.WORK_ITEM_TRANSITIONS,
                transition("A-3", null, "To Do", "2025-01-01T00:00:00Z"),
                transition("A-3", "To Do", "Done", "2025-01-03T00:00:00Z"));
        Row a = lifecycle(items, transitions).get("A-3");
        assertNull(a.getAs("started_at"));
        assertEquals(ts("2025-01-03T00:00:00Z"), a.getAs("done_at"));
        assertNull(a.getAs("flow_time_seconds"));
        assertNull(a.getAs("active_seconds"));
    }

    @Test
    void waitingTimeIsNotActiveTime() {
        Dataset<Row> items = silver(Source.WORK_ITEMS,
                item("A-4", "Story", null, "T1", "Done", null, null, List.of()));
        Dataset<Row> transitions = silver(Source.WORK_ITEM_TRANSITIONS,
                transition("A-4", "To Do", "In Progress", "2025-01-01T00:00:00Z"),
                transition("A-4", "In Progress", "Blocked", "2025-01-02T00:00:00Z"),
                transition("A-4", "Blocked", "In Review", "2025-01-04T00:00:00Z"),
                transition("A-4", "In Review", "Done", "2025-01-05T06:00:00Z"));
        Row a = lifecycle(items, transitions).get("A-4");
        // flow = Jan 1 00:00 -> Jan 5 06:00 = 4.25 d; active = 1 d (In Progress) + 1.25 d (In Review); Blocked 2 d excluded
        assertEquals(4.25 * 86400, a.<Double>getAs("flow_time_seconds"), EPS);
        assertEquals(2.25 * 86400, a.<Double>getAs("active_seconds"), EPS);
    }

    @Test
    void itemThatStartsInWaitingStartsThere() {
        Dataset<Row> items = silver(Source.WORK_ITEMS,
                item("A-7", "Story", null, "T1", "Done", null, null, List.of()));
        Dataset<Row> transitions = silver(Source.WORK_ITEM_TRANSITIONS,
                transition("A-7", "To Do", "Ready for QA", "2025-01-01T00:00:00Z"),
                transition("A-7", "Ready for QA", "In QA", "2025-01-03T00:00:00Z"),
                transition("A-7", "In QA", "Closed", "2025-01-04T00:00:00Z"));
        Row a = lifecycle(items, transitions).get("A-7");
        // start = first transition into active OR waiting: Jan 1; flow 3 d, active 1 d
        assertEquals(ts("2025-01-01T00:00:00Z"), a.getAs("started_at"));
        assertEquals(3 * 86400.0, a.<Double>getAs("flow_time_seconds"), EPS);
        assertEquals(86400.0, a.<Double>getAs("active_seconds"), EPS);
    }

    @Test
    void unknownStatusCountsAsActive() {
        Dataset<Row> items = silver(Source.WORK_ITEMS,
                item("A-5", "Story", null, "T1", "Done", null, null, List.of()));
        Dataset<Row> transitions = silver(Source.WORK_ITEM_TRANSITIONS,
                transition("A-5", "To Do", "Pairing", "2025-01-01T00:00:00Z"),
                transition("A-5", "Pairing", "Done", "2025-01-03T00:00:00Z"));
        Row a = lifecycle(items, transitions).get("A-5");
        // "Pairing" is in no list, so it starts the item and its 2 days are active: efficiency 2/2
        assertEquals(ts("2025-01-01T00:00:00Z"), a.getAs("started_at"));
        assertEquals(2 * 86400.0, a.<Double>getAs("active_seconds"), EPS);
        assertEquals(2 * 86400.0, a.<Double>getAs("flow_time_seconds"), EPS);
    }

    @Test
    void withoutTransitionIntoDoneTheItemIsDoneAtResolvedAt() {
        Dataset<Row> items = silver(Source.WORK_ITEMS,
                item("A-6", "Story", null, "T1", "Done", "2025-01-03T12:00:00Z", null, List.of()));
        Dataset<Row> transitions = silver(Source.WORK_ITEM_TRANSITIONS,
                transition("A-6", "To Do", "In Progress", "2025-01-01T00:00:00Z"));
        Row a = lifecycle(items, transitions).get("A-6");
        // done at resolved_at; the open In Progress stretch is clipped there: 2.5 d active of 2.5 d
        assertEquals(ts("2025-01-03T12:00:00Z"), a.getAs("done_at"));
        assertEquals(2.5 * 86400, a.<Double>getAs("active_seconds"), EPS);
        assertEquals(2.5 * 86400, a.<Double>getAs("flow_time_seconds"), EPS);
    }

    @Test
    void aTransitionOutOfDoneAfterResolvedAtReopensTheItem() {
        Dataset<Row> items = silver(Source.WORK_ITEMS,
                item("A-8", "Story", null, "T1", "In Progress", "2025-01-02T00:00:00Z", null, List.of()));
        Dataset<Row> transitions = silver(Source.WORK_ITEM_TRANSITIONS,
                transition("A-8", "To Do", "In Progress", "2025-01-01T00:00:00Z"),
                // no transition into done is recorded, but the item was resolved Jan 2 and moved on after it
                transition("A-8", "In Progress", "In Review", "2025-01-03T00:00:00Z"));
        assertNull(lifecycle(items, transitions).get("A-8").getAs("done_at"));
    }
}

package dev.valueledger.delivery;

import dev.valueledger.ingest.Source;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class StatusCategoriesTest extends DeliveryTestBase {

    @Test
    void statusesMatchWithoutRegardToCaseAndUnknownIsActive() {
        Dataset<Row> statuses = df("status STRING",
                row("in progress"), row("BLOCKED"), row("won't do"), row("Backlog"), row("Pairing"), row((Object) null));
        Map<String, Row> out = byKey(statuses.select(col("status"),
                StatusCategories.category(col("status"), TEST_CONFIG).as("category")).na().fill("<null>", new String[]{"status"}), "status");
        assertEquals("active", out.get("in progress").getAs("category"));
        assertEquals("waiting", out.get("BLOCKED").getAs("category"));
        assertEquals("done", out.get("won't do").getAs("category"));
        assertEquals("todo", out.get("Backlog").getAs("category"));
        assertEquals("active", out.get("Pairing").getAs("category"));
        assertNull(out.get("<null>").getAs("category"));
    }

    @Test
    void unknownStatusesAreReportedWithCounts() {
        Dataset<Row> items = silver(Source.WORK_ITEMS,
                item("A-1", "Story", null, "T1", "Pairing", null, null, List.of()),
                item("A-2", "Story", null, "T1", "done", null, null, List.of()));
        Dataset<Row> transitions = silver(Source.WORK_ITEM_TRANSITIONS,
                transition("A-1", "To Do", "Pairing", "2025-01-01T00:00:00Z"),
                transition("A-2", "Pairing", "Parked", "2025-01-02T00:00:00Z"),
                transition("A-2", "Parked", "Done", "2025-01-03T00:00:00Z"));
        Map<String, Row> out = byKey(StatusCategories.unmapped(items, transitions, TEST_CONFIG), "status");
        // Pairing: 1 item status + 1 to_status + 1 from_status = 3; Parked: 1 to + 1 from = 2; "done" is known
        assertEquals(2, out.size());
        assertEquals(3L, out.get("Pairing").<Long>getAs("occurrences"));
        assertEquals(2L, out.get("Parked").<Long>getAs("occurrences"));
    }
}

package dev.valueledger.delivery;

import dev.valueledger.ingest.Source;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class FlowItemTypesTest extends DeliveryTestBase {

    @Test
    void epicCategoryWinsThenFirstMatchingRuleThenDefault() {
        Dataset<Row> epics = silver(Source.EPICS,
                epic("E-1", "T1", "risk", null),
                epic("E-2", "T1", "innovation", null));
        Dataset<Row> items = silver(Source.WORK_ITEMS,
                item("B-1", "bug", null, "T1", "Done", null, null, List.of()),
                item("B-2", "Story", null, "T1", "Done", null, null, List.of("Tech-Debt")),
                item("B-3", "Task", null, "T1", "Done", null, null, List.of("ui", "SECURITY")),
                item("B-4", "Story", null, "T1", "Done", null, null, List.of("compliance")),
                // Bug and tech-debt: the first rule (type Bug) wins
                item("B-5", "Bug", null, "T1", "Done", null, null, List.of("tech-debt")),
                item("B-6", "Story", null, "T1", "Done", null, null, null),
                // under an Epic: the Epic's investment_category wins over type Bug
                item("B-7", "Bug", "E-1", "T1", "Done", null, null, List.of()),
                item("B-8", "Story", "E-2", "T1", "Done", null, null, List.of("tech-debt")),
                // Epics themselves are not flow items
                item("E-1", "Epic", null, "T1", "Done", null, null, List.of()),
                item("E-9", "EPIC", null, "T1", "Done", null, null, List.of()));
        Map<String, Row> out = byKey(FlowItemTypes.flowItems(items, epics, TEST_CONFIG), "item_key");
        assertEquals("defect", out.get("B-1").getAs("flow_item_type"));
        assertEquals("debt", out.get("B-2").getAs("flow_item_type"));
        assertEquals("risk", out.get("B-3").getAs("flow_item_type"));
        assertEquals("risk", out.get("B-4").getAs("flow_item_type"));
        assertEquals("defect", out.get("B-5").getAs("flow_item_type"));
        assertEquals("feature", out.get("B-6").getAs("flow_item_type"));
        assertEquals("risk", out.get("B-7").getAs("flow_item_type"));
        assertEquals("innovation", out.get("B-8").getAs("flow_item_type"));
        assertFalse(out.containsKey("E-1"));
        assertFalse(out.containsKey("E-9"));
        assertEquals(8, out.size());
    }
}

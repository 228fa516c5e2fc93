package dev.valueledger.delivery;

import dev.valueledger.config.AppConfig;
import dev.valueledger.ingest.Source;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class FlowItemTypesTest extends DeliveryTestBase {

    /** Both mappings come from configuration: a company's own statuses and item types. */
    @Test
    void statusCategoriesAndRulesFollowTheConfiguration(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("company.conf");
        Files.writeString(conf, """
                valueledger.status-categories.waiting = ["Parked"]
                valueledger.flow-item-types {
                  rules = [{ types = ["Incident"], labels = [], flow-type = "risk" }]
                  default = "debt"
                }
                """);
        AppConfig cfg = AppConfig.load(Optional.of(conf.toFile()), Map.of());
        Map<String, Row> categories = byKey(df("status STRING", row("parked"), row("Blocked"), row("Done"))
                .select(col("status"), StatusCategories.category(col("status"), cfg).as("category")), "status");
        // Parked is now waiting; Blocked, no longer listed, is unknown and so counts as active
        assertEquals("waiting", categories.get("parked").getAs("category"));
        assertEquals("active", categories.get("Blocked").getAs("category"));
        assertEquals("done", categories.get("Done").getAs("category"));
        Map<String, Row> types = byKey(FlowItemTypes.flowItems(silver(Source.WORK_ITEMS,
                item("C-1", "incident", null, "T1", "Done", null, null, List.of()),
                item("C-2", "Bug", null, "T1", "Done", null, null, List.of()),
                item("C-3", "Story", null, "T1", "Done", null, null, List.of("security"))), empty(Source.EPICS), cfg), "item_key");
        assertEquals("risk", types.get("C-1").getAs("flow_item_type"));
        // the default rules are replaced, not added to: Bug and security fall to the configured default
        assertEquals("debt", types.get("C-2").getAs("flow_item_type"));
        assertEquals("debt", types.get("C-3").getAs("flow_item_type"));
    }

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

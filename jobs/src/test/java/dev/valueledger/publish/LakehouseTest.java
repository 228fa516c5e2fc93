package dev.valueledger.publish;

import dev.valueledger.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LakehouseTest extends SparkTestBase {

    private static final TableSpec SPEC = TableSpec.gold("lakehouse_test_table", "a test table")
            .column("team_id", "team key")
            .column("quarter", "calendar quarter YYYY-Qn")
            .column("value", "a figure")
            .column("run_id", "run that wrote the row")
            .partitionBy("quarter")
            .key("team_id", "quarter")
            .build();

    @TempDir
    Path lake;

    @Test
    void replacingAQuarterKeepsTheOthersAndCommentsTravel() {
        Lakehouse lh = new Lakehouse(spark(), TEST_CONFIG.with(Map.of("valueledger.lake.root", lake.toString())));
        Dataset<Row> first = df("team_id STRING, quarter STRING, value INT",
                row("t1", "2025-Q1", 1), row("t1", "2025-Q2", 2));
        long v0 = lh.overwrite(SPEC, first, "run-1");
        long v1 = lh.replaceQuarter(SPEC, df("team_id STRING, quarter STRING, value INT",
                row("t1", "2025-Q2", 20), row("t2", "2025-Q2", 30)), "2025-Q2", "run-2");
        assertEquals(v0 + 1, v1);

        Dataset<Row> expected = df("team_id STRING, quarter STRING, value INT, run_id STRING",
                row("t1", "2025-Q1", 1, "run-1"), row("t1", "2025-Q2", 20, "run-2"), row("t2", "2025-Q2", 30, "run-2"));
        assertSameRows(expected, lh.read(SPEC).select("team_id", "quarter", "value", "run_id"));
        assertEquals("a figure", lh.read(SPEC).schema().apply("value").getComment().get());
        assertTrue(spark().catalog().tableExists("value_ledger", "lakehouse_test_table"));
    }

    @Test
    void missingColumnFailsBeforeWriting() {
        Lakehouse lh = new Lakehouse(spark(), TEST_CONFIG.with(Map.of("valueledger.lake.root", lake.toString())));
        assertThrows(IllegalStateException.class,
                () -> lh.overwrite(SPEC, df("team_id STRING", row("t1")), "run-1"));
        assertTrue(!lh.exists(SPEC));
    }
}

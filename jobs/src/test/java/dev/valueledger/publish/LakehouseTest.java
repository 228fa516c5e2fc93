package dev.valueledger.publish;

import dev.valueledger.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.util.QueryExecutionListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    }

    @Test
    void readersSeeThePublishedVersionUntilTheNextIsPublished() {
        Lakehouse lh = new Lakehouse(spark(), TEST_CONFIG.with(Map.of("valueledger.lake.root", lake.toString())));
        long v0 = lh.overwrite(SPEC, df("team_id STRING, quarter STRING, value INT", row("t1", "2025-Q1", 1)), "run-1");
        assertFalse(spark().catalog().tableExists("value_ledger", SPEC.name()), "a pinned table has no name before it is published");

        lh.publish(SPEC, v0, "run-1");
        // A later run writes (and might die before publishing): readers still see version v0.
        long v1 = lh.replaceQuarter(SPEC, df("team_id STRING, quarter STRING, value INT", row("t1", "2025-Q1", 7)), "2025-Q1", "run-2");
        Dataset<Row> shown = spark().table("value_ledger." + SPEC.name());
        assertSameRows(df("team_id STRING, quarter STRING, value INT, run_id STRING", row("t1", "2025-Q1", 1, "run-1")), shown);
        assertEquals(v0, lh.publishedVersion(SPEC).getAsLong());

        lh.publish(SPEC, v1, "run-2");
        assertEquals(7, spark().table("value_ledger." + SPEC.name()).head().<Integer>getAs("value"));
        assertEquals(v1, lh.publishedVersion(SPEC).getAsLong());
        // The view keeps the columns' definitions for whoever reads it, and says what it shows.
        Row value = spark().sql("DESCRIBE value_ledger." + SPEC.name()).filter("col_name = 'value'").head();
        assertEquals("a figure", value.getString(2));
        String comment = spark().sql("DESCRIBE TABLE EXTENDED value_ledger." + SPEC.name()).filter("col_name = 'Comment'").head().getString(1);
        assertTrue(comment.startsWith("a test table [Delta version " + v1), comment);
        spark().sql("DROP VIEW value_ledger." + SPEC.name());
    }

    @Test
    void aNameRegisteredAsATableIsReplacedByTheViewAndTheDataStays() {
        Lakehouse lh = new Lakehouse(spark(), TEST_CONFIG.with(Map.of("valueledger.lake.root", lake.toString())));
        long v0 = lh.overwrite(SPEC, df("team_id STRING, quarter STRING, value INT", row("t1", "2025-Q1", 1)), "run-1");
        lh.register(SPEC); // as a lakehouse written before views were
        lh.publish(SPEC, v0, "run-1");
        assertEquals(1, spark().table("value_ledger." + SPEC.name()).count());
        assertEquals(1, lh.read(SPEC).count());
        spark().sql("DROP VIEW value_ledger." + SPEC.name());
    }

    @Test
    void aSchemaIsCreatedOnceHoweverManyNamesGoInIt() throws Exception {
        Lakehouse lh = new Lakehouse(spark(), TEST_CONFIG.with(Map.of("valueledger.lake.root", lake.toString())));
        TableSpec other = TableSpec.gold("lakehouse_test_other", "another table").column("id", "row id").key("id").build();
        TableSpec history = TableSpec.gold("lakehouse_test_log", "a history table").column("id", "row id").key("id").live().build();
        List<String> created = new CopyOnWriteArrayList<>();
        QueryExecutionListener commands = new QueryExecutionListener() {
            @Override
            public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
                String node = qe.analyzed().nodeName();
                if (node.equals("CreateNamespace") || node.equals("CreateDatabaseCommand")) {
                    created.add(qe.analyzed().toString());
                }
            }

            @Override
            public void onFailure(String funcName, QueryExecution qe, Exception exception) { }
        };
        spark().listenerManager().register(commands);
        try {
            long v0 = lh.overwrite(SPEC, df("team_id STRING, quarter STRING, value INT", row("t1", "2025-Q1", 1)), "run-1");
            long v1 = lh.overwrite(other, df("id STRING", row("a")), "run-1");
            lh.append(history, df("id STRING", row("a")), "run-1");
            lh.publish(SPEC, v0, "run-1");
            lh.publish(other, v1, "run-1");
            spark().sparkContext().listenerBus().waitUntilEmpty();
            assertEquals(1, created.size(), created.toString());
            assertEquals(3, spark().catalog().listTables("value_ledger").filter(
                    (org.apache.spark.api.java.function.FilterFunction<org.apache.spark.sql.catalog.Table>)
                            t -> t.name().startsWith("lakehouse_test_")).count());
        } finally {
            spark().listenerManager().unregister(commands);
            spark().sql("DROP VIEW IF EXISTS value_ledger." + SPEC.name());
            spark().sql("DROP VIEW IF EXISTS value_ledger." + other.name());
            spark().sql("DROP TABLE IF EXISTS value_ledger." + history.name());
        }
    }

    @Test
    void aViewKeepsColumnCommentsAHiveMetastoreCanHold() {
        assertEquals("short", Lakehouse.viewComment("short"));
        String c = "y".repeat(256);
        assertEquals(c, Lakehouse.viewComment(c));
        String cut = Lakehouse.viewComment("z".repeat(400));
        assertEquals(256, cut.length());
        assertTrue(cut.startsWith("z".repeat(250)) && cut.endsWith(" [...]"), cut);
    }

    /** The statistics the table's files were committed with, as Delta wrote them in its log. */
    private List<String> fileStatistics(Lakehouse lh, TableSpec spec) {
        return spark().read().json(lh.path(spec) + "/_delta_log/*.json").filter("add is not null")
                .select("add.stats").as(Encoders.STRING()).collectAsList();
    }

    @Test
    void bronzeFilesKeepTheirRowCountOnlyAndOtherLayersTheirColumnStatistics() {
        Lakehouse lh = new Lakehouse(spark(), TEST_CONFIG.with(Map.of("valueledger.lake.root", lake.toString())));
        TableSpec bronze = TableSpec.of(TableSpec.Layer.BRONZE, "lakehouse_test_bronze", "as received")
                .column("id", "raw id").column("text", "raw text").key("id").build();
        TableSpec silver = TableSpec.of(TableSpec.Layer.SILVER, "lakehouse_test_bronze", "conformed")
                .column("id", "id").column("text", "text").key("id").build();
        Dataset<Row> rows = df("id STRING, text STRING", row("a", "x"), row("b", "y"));
        lh.overwrite(bronze, rows, "run-1");
        lh.overwrite(bronze, rows, "run-2");
        lh.overwrite(silver, rows, "run-1");
        List<String> bronzeStats = fileStatistics(lh, bronze);
        assertFalse(bronzeStats.isEmpty());
        assertTrue(bronzeStats.stream().allMatch(st -> st.matches("\\{\"numRecords\":[0-9]+}")), bronzeStats.toString());
        String silverStats = fileStatistics(lh, silver).get(0);
        assertTrue(silverStats.contains("\"minValues\":{\"id\":\"a\",\"text\":\"x\"}"), silverStats);
        assertEquals(2L, lh.read(bronze).count());
    }

    @Test
    void historyTablesAreNotPinned() {
        Lakehouse lh = new Lakehouse(spark(), TEST_CONFIG.with(Map.of("valueledger.lake.root", lake.toString())));
        TableSpec history = TableSpec.gold("lakehouse_test_history", "a history table").column("id", "row id").live().build();
        assertThrows(IllegalArgumentException.class, () -> lh.publish(history, 0, "run-1"));
    }

    @Test
    void missingColumnFailsBeforeWriting() {
        Lakehouse lh = new Lakehouse(spark(), TEST_CONFIG.with(Map.of("valueledger.lake.root", lake.toString())));
        assertThrows(IllegalStateException.class,
                () -> lh.overwrite(SPEC, df("team_id STRING", row("t1")), "run-1"));
        assertTrue(!lh.exists(SPEC));
    }
}

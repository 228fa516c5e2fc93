package dev.valueledger.publish;

import dev.valueledger.SparkTestBase;
import dev.valueledger.config.AppConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Written files follow the rows, not the shuffle (issue 7): one file for a small table, the
 * configured partitions for a large one, and the row count read back from the Delta commit that wrote them.
 */
class FileSizingTest extends SparkTestBase {

    @TempDir
    Path tmp;

    @Test
    void oneFileWhenTheRowsFitInOneElseTheConfiguredPartitions() {
        assertEquals(1, FileSizing.partitions(0, 8));
        assertEquals(1, FileSizing.partitions(20, 8), "twenty rows: one task and one file, not eight");
        assertEquals(1, FileSizing.partitions(FileSizing.ROWS_PER_FILE, 8));
        assertEquals(8, FileSizing.partitions(FileSizing.ROWS_PER_FILE + 1, 8));
        assertEquals(8, FileSizing.partitions(2_090_000L, 8), "a large source keeps every configured partition busy");
        assertEquals(1, FileSizing.partitions(5_000_000L, 1));
        assertThrows(IllegalArgumentException.class, () -> FileSizing.partitions(-1, 8));
    }

    @Test
    void smallRowsAreWrittenAsOneFileAndTheCommitKnowsHowMany() {
        AppConfig cfg = TEST_CONFIG.with(Map.of("valueledger.lake.root", tmp.resolve("lake").toString()));
        Lakehouse lake = new Lakehouse(spark(), cfg);
        TableSpec spec = TableSpec.gold("sizing_probe", "rows to size").column("n", "a number").build();
        Dataset<Row> spread = spark().range(0, 50).toDF("n").repartition(4);
        assertEquals(4, spread.rdd().getNumPartitions());

        long first = lake.overwrite(spec, FileSizing.forRows(spread, 50, 4), "run-1");
        assertEquals(1L, spark().sql("DESCRIBE DETAIL delta.`" + lake.path(spec) + "`").head().<Long>getAs("numFiles"));
        long second = lake.append(spec, spark().range(0, 7).toDF("n"), "run-2");

        assertEquals(50L, lake.rowsWritten(spec, first).orElseThrow());
        assertEquals(7L, lake.rowsWritten(spec, second).orElseThrow(), "each commit's own rows, not the table's");
    }
}

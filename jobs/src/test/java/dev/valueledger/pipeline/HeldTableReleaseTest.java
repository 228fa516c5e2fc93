package dev.valueledger.pipeline;

import dev.valueledger.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the gold stage held for a run (a local checkpoint) leaves memory when the stage releases it. */
class HeldTableReleaseTest extends SparkTestBase {

    private long cachedBlocks() {
        return Arrays.stream(spark().sparkContext().getRDDStorageInfo()).mapToLong(i -> i.numCachedPartitions()).sum();
    }

    @Test
    void releasingAHeldTableFreesItsBlocks() {
        long before = cachedBlocks();
        Dataset<Row> held = spark().range(1_000).selectExpr("id", "id * 2 AS twice").localCheckpoint();
        assertEquals(1_000, held.count());
        assertTrue(cachedBlocks() > before, "the checkpoint holds blocks");

        held.unpersist(true);
        assertTrue(cachedBlocks() > before, "Dataset.unpersist alone leaves a local checkpoint's blocks");

        GoldStage.release(held);
        assertEquals(before, cachedBlocks());
    }
}

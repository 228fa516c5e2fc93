package dev.valueledger.pipeline;

import dev.valueledger.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.CacheManager;
import org.apache.spark.sql.execution.CachedData;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session settings Value Ledger adds to Spark's, and that a user's own settings still win. */
class SparkSessionsTest extends SparkTestBase {

    @Test
    void cachedIntermediatesAreStoredUncompressed() {
        assertEquals("false", SparkSessions.baseConf(TEST_CONFIG).get(SparkSessions.CACHE_COMPRESSED));
        // One value repeated: compressed (run-length or dictionary), its column would take a few bytes.
        String value = "the same raw text in every record";
        Dataset<Row> cached = spark().range(10_000).selectExpr("'" + value + "' AS raw").cache();
        try {
            assertEquals(10_000, cached.count());
            CacheManager cache = spark().sharedState().cacheManager();
            CachedData entry = cache.lookupCachedData(cached).get();
            int rdd = entry.cachedRepresentation().cacheBuilder().cachedColumnBuffers().id();
            long bytes = Arrays.stream(spark().sparkContext().getRDDStorageInfo())
                    .filter(i -> i.id() == rdd).mapToLong(i -> i.memSize() + i.diskSize()).sum();
            assertTrue(bytes >= 10_000L * value.length(), "the cached column is stored as it is, not compressed: " + bytes + " bytes");
        } finally {
            cached.unpersist(true);
        }
    }

    @Test
    void aSettingInTheConfigurationWins() {
        assertEquals("true", SparkSessions.baseConf(TEST_CONFIG.with(Map.of(
                "valueledger.spark.extra.\"" + SparkSessions.CACHE_COMPRESSED + "\"", "true"))).get(SparkSessions.CACHE_COMPRESSED));
    }
}

package dev.valueledger.pipeline;

import dev.valueledger.SparkTestBase;
import org.apache.spark.metrics.source.CodegenMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.CacheManager;
import org.apache.spark.sql.execution.CachedData;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
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
    void generatedCodeStaysCompiledWhenMoreThanSparksHundredOtherPiecesCameBetween() {
        assertEquals("4096", spark().conf().get(SparkSessions.CODEGEN_CACHE_ENTRIES));
        String shape = "id * 7919 + 104729 AS v";
        spark().range(8).selectExpr(shape).collectAsList();
        // Each multiplier is a literal in the generated code, so each query is new code to compile.
        for (int i = 0; i < 150; i++) {
            spark().range(4).selectExpr("id * " + (7000 + i) + " + 3 AS v").collectAsList();
        }
        long compiled = CodegenMetrics.METRIC_COMPILATION_TIME().getCount();
        List<Row> again = spark().range(8).selectExpr(shape).collectAsList();
        assertEquals(List.of(104729L, 112648L), List.of(again.get(0).getLong(0), again.get(1).getLong(0)));
        assertEquals(compiled, CodegenMetrics.METRIC_COMPILATION_TIME().getCount(),
                "the first query's code is still compiled after 150 other pieces (Spark's own cache holds 100)");
    }

    @Test
    void aSettingInTheConfigurationWins() {
        assertEquals("true", SparkSessions.baseConf(TEST_CONFIG.with(Map.of(
                "valueledger.spark.extra.\"" + SparkSessions.CACHE_COMPRESSED + "\"", "true"))).get(SparkSessions.CACHE_COMPRESSED));
    }
}

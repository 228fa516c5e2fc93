package dev.valueledger;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import dev.valueledger.config.AppConfig;
import dev.valueledger.pipeline.SparkSessions;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.delta.DeltaLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Base of every Spark test: one local SparkSession per JVM (never stopped between classes),
 * two shuffle partitions, in-memory catalog, Delta enabled, UTC. Gives spark-testing-base's
 * DataFrame assertions and a compact way to build fixtures from rows.
 */
public abstract class SparkTestBase extends JavaDataFrameSuiteBase {

    /** Defaults with an in-memory catalog: what every unit test runs on. */
    protected static final AppConfig TEST_CONFIG = AppConfig.defaults().with(Map.of(
            "valueledger.catalog.implementation", "in-memory",
            "valueledger.spark.master", "local[2]",
            "valueledger.spark.shuffle-partitions", "2",
            "valueledger.privacy.allow-insecure-dev-key", "true"));

    @Override
    public SparkConf conf() {
        return SparkSessions.baseConf(TEST_CONFIG)
                .set("spark.master", "local[2]")
                .set("spark.app.name", "value-ledger-tests")
                .set("spark.ui.enabled", "false")
                .set("spark.sql.shuffle.partitions", "2")
                .set("spark.default.parallelism", "2")
                .set("spark.sql.catalogImplementation", "in-memory")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.driver.host", "127.0.0.1");
    }

    @BeforeEach
    public void startSpark() {
        runBefore();
    }

    /**
     * Delta caches a DeltaLog, with its snapshots, for every table path it has seen; each test class
     * writes fresh temporary lakehouses, so without this the shared JVM's heap fills class by class.
     */
    @AfterAll
    static void forgetDeltaLogs() {
        DeltaLog.clearCache();
    }

    /**
     * A DataFrame from a DDL schema ("a STRING, b INT") and rows given as arrays of values; a row
     * may leave out trailing columns, which are then null (optional columns such as assignee).
     */
    protected Dataset<Row> df(String ddl, Object[]... rows) {
        StructType schema = StructType.fromDDL(ddl);
        List<Row> list = new ArrayList<>();
        for (Object[] r : rows) {
            list.add(RowFactory.create(java.util.Arrays.copyOf(r, Math.max(r.length, schema.size()))));
        }
        return spark().createDataFrame(list, schema);
    }

    /**
     * The same rows without column comments, so a written table compares equal to a fixture
     * (spark-testing-base compares schemas including their metadata).
     */
    protected Dataset<Row> plain(Dataset<Row> df) {
        StructField[] fields = df.schema().fields().clone();
        for (int i = 0; i < fields.length; i++) {
            fields[i] = new StructField(fields[i].name(), fields[i].dataType(), fields[i].nullable(), Metadata.empty());
        }
        return spark().createDataFrame(df.javaRDD(), new StructType(fields));
    }

    /** Order-insensitive equality of rows and schema, ignoring column comments. */
    protected void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
        assertDataFrameNoOrderEquals(plain(expected), plain(actual));
    }

    /**
     * JUnit's two-argument assertTrue; spark-testing-base's one-argument assertTrue would
     * otherwise hide the static import in every subclass.
     */
    public void assertTrue(boolean condition, String message) {
        org.junit.jupiter.api.Assertions.assertTrue(condition, message);
    }

    /** Shorthand for one fixture row. */
    protected static Object[] row(Object... values) {
        return values;
    }
}

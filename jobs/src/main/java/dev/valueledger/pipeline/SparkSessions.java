package dev.valueledger.pipeline;

import dev.valueledger.config.AppConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;
import java.util.Map;

/**
 * Builds the one SparkSession of a JVM from the typed configuration: Delta's extension and
 * catalog, UTC session time, and a catalog that persists between runs (embedded Hive metastore)
 * unless configured in-memory. Under spark-submit the master and any settings given there win.
 */
public final class SparkSessions {

    /** Whether Spark compresses the columns of cached Datasets (its default: true). */
    static final String CACHE_COMPRESSED = "spark.sql.inMemoryColumnarStorage.compressed";

    /** How many pieces of generated code Spark keeps compiled, per JVM (its default: 100). */
    static final String CODEGEN_CACHE_ENTRIES = "spark.sql.codegen.cache.maxEntries";

    private SparkSessions() { }

    /** The session settings every Value Ledger session needs, whatever its catalog. */
    public static SparkConf baseConf(AppConfig cfg) {
        SparkConf conf = new SparkConf(true)
                .setIfMissing("spark.master", cfg.spark().master())
                .setIfMissing("spark.app.name", cfg.spark().appName())
                .set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .set("spark.sql.session.timeZone", "UTC")
                .setIfMissing("spark.sql.shuffle.partitions", Integer.toString(cfg.spark().shufflePartitions()))
                .setIfMissing("spark.ui.showConsoleProgress", "false")
                // Ingest relies on non-ANSI casts turning an unparsable value into null, which it
                // then quarantines with a reason instead of failing the whole run.
                .set("spark.sql.ansi.enabled", "false")
                // Money is decimal end to end; never let Spark round a product away.
                .set("spark.sql.decimalOperations.allowPrecisionLoss", "false")
                // Finance audits read old versions: keep history for ten years, not Delta's 30 days.
                .setIfMissing("spark.databricks.delta.properties.defaults.logRetentionDuration", "interval 3650 days")
                .setIfMissing("spark.databricks.delta.properties.defaults.deletedFileRetentionDuration", "interval 3650 days")
                // Delta rebuilds a table's state from its log, and lists the files of every read
                // (a Spark job per table per query, ~260 per scale-1 run), with this many tasks. A
                // table's log here holds a few files per run, so one task does it; with Delta's default
                // 50, or the 4 used before, those jobs mostly launched tasks (docs/benchmark.md).
                .setIfMissing("spark.databricks.delta.snapshotPartitions", "1")
                // Local files without a chmod/readlink process per file (NoForkLocalFileSystem); a
                // cluster's own setting wins, and other schemes are not affected.
                .setIfMissing("spark.hadoop.fs.file.impl", NoForkLocalFileSystem.class.getName())
                .setIfMissing("spark.hadoop.fs.AbstractFileSystem.file.impl", NoForkLocalFileSystem.Fs.class.getName())
                .setIfMissing("spark.databricks.delta.schema.autoMerge.enabled", "false")
                // What a run caches are its own intermediates (each source's checked records, the
                // impact cells), read a few times and dropped within the run. Compressing them
                // made Spark try a dictionary on every batch of the raw record text, unique per
                // record: 8% of the tasks' CPU samples at scale 1 (docs/benchmark.md, stop 16).
                .setIfMissing(CACHE_COMPRESSED, "false")
                // A scale-1 run generates about 2,060 distinct pieces of code. With Spark's 100
                // entries, about 500 of them were met again after the cache had let them go, and were
                // compiled anew (2,567 compilations against 2,062), each also warmed up again by the
                // JIT. This many entries hold a whole run's, for 17 to 61 MiB more resident memory
                // (docs/benchmark.md, stop 20). A static setting: it counts only when the session is created.
                .setIfMissing(CODEGEN_CACHE_ENTRIES, "4096")
                // Spark keeps every SQL execution's plan graph for the UI (1000 by default); a run makes
                // hundreds with large plans, which then crowd the driver heap of a long run.
                .setIfMissing("spark.sql.ui.retainedExecutions", "100")
                .setIfMissing("spark.ui.retainedJobs", "200")
                .setIfMissing("spark.ui.retainedStages", "200");
        for (Map.Entry<String, String> e : cfg.spark().extra().entrySet()) {
            conf.set(e.getKey(), e.getValue());
        }
        return conf;
    }

    /** Returns the JVM's session, creating it from the configuration when there is none yet. */
    public static SparkSession getOrCreate(AppConfig cfg) {
        SparkSession existing = SparkSession.getActiveSession().getOrElse(() -> null);
        if (existing == null) {
            existing = SparkSession.getDefaultSession().getOrElse(() -> null);
        }
        if (existing != null) {
            return existing;
        }
        SparkConf conf = baseConf(cfg);
        SparkSession.Builder builder = SparkSession.builder().config(conf);
        if (cfg.catalog().persistent()) {
            String warehouse = dev.valueledger.publish.Lakehouse.qualifiedRoot(cfg.lakeRoot()) + "/_warehouse";
            builder.config("spark.sql.warehouse.dir", warehouse);
            if (!conf.contains("spark.hive.metastore.uris") && !conf.contains("spark.hadoop.hive.metastore.uris")) {
                String dir = metastoreDir(cfg);
                // Derby writes derby.log into the working directory, or its boot banner to stderr
                // when the folder is missing; keep both inside the catalog folder.
                try {
                    java.nio.file.Files.createDirectories(Path.of(dir));
                } catch (java.io.IOException e) {
                    throw new dev.valueledger.config.ConfigError("cannot create the catalog folder " + dir + ": " + e.getMessage());
                }
                System.setProperty("derby.stream.error.file", Path.of(dir, "derby.log").toString());
                builder.config("spark.hadoop.javax.jdo.option.ConnectionURL",
                        "jdbc:derby:;databaseName=" + Path.of(dir, "metastore_db") + ";create=true");
            }
            builder.enableHiveSupport();
        } else {
            builder.config("spark.sql.catalogImplementation", "in-memory");
        }
        SparkSession spark = builder.getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }

    /** Local folder of the embedded metastore: configured, else below a local lake root. */
    static String metastoreDir(AppConfig cfg) {
        if (!cfg.catalog().metastoreDir().isBlank()) {
            return cfg.catalog().metastoreDir();
        }
        String root = cfg.lakeRoot();
        if (root.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") && !root.startsWith("file:")) {
            throw new dev.valueledger.config.ConfigError("the lake root " + root + " is not local, so the embedded metastore cannot live below it;"
                    + " set valueledger.catalog.metastore-dir to a local folder, or spark.hive.metastore.uris in valueledger.spark.extra");
        }
        return Path.of(root.replaceFirst("^file:(//)?", ""), "_catalog").toAbsolutePath().toString();
    }
}

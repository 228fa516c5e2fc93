package dev.valueledger.publish;

import dev.valueledger.config.AppConfig;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.CatalogTableType;
import org.apache.spark.sql.catalyst.catalog.SessionCatalog;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.CommitInfo;
import scala.Option;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import java.util.Locale;

import static org.apache.spark.sql.functions.lit;

/**
 * The one place that reads and writes lakehouse tables: Delta under the configured root
 * ({@code <root>/<layer>/<table>}), every write tagged with the run id in Delta's history
 * (CONTRACT §3). Readers reach history tables by name as they grow, and silver and curated tables
 * through views pinned to the version of the last good run ({@link #publish}).
 */
public final class Lakehouse {

    /** View properties naming what a pinned view shows. */
    public static final String VERSION_PROPERTY = "valueledger.delta_version";
    public static final String RUN_PROPERTY = "valueledger.run_id";
    private static final int MAX_COLUMN_COMMENT = 256;
    private static final String CUT = " [...]";

    private final SparkSession spark;
    private final AppConfig cfg;
    private final String root;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    /** Schemas known to exist: the metastore is asked once per schema and lakehouse, not per table and view. */
    private final ConcurrentHashMap<String, Boolean> schemas = new ConcurrentHashMap<>();

    public Lakehouse(SparkSession spark, AppConfig cfg) {
        this.spark = spark;
        this.cfg = cfg;
        this.root = qualifiedRoot(cfg.lakeRoot());
    }

    /**
     * The lake root as an absolute URI: the catalog stores table locations, and a relative path
     * would be resolved against the metastore's warehouse rather than the working directory.
     */
    public static String qualifiedRoot(String lakeRoot) {
        String r = lakeRoot.replaceAll("/+$", "");
        if (r.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return r;
        }
        return java.nio.file.Path.of(r).toAbsolutePath().normalize().toUri().toString().replaceAll("/+$", "");
    }

    public SparkSession spark() {
        return spark;
    }

    public String root() {
        return root;
    }

    public String path(TableSpec spec) {
        return root + "/" + spec.layer().name().toLowerCase(Locale.ROOT) + "/" + spec.name();
    }

    public String schemaOf(TableSpec.Layer layer) {
        return switch (layer) {
            case BRONZE -> cfg.catalog().bronzeSchema();
            case SILVER -> cfg.catalog().silverSchema();
            case GOLD -> cfg.catalog().schema();
        };
    }

    public boolean exists(TableSpec spec) {
        return DeltaTable.isDeltaTable(spark, path(spec));
    }

    public Dataset<Row> read(TableSpec spec) {
        return spark.read().format("delta").load(path(spec));
    }

    /** Replaces the whole table with {@code df}; returns the Delta version written. */
    public long overwrite(TableSpec spec, Dataset<Row> df, String runId) {
        return write(spec, df, runId, "overwrite", null);
    }

    /** Replaces the rows of one quarter and leaves the other quarters as they are. */
    public long replaceQuarter(TableSpec spec, Dataset<Row> df, String quarter, String runId) {
        return replaceQuarters(spec, df, List.of(quarter), runId);
    }

    /**
     * Replaces the rows of the given quarters in one commit (rows of other quarters in {@code df}
     * are dropped) and leaves every other quarter as it is, so rerunning a quarter never doubles it.
     */
    public long replaceQuarters(TableSpec spec, Dataset<Row> df, List<String> quarters, String runId) {
        if (!spec.partitionedByQuarter()) {
            throw new IllegalArgumentException(spec.name() + " is not partitioned by quarter");
        }
        String in = quarters.stream().map(Sql::literal).collect(Collectors.joining(", "));
        return write(spec, df.filter(df.col("quarter").isin(quarters.toArray())), runId, "overwrite",
                "quarter IN (" + in + ")");
    }

    /** Adds rows (quarantine, run log, data quality results). */
    public long append(TableSpec spec, Dataset<Row> df, String runId) {
        return write(spec, df, runId, "append", null);
    }

    /**
     * Inserts or replaces rows by the spec's key (a Delta MERGE), creating the table on first use;
     * used for the run log, whose row is written at the start of a run and completed at its end.
     */
    public long upsert(TableSpec spec, Dataset<Row> df, String runId) {
        if (!exists(spec)) {
            return append(spec, df, runId);
        }
        String condition = spec.key().stream().map(k -> "t." + Sql.identifier(k) + " = s." + Sql.identifier(k))
                .reduce((a, b) -> a + " AND " + b)
                .orElseThrow(() -> new IllegalArgumentException(spec.name() + " has no key to merge on"));
        spark.conf().set("spark.databricks.delta.commitInfo.userMetadata", runId);
        try {
            ConflictRetry.DEFAULT.run(spec.name(), () -> {
                DeltaTable.forPath(spark, path(spec)).as("t")
                        .merge(spec.conform(df).as("s"), condition)
                        .whenMatched().updateAll()
                        .whenNotMatched().insertAll()
                        .execute();
                return null;
            });
        } finally {
            spark.conf().unset("spark.databricks.delta.commitInfo.userMetadata");
        }
        registerIfLive(spec);
        return version(path(spec));
    }

    /** The table as it was at a Delta version (time travel), e.g. as of a quarter close. */
    public Dataset<Row> readVersion(TableSpec spec, long version) {
        return spark.read().format("delta").option("versionAsOf", version).load(path(spec));
    }

    /**
     * The rows one commit of the table wrote, as Delta recorded them with the commit
     * ({@code numOutputRows}); reads one log file, no Spark job. Empty when the commit holds no
     * such figure (metrics off, or an operation that reports none).
     */
    public OptionalLong rowsWritten(TableSpec spec, long version) {
        scala.collection.Iterator<scala.Tuple2<Object, scala.collection.Seq<Action>>> changes =
                DeltaLog.forTable(spark, new Path(path(spec))).getChanges(version, false);
        // The first change listed is the commit asked for, unless it is gone from the log.
        scala.Tuple2<Object, scala.collection.Seq<Action>> c = changes.hasNext() ? changes.next() : null;
        if (c == null || (Long) c._1() != version) {
            return OptionalLong.empty();
        }
        for (Action a : scala.collection.JavaConverters.seqAsJavaList(c._2())) {
            if (a instanceof CommitInfo info && info.operationMetrics().isDefined()) {
                Option<String> rows = info.operationMetrics().get().get("numOutputRows");
                return rows.isDefined() ? OptionalLong.of(Long.parseLong(rows.get())) : OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }

    /** The table's latest version as this JVM's Delta log knows it (our own commit just updated it): no Spark job. */
    private long version(String path) {
        return DeltaLog.forTable(spark, new Path(path)).unsafeVolatileSnapshot().version();
    }

    private long write(TableSpec spec, Dataset<Row> df, String runId, String mode, String replaceWhere) {
        Dataset<Row> rows = df;
        if (spec.columns().containsKey("run_id") && !Arrays.asList(df.columns()).contains("run_id")) {
            rows = rows.withColumn("run_id", lit(runId));
        }
        DataFrameWriter<Row> w = spec.conform(rows).write().format("delta").mode(mode)
                .option("userMetadata", runId);
        if (!spec.skippingStatistics()) {
            // A table property, kept by the table: files record their row count only.
            w = w.option("delta.dataSkippingNumIndexedCols", "0");
        }
        if (replaceWhere != null) {
            w = w.option("replaceWhere", replaceWhere);
        } else if ("overwrite".equals(mode)) {
            // A whole-table replacement may change the schema as the definitions evolve.
            w = w.option("overwriteSchema", "true");
        }
        if (!spec.partitionBy().isEmpty()) {
            w = w.partitionBy(spec.partitionBy().toArray(new String[0]));
        }
        String path = path(spec);
        DataFrameWriter<Row> writer = w;
        ConflictRetry.DEFAULT.run(spec.name(), () -> {
            writer.save(path);
            return null;
        });
        registerIfLive(spec);
        return version(path);
    }

    /** History tables are read as they grow; pinned tables get their name only from {@link #publish}. */
    private void registerIfLive(TableSpec spec) {
        if (spec.live()) {
            register(spec);
        }
    }

    /**
     * Points the readers' name of a pinned table at one Delta version: a view carrying the table's
     * column comments and the version and run in its properties. Readers keep seeing that version
     * while later runs write, and see the next one only when a run that passed its checks publishes
     * it (issue 6 crash safety). A name still registered as a table, from a lakehouse written before
     * views, is replaced by the view; dropping an external table forgets the name, not the data.
     */
    public void publish(TableSpec spec, long version, String runId) {
        if (spec.live()) {
            throw new IllegalArgumentException(spec.name() + " is a history table, read live, not pinned");
        }
        String schema = schemaOf(spec.layer());
        ensureSchema(schema);
        if (catalogEntry(schema, spec.name()).filter(t -> !CatalogTableType.VIEW().equals(t.tableType())).isPresent()) {
            spark.sessionState().catalog().dropTable(new TableIdentifier(spec.name(), Option.apply(schema)), true, false);
        }
        StructField[] fields = readVersion(spec, version).schema().fields();
        String columns = Arrays.stream(fields)
                .map(f -> Sql.identifier(f.name()) + (f.getComment().isDefined() ? " COMMENT " + Sql.literal(viewComment(f.getComment().get())) : ""))
                .collect(Collectors.joining(", "));
        String select = Arrays.stream(fields).map(f -> Sql.identifier(f.name())).collect(Collectors.joining(", "));
        spark.sql("CREATE OR REPLACE VIEW " + Sql.qualified(schema, spec.name()) + " (" + columns + ")"
                + " COMMENT " + Sql.literal(spec.description() + " [Delta version " + version + " of " + path(spec)
                        + ", published by run " + runId + "; column comments cut at " + MAX_COLUMN_COMMENT
                        + " characters are whole in DESCRIBE delta.`" + path(spec) + "`]")
                + " TBLPROPERTIES (" + Sql.literal(VERSION_PROPERTY) + " = " + Sql.literal(Long.toString(version)) + ", "
                + Sql.literal(RUN_PROPERTY) + " = " + Sql.literal(runId) + ")"
                + " AS SELECT " + select + " FROM delta." + Sql.path(path(spec)) + " VERSION AS OF " + version);
    }

    /**
     * A column comment as a view can hold it: Hive metastores keep at most 256 characters per column
     * comment (and retry for a minute before failing on a longer one). The Delta table keeps the whole text.
     */
    static String viewComment(String comment) {
        return comment.length() <= MAX_COLUMN_COMMENT ? comment
                : comment.substring(0, MAX_COLUMN_COMMENT - CUT.length()) + CUT;
    }

    /** The Delta version the readers' view of a pinned table shows, if it has been published (a metastore look-up). */
    public OptionalLong publishedVersion(TableSpec spec) {
        return catalogEntry(schemaOf(spec.layer()), spec.name())
                .map(t -> t.properties().get(VERSION_PROPERTY))
                .filter(Option::isDefined)
                .map(v -> OptionalLong.of(Long.parseLong(v.get())))
                .orElse(OptionalLong.empty());
    }

    /** The catalog's entry for a name, if any (a metastore look-up, no Spark job). */
    private Optional<CatalogTable> catalogEntry(String schema, String name) {
        TableIdentifier id = new TableIdentifier(name, Option.apply(schema));
        try {
            SessionCatalog catalog = spark.sessionState().catalog();
            return catalog.tableExists(id) ? Optional.of(catalog.getTableMetadata(id)) : Optional.empty();
        } catch (Exception e) {
            // Checked in Java's eyes (NoSuchDatabase/NoSuchTable): no entry, then.
            return Optional.empty();
        }
    }

    /**
     * Makes the table queryable by name; idempotent. A name already registered for another
     * location (a catalog shared by two lakes, or a lake that moved) is pointed at this lake.
     */
    public void register(TableSpec spec) {
        if (!registered.add(spec.name() + "@" + spec.layer())) {
            return;
        }
        String schema = schemaOf(spec.layer());
        String qualified = Sql.qualified(schema, spec.name());
        ensureSchema(schema);
        if (spark.catalog().tableExists(schema, spec.name()) && !registeredHere(schema, spec)) {
            // The table is external (it has a LOCATION): dropping it forgets the name, not the data.
            // The session catalog drops it without loading Delta, which fails when the old path is gone.
            spark.sessionState().catalog().dropTable(new TableIdentifier(spec.name(), Option.apply(schema)), true, false);
        }
        spark.sql("CREATE TABLE IF NOT EXISTS " + qualified
                + " USING DELTA LOCATION " + Sql.literal(path(spec))
                + " COMMENT " + Sql.literal(spec.description()));
    }

    /**
     * Creates the schema if it is missing, once per lakehouse: a run registers and publishes about 50
     * names in three schemas, and asking before each name was 54 commands where 3 do (docs/benchmark.md
     * stop 19; the first one, which starts the metastore, is most of their time). A concurrent writer of
     * the same schema waits until it exists.
     */
    private void ensureSchema(String schema) {
        schemas.computeIfAbsent(schema, s -> {
            spark.sql("CREATE SCHEMA IF NOT EXISTS " + Sql.identifier(s));
            return Boolean.TRUE;
        });
    }

    /** Whether the catalog's entry points at this lake's files (a metastore look-up, no Spark job). */
    private boolean registeredHere(String schema, TableSpec spec) {
        return catalogEntry(schema, spec.name())
                .filter(t -> t.storage().locationUri().isDefined()
                        && qualify(t.storage().locationUri().get().toString()).equals(qualify(path(spec))))
                .isPresent();
    }

    private String qualify(String p) {
        try {
            Path path = new Path(p);
            return path.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(path).toString();
        } catch (java.io.IOException e) {
            return p;
        }
    }
}

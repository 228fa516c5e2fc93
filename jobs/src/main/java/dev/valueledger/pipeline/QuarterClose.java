package dev.valueledger.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.valueledger.UserError;
import dev.valueledger.config.AppConfig;
import dev.valueledger.publish.Lakehouse;
import dev.valueledger.publish.TableSpec;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;
import scala.Option;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.split;

/** Quarter close (issue 6): the Delta version of every gold table as of the close, in quarter_closes and pipeline_runs. */
public final class QuarterClose {

    public static final TableSpec SPEC = TableSpec.gold("quarter_closes",
                    "One row per quarter close: the gold table versions that hold the quarter's as-reported figures (issue 6 quarter close)")
            .column("quarter", "Closed quarter YYYY-Qn")
            .column("closed_at", "When the quarter was closed (UTC); the latest close of a quarter is the one restatements compare with")
            .column("run_id", "Last successful run covering the quarter before the close (pipeline_runs.run_id): whose figures were closed")
            .column("table_versions", "Delta version of every gold table at the close, as JSON {table: version}; read them with VERSION AS OF")
            .column("close_id", "The close's own row in pipeline_runs (run_id with status closed)")
            .key("quarter", "closed_at")
            .live()
            .build();

    /** One close: the quarter, when, whose figures, and the versions that hold them. */
    public record Closed(String quarter, Instant closedAt, String runId, String closeId, Map<String, Long> tableVersions) { }

    private static final StructType SCHEMA = StructType.fromDDL(
            "quarter STRING, closed_at TIMESTAMP, run_id STRING, table_versions STRING, close_id STRING");
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private QuarterClose() { }

    /** Closes {@code quarter} holding the lakehouse lock, so no run writes while the versions are read. */
    public static Closed close(SparkSession spark, AppConfig cfg, Quarter quarter, Progress progress) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String closeId = "close-" + ID.format(now) + "-" + UUID.randomUUID().toString().substring(0, 8);
        Lakehouse lake = new Lakehouse(spark, cfg);
        try (RunLock lock = RunLock.acquire(spark.sparkContext().hadoopConfiguration(), cfg.lakeRoot(), closeId, now, progress)) {
            String lastRun = lastSuccessfulRun(lake, quarter.label()).orElseThrow(() -> new UserError("no successful run covers "
                    + quarter.label() + " in " + cfg.lakeRoot() + "; run it first (valueledger run --quarter " + quarter.label() + ")"));
            // The published versions, not the latest files: a run that died half-way may have written since.
            Map<String, Long> versions = Publication.lastSuccess(lake).map(Publication.Published::gold).orElseThrow();
            Closed closed = new Closed(quarter.label(), now, lastRun, closeId, versions);
            Row row = RowFactory.create(closed.quarter(), Timestamp.from(now), lastRun, json(versions), closeId);
            lake.append(SPEC, spark.createDataFrame(List.of(row), SCHEMA), closeId);
            RunContext ctx = new RunContext(closeId, now, cfg, spark, lake, progress);
            new RunLog(ctx, quarter.label(), cfg.lakeRoot()).finished("closed", null, versions, null, null, "");
            progress.report("close", "closed " + quarter.label() + " as reported by run " + lastRun + ": "
                    + versions.size() + " gold table versions frozen");
            return closed;
        }
    }

    /** The latest close of each of the quarters that has one (a look-up in a small table, no row-level data). */
    public static List<Closed> latest(Lakehouse lake, List<String> quarters) {
        if (quarters.isEmpty() || !lake.exists(SPEC)) {
            return List.of();
        }
        return lake.read(SPEC).filter(col("quarter").isin(quarters.toArray()))
                .withColumn("_n", row_number().over(Window.partitionBy("quarter").orderBy(col("closed_at").desc())))
                .filter(col("_n").equalTo(1))
                .collectAsList().stream()
                .map(r -> new Closed(r.getAs("quarter"), r.<Timestamp>getAs("closed_at").toInstant(), r.getAs("run_id"),
                        r.getAs("close_id"), parse(r.getAs("table_versions"))))
                .toList();
    }

    static Optional<String> lastSuccessfulRun(Lakehouse lake, String quarter) {
        if (!lake.exists(RunLog.SPEC)) {
            return Optional.empty();
        }
        List<Row> last = lake.read(RunLog.SPEC)
                .filter(col("status").equalTo("success").and(array_contains(split(col("quarter"), ","), quarter)))
                .orderBy(col("started_at").desc()).select("run_id").limit(1).collectAsList();
        return last.stream().findFirst().map(r -> r.getString(0));
    }

    static String json(Map<String, Long> versions) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(versions));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Long> parse(String json) {
        try {
            return JSON.readValue(json, new TypeReference<TreeMap<String, Long>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("quarter_closes.table_versions is not JSON: " + json, e);
        }
    }
}

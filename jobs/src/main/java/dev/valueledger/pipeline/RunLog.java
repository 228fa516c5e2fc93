package dev.valueledger.pipeline;

import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code pipeline_runs} table (CONTRACT §3): one row per run, written as {@code running} when
 * the run starts and completed with its status, output versions and counts when it ends, so a run
 * that died shows up as one that never finished.
 */
public final class RunLog {

    public static final TableSpec SPEC = TableSpec.gold("pipeline_runs",
                    "One row per pipeline run: what it read, what it wrote, how it ended (CONTRACT §3).")
            .column("run_id", "Identifier of the run, also in every gold row and in Delta history (userMetadata)")
            .column("quarter", "Quarter(s) the run computed, YYYY-Qn, comma-separated for --all")
            .column("started_at", "When the run started (UTC)")
            .column("finished_at", "When the run ended (UTC); null while running or when it died")
            .column("status", "running, success, failed, or closed (a quarter close: output_versions are the frozen versions, see quarter_closes)")
            .column("code_version", "Version of the Value Ledger jar that ran")
            .column("config_hash", "SHA-256 of the resolved configuration (AppConfig.configHash)")
            .column("input_fingerprint", "SHA-256 over the input files' names, sizes and modification times")
            .column("output_versions", "Delta version written per table, as JSON {table: version}")
            .column("rows_read", "Input records read, all sources, duplicates included")
            .column("rows_quarantined", "Input records sent to the quarantine table by this run")
            .column("input_root", "Input folder or URI the run read")
            .column("message", "Why the run failed, empty on success")
            .key("run_id")
            .live()
            .build();

    private static final StructType SCHEMA = StructType.fromDDL(
            "run_id STRING, quarter STRING, started_at TIMESTAMP, finished_at TIMESTAMP, status STRING, "
                    + "code_version STRING, config_hash STRING, input_fingerprint STRING, output_versions STRING, "
                    + "rows_read BIGINT, rows_quarantined BIGINT, input_root STRING, message STRING");

    private final RunContext ctx;
    private final String quarters;
    private final String inputRoot;

    public RunLog(RunContext ctx, String quarters, String inputRoot) {
        this.ctx = ctx;
        this.quarters = quarters;
        this.inputRoot = inputRoot;
    }

    public void started() {
        write(null, "running", null, Map.of(), null, null, "");
    }

    public void finished(String status, String inputFingerprint, Map<String, Long> versions,
                         Long rowsRead, Long rowsQuarantined, String message) {
        write(Instant.now(), status, inputFingerprint, versions, rowsRead, rowsQuarantined, message == null ? "" : message);
    }

    private void write(Instant finished, String status, String fingerprint, Map<String, Long> versions,
                       Long read, Long quarantined, String message) {
        Row row = RowFactory.create(ctx.runId(), quarters, Timestamp.from(ctx.startedAt()),
                finished == null ? null : Timestamp.from(finished), status, codeVersion(), ctx.cfg().configHash(),
                fingerprint, json(versions), read, quarantined, inputRoot, message);
        Dataset<Row> df = ctx.spark().createDataFrame(List.of(row), SCHEMA);
        ctx.lake().upsert(SPEC, df, ctx.runId());
    }

    private static String json(Map<String, Long> versions) {
        StringBuilder sb = new StringBuilder("{");
        new TreeMap<>(versions).forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return sb.append('}').toString();
    }

    /** The jar's version from its manifest, or "dev" when run from classes. */
    public static String codeVersion() {
        String v = RunLog.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}

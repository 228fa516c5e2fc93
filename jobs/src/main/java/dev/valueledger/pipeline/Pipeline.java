package dev.valueledger.pipeline;

import dev.valueledger.UserError;
import dev.valueledger.config.AppConfig;
import dev.valueledger.ingest.IngestTables;
import dev.valueledger.ingest.Pseudonymizer;
import dev.valueledger.ingest.Source;
import dev.valueledger.publish.Lakehouse;
import dev.valueledger.publish.TableSpec;
import dev.valueledger.quality.Check;
import dev.valueledger.quality.DataQuality;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

/**
 * One run of the pipeline (CONTRACT §4 {@code run}): ingest to bronze, quarantine and silver, then
 * the curated tables of the requested quarters, recorded in {@code pipeline_runs} and published to
 * readers only once every blocking check has passed. Any failure is recorded as a failed run and
 * reported as one line; readers keep the last good run's tables.
 */
public final class Pipeline {

    /** What to run: the input root and one quarter, or every quarter the inputs cover. */
    public record Request(String inputRoot, Optional<Quarter> quarter, boolean allowInsecureKey) { }

    /** What a successful run did. */
    public record Result(String runId, List<Quarter> quarters, IngestStage.Outcome ingest, Map<String, Long> versions) { }

    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private Pipeline() { }

    public static Result run(SparkSession spark, AppConfig cfg, Request req, Progress progress) {
        Pseudonymizer pseudonymizer = Pseudonymizer.fromEnvironment(cfg, req.allowInsecureKey());
        if (pseudonymizer.insecure()) {
            progress.report("privacy", "using the publicly known development hash key: personal identifiers are NOT protected."
                    + " Set " + cfg.privacy().hashKeyEnv() + " for real data.");
        }
        Instant started = Instant.now();
        String runId = RUN_ID.format(started) + "-" + UUID.randomUUID().toString().substring(0, 8);
        RunContext ctx = new RunContext(runId, started, cfg, spark, new Lakehouse(spark, cfg), progress);
        String quarterLabel = req.quarter().map(Quarter::label).orElse("all");
        RunLog log = new RunLog(ctx, quarterLabel, req.inputRoot());
        progress.report("run", "run " + runId + " of " + quarterLabel + " from " + req.inputRoot() + " into " + cfg.lakeRoot());
        RunLock lock = RunLock.acquire(spark.sparkContext().hadoopConfiguration(), cfg.lakeRoot(), runId, started, progress);
        IngestStage.Outcome ingest = null;
        Map<String, Long> versions = new LinkedHashMap<>();
        List<Check> checks = new ArrayList<>();
        try {
            log.started();
            Publication.repair(ctx);
            ingest = IngestStage.run(ctx, req.inputRoot(), pseudonymizer);
            checks.addAll(DataQuality.ingest(ingest.counts(), cfg));
            if (!ingest.overThreshold().isEmpty()) {
                throw new UserError("too much bad input, nothing published to silver or gold: "
                        + String.join("; ", ingest.overThreshold())
                        + ". See the quarantine table for run " + runId
                        + ", fix the input or raise valueledger.quarantine.thresholds.<source>");
            }
            List<Quarter> quarters = req.quarter().map(List::of).orElseGet(() -> coveredQuarters(ctx));
            log = new RunLog(ctx, quarters.stream().map(Quarter::label).collect(Collectors.joining(",")), req.inputRoot());
            Map<TableSpec, Long> written = new LinkedHashMap<>(ingest.silverVersions());
            GoldStage.Result gold = GoldStage.run(ctx, quarters, ingest.silverRows());
            written.putAll(gold.versions());
            written.forEach((spec, v) -> versions.put(Publication.key(spec), v));
            checks.addAll(gold.checks());
            List<Check> failed = checks.stream().filter(Check::failed).toList();
            if (!failed.isEmpty()) {
                throw new UserError("blocking data-quality checks failed: " + failed.stream()
                        .map(c -> c.checkName() + " on " + c.tableName() + " (" + c.details() + ")").collect(Collectors.joining("; ")));
            }
            versions.putAll(Restatements.record(ctx, quarters));
            recordChecks(ctx, checks, versions);
            // The success row is the moment of publication; the views follow it (Publication.repair
            // finishes the job if this process dies in between).
            log.finished("success", ingest.inputFingerprint(), versions, ingest.rowsRead(), ingest.rowsQuarantined(), "");
            Publication.publish(ctx, written);
            progress.report("run", "run " + runId + " succeeded");
            return new Result(runId, quarters, ingest, versions);
        } catch (RuntimeException e) {
            if (!checks.isEmpty() && !versions.containsKey(DataQuality.SPEC.name())) {
                recordChecks(ctx, checks, versions);
            }
            log.finished("failed", ingest == null ? null : ingest.inputFingerprint(), versions,
                    ingest == null ? null : ingest.rowsRead(), ingest == null ? null : ingest.rowsQuarantined(),
                    String.valueOf(e.getMessage()));
            throw e;
        } finally {
            lock.release();
        }
    }

    private static void recordChecks(RunContext ctx, List<Check> checks, Map<String, Long> versions) {
        versions.put(DataQuality.SPEC.name(), ctx.lake().append(DataQuality.SPEC, DataQuality.toRows(ctx.spark(), checks), ctx.runId()));
    }

    /**
     * Every quarter from the first to the last month with team costs: the period the company
     * reports on (cost is the one input every figure of value is set against), so {@code --all}
     * never reports a quarter that has history but no books.
     */
    static List<Quarter> coveredQuarters(RunContext ctx) {
        Row span = ctx.lake().read(IngestTables.silver(Source.TEAM_COSTS)).agg(min(col("month")), max(col("month"))).head();
        if (span.isNullAt(0)) {
            throw new UserError("team_costs holds no usable row, so no quarter is covered; pass --quarter YYYY-Qn");
        }
        int fiscal = ctx.cfg().fiscalYearStartMonth();
        LocalDate first = LocalDate.parse(span.getString(0) + "-01");
        LocalDate last = LocalDate.parse(span.getString(1) + "-01");
        List<Quarter> out = new ArrayList<>();
        for (Quarter q = Quarter.containing(first, fiscal); !q.start().isAfter(last); q = q.next()) {
            out.add(q);
        }
        return out;
    }
}

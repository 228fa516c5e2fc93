package dev.valueledger.pipeline;

import dev.valueledger.UserError;
import dev.valueledger.ingest.IngestTables;
import dev.valueledger.ingest.Pseudonymizer;
import dev.valueledger.ingest.RawReader;
import dev.valueledger.ingest.RecordValidator;
import dev.valueledger.ingest.Source;
import dev.valueledger.ingest.SourceFiles;
import dev.valueledger.ingest.SourceValidation;
import dev.valueledger.ingest.TextFileCheck;
import dev.valueledger.publish.FileSizing;
import dev.valueledger.publish.ParallelWrites;
import dev.valueledger.publish.TableSpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.lit;

/**
 * Bronze, quarantine and silver for every source (CONTRACT §1, §1.3): reads what arrived, keeps it
 * in bronze, quarantines what cannot be used, and publishes silver only when every source stays
 * within its quarantine threshold; otherwise the run stops before silver and gold are touched.
 */
public final class IngestStage {

    /**
     * Per-source counts, the input fingerprint, the sources over their threshold (empty when fine)
     * and the silver versions written (none when a source was over its threshold).
     */
    public record Outcome(Map<Source, SourceValidation.Counts> counts, String inputFingerprint, List<String> overThreshold,
                          Map<TableSpec, Long> silverVersions) {
        public long rowsRead() {
            return counts.values().stream().mapToLong(SourceValidation.Counts::read).sum();
        }

        public long rowsQuarantined() {
            return counts.values().stream().mapToLong(SourceValidation.Counts::quarantined).sum();
        }

        /** Rows each source's silver table received (its kept records); sources absent from the input are not listed. */
        public Map<Source, Long> silverRows() {
            Map<Source, Long> rows = new EnumMap<>(Source.class);
            counts.forEach((s, c) -> rows.put(s, c.kept()));
            return rows;
        }
    }

    private IngestStage() { }

    public static Outcome run(RunContext ctx, String inputRoot, Pseudonymizer pseudonymizer) {
        SourceFiles files = new SourceFiles(inputRoot, ctx.spark().sparkContext().hadoopConfiguration());
        files.checkRoot();
        Map<Source, SourceFiles.Located> located = new EnumMap<>(Source.class);
        for (Source s : Source.values()) {
            Optional<SourceFiles.Located> l = files.locate(s);
            if (l.isEmpty() && s.required()) {
                throw new UserError("required source " + s.sourceName() + " is missing from " + inputRoot + ": add "
                        + s.sourceName() + ".csv, .jsonl, .json or .parquet (optionally .gz), or a folder " + s.sourceName() + "/");
            }
            l.ifPresent(x -> located.put(s, x));
        }
        Configuration hadoop = ctx.spark().sparkContext().hadoopConfiguration();
        located.values().forEach(l -> TextFileCheck.requireUtf8(l, hadoop));

        RawReader reader = new RawReader(ctx.spark());
        Timestamp ingestedAt = Timestamp.from(ctx.startedAt());
        Map<Source, Supplier<Long>> bronze = new LinkedHashMap<>();
        for (SourceFiles.Located l : located.values()) {
            Dataset<Row> raw = reader.read(l)
                    .withColumn("_run_id", lit(ctx.runId()))
                    .withColumn("_ingested_at", lit(ingestedAt));
            bronze.put(l.source(), () -> {
                try {
                    return ctx.lake().overwrite(IngestTables.bronze(l.source()), raw, ctx.runId());
                } catch (Exception e) {
                    // A truncated gzip file surfaces deep in a Spark task as an EOFException that names no
                    // file; it cannot be quarantined record by record, so the run stops here, before
                    // silver and gold, naming the file to export again.
                    Optional<UserError> broken = TextFileCheck.brokenCompression(l, hadoop);
                    if (broken.isPresent()) {
                        throw broken.get();
                    }
                    throw e;
                }
            });
        }
        Map<Source, Long> bronzeVersions = ParallelWrites.run(ctx.cfg().parallelWrites(), bronze);
        int partitions = ctx.spark().sessionState().conf().numShufflePartitions();
        ctx.progress().report("bronze", located.size() + " sources kept as received under " + ctx.lake().root() + "/bronze");

        // fx_rates first: the other sources' currency checks need to know which currencies have rates.
        Map<Source, SourceValidation> validations = new EnumMap<>(Source.class);
        Map<String, String> firstRateMonth = new TreeMap<>();
        if (located.containsKey(Source.FX_RATES)) {
            SourceValidation fx = validate(ctx, Source.FX_RATES, bronzeVersions.get(Source.FX_RATES), partitions, Map.of());
            validations.put(Source.FX_RATES, fx);
            for (Row r : fx.silver(pseudonymizer).groupBy("currency").agg(min("month")).collectAsList()) {
                firstRateMonth.put(r.getString(0), r.getString(1));
            }
        }
        for (Source s : located.keySet()) {
            if (s != Source.FX_RATES) {
                validations.put(s, validate(ctx, s, bronzeVersions.get(s), partitions, firstRateMonth));
            }
        }

        Map<Source, SourceValidation.Counts> counts = new EnumMap<>(Source.class);
        List<String> over = new ArrayList<>();
        Dataset<Row> quarantine = null;
        for (SourceValidation v : validations.values()) {
            SourceValidation.Counts c = v.counts();
            counts.put(v.source(), c);
            double threshold = ctx.cfg().quarantine().thresholdFor(v.source().sourceName());
            ctx.progress().report("ingest", String.format(Locale.ROOT, "%-22s %,10d read %,8d quarantined (%.2f%%) %,6d duplicates collapsed",
                    v.source().sourceName(), c.read(), c.quarantined(), 100 * c.quarantinedShare(), c.collapsed()));
            if (c.quarantinedShare() > threshold) {
                over.add(String.format(Locale.ROOT, "%s: %.1f%% of %,d records quarantined (threshold %.1f%%; main reasons %s)",
                        v.source().sourceName(), 100 * c.quarantinedShare(), c.read(), 100 * threshold, c.byReason()));
            }
            Dataset<Row> q = v.quarantine(ctx.startedAt());
            quarantine = quarantine == null ? q : quarantine.unionByName(q);
        }
        if (quarantine != null) {
            // One file per run in the usual case, not one per source and shuffle partition.
            long quarantined = counts.values().stream().mapToLong(SourceValidation.Counts::quarantined).sum();
            ctx.lake().append(IngestTables.QUARANTINE, FileSizing.forRows(quarantine, quarantined, partitions), ctx.runId());
        }

        Map<TableSpec, Long> silverVersions = new LinkedHashMap<>();
        if (over.isEmpty()) {
            Map<TableSpec, Supplier<Long>> writes = new LinkedHashMap<>();
            for (Source s : Source.values()) {
                SourceValidation v = validations.get(s);
                Dataset<Row> silver = v != null ? FileSizing.forRows(v.silver(pseudonymizer), counts.get(s).kept(), partitions) : empty(ctx, s);
                writes.put(IngestTables.silver(s), () -> ctx.lake().overwrite(IngestTables.silver(s), silver, ctx.runId()));
            }
            silverVersions.putAll(ParallelWrites.run(ctx.cfg().parallelWrites(), writes));
            ctx.progress().report("silver", "typed, deduplicated, pseudonymised tables in " + ctx.cfg().catalog().silverSchema());
        }
        validations.values().forEach(SourceValidation::release);
        return new Outcome(counts, fingerprint(located), List.copyOf(over), silverVersions);
    }

    /**
     * Validates one source's bronze records: in one partition when its bronze commit recorded at
     * most {@link FileSizing#ROWS_PER_FILE} rows, else in the session's shuffle partitions (configured, or set by spark-submit).
     */
    private static SourceValidation validate(RunContext ctx, Source s, long bronzeVersion, int configured,
                                             Map<String, String> firstRateMonth) {
        TableSpec spec = IngestTables.bronze(s);
        int partitions = ctx.lake().rowsWritten(spec, bronzeVersion).stream()
                .mapToObj(rows -> FileSizing.partitions(rows, configured)).findFirst().orElse(configured);
        return SourceValidation.of(ctx.lake().read(spec), s,
                new RecordValidator.Context(ctx.cfg().reportingCurrency(), firstRateMonth, ctx.startedAt()), partitions);
    }

    private static Dataset<Row> empty(RunContext ctx, Source s) {
        Dataset<Row> e = ctx.spark().createDataFrame(List.<Row>of(), s.silverSchema());
        return e.withColumn(RawReader.SOURCE_FILE, lit(null).cast("string"));
    }

    /** SHA-256 over every input file's name, size and modification time: equal inputs, equal fingerprint. */
    private static String fingerprint(Map<Source, SourceFiles.Located> located) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (SourceFiles.Located l : located.values()) {
                md.update((l.source().sourceName() + "=" + l.fingerprint() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

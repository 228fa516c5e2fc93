package dev.valueledger.cli;

import dev.valueledger.config.AppConfig;
import dev.valueledger.generate.CompanyCache;
import dev.valueledger.generate.CompanyGenerator;
import dev.valueledger.generate.GenerationSummary;
import dev.valueledger.generate.GeneratorOptions;
import dev.valueledger.ingest.IngestTables;
import dev.valueledger.pipeline.Pipeline;
import dev.valueledger.pipeline.Progress;
import dev.valueledger.publish.Sql;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

/** {@code valueledger demo} (CONTRACT §4): a generated company, every quarter run, and a summary of what was written. */
final class Demo {

    private Demo() { }

    static int run(AppConfig cfg, String inputDir, GeneratorOptions options, PrintStream out, PrintStream err) {
        Progress progress = new Progress(err);
        if (CompanyCache.holds(Path.of(inputDir), options)) {
            progress.report("generate", "reusing the company in " + inputDir + " (same scale, seed and bad rate)");
        } else {
            progress.report("generate", "writing a company at scale " + options.scale() + " into " + inputDir);
            GenerationSummary s = CompanyGenerator.generate(inputDir, options);
            progress.report("generate", describe(s).replace('\n', ' '));
        }
        SparkSession spark = Main.spark(cfg);
        Pipeline.Result r = Pipeline.run(spark, cfg, new Pipeline.Request(inputDir, Optional.empty(), true), progress);

        out.println();
        out.println("Value Ledger demo: run " + r.runId() + " covered " + r.quarters().size() + " quarters ("
                + r.quarters().get(0) + " to " + r.quarters().get(r.quarters().size() - 1) + ")");
        out.println("  input     " + inputDir + "  (planted truth in " + inputDir + "/_truth.json)");
        out.println("  lakehouse " + cfg.lakeRoot() + "  (bronze/, silver/, gold/; catalog schema " + cfg.catalog().schema() + ")");
        out.println();
        out.println("Curated tables (rows):");
        String schema = cfg.catalog().schema();
        for (Row t : spark.sql("SHOW TABLES IN " + Sql.identifier(schema)).orderBy("tableName").collectAsList()) {
            String name = t.getAs("tableName");
            long n = spark.table(Sql.qualified(schema, name)).count();
            out.printf(Locale.ROOT, "  %-28s %,12d%n", name, n);
        }
        out.println();
        out.println("Quarantined records of this run, by source and reason:");
        List<Row> q = spark.table(Sql.qualified(schema, IngestTables.QUARANTINE.name()))
                .filter(col("run_id").equalTo(r.runId()))
                .groupBy("source", "reason_code").agg(count(lit(1)).as("n")).orderBy("source", "reason_code").collectAsList();
        if (q.isEmpty()) {
            out.println("  none");
        }
        for (Row row : q) {
            out.printf(Locale.ROOT, "  %-24s %-22s %,8d%n", row.getString(0), row.getString(1), row.getLong(2));
        }
        out.println();
        out.println("Query them, for example:");
        out.println("  bin/valueledger sql \"SELECT * FROM team_dora_quarter ORDER BY team_id, quarter\" --lake " + cfg.lakeRoot());
        out.println("  bin/valueledger sql \"SELECT epic_key, outcome, estimate, ci_low, ci_high, verdict FROM epic_impact WHERE quarter = '"
                + r.quarters().get(r.quarters().size() - 1) + "'\" --lake " + cfg.lakeRoot());
        out.println("  bin/valueledger sql \"SELECT source, reason, raw FROM quarantine LIMIT 20\" --format csv --lake " + cfg.lakeRoot());
        return 0;
    }

    static String describe(GenerationSummary s) {
        long rows = s.rowsPerSource().values().stream().mapToLong(Long::longValue).sum();
        long bad = s.badPerSourceAndKind().values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
        return String.format(Locale.ROOT, "wrote %,d records in %d sources to %s in %.1f s (%,d of them bad on purpose; see _truth.json)",
                rows, s.rowsPerSource().size(), s.outUri(), s.elapsed().toMillis() / 1000.0, bad);
    }
}

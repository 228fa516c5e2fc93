package dev.valueledger.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.valueledger.SparkTestBase;
import dev.valueledger.config.AppConfig;
import dev.valueledger.generate.CompanyGenerator;
import dev.valueledger.generate.GeneratorOptions;
import dev.valueledger.ingest.IngestTables;
import dev.valueledger.ingest.Source;
import dev.valueledger.ingest.SourceValidation;
import dev.valueledger.publish.Lakehouse;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The whole pipeline on a small generated company with bad input mixed in: nothing is lost, every
 * unparseable, mistyped or incomplete record the generator planted is quarantined for that reason, no clear personal identifier
 * reaches silver or gold, every curated table is filled, the analyst notebooks answer, a rerun of a
 * closed quarter leaves the same rows and restates nothing, and a late invoice line restates exactly
 * the figures it changed.
 */
class GeneratedCompanyTest extends SparkTestBase {

    private static final List<String> CONTRACT_TABLES = List.of("dim_team", "dim_epic", "epic_delivery",
            "team_flow_quarter", "team_dora_quarter", "mrr_movements_monthly", "feature_adoption_weekly", "epic_impact",
            "epic_impact_event_study", "epic_outcome_scorecard", "epic_cost_monthly", "epic_roi", "team_value_quarter",
            "okr_progress", "revenue_reconciliation", "quarantine", "data_quality_results", "pipeline_runs");

    @TempDir
    Path tmp;

    @Test
    void aGeneratedCompanyRunsEndToEndWithoutLosingARecord() throws Exception {
        String input = tmp.resolve("in").toString();
        CompanyGenerator.generate(input, new GeneratorOptions(0.02, 7, 0.02));
        AppConfig cfg = TEST_CONFIG.with(Map.of("valueledger.lake.root", tmp.resolve("lake").toString(),
                "valueledger.attribution.bootstrap-samples", "99", "valueledger.attribution.min-accounts", "3"));
        Pipeline.Result r = Pipeline.run(spark(), cfg, new Pipeline.Request(input, Optional.empty(), true), Progress.silent());
        Lakehouse lake = new Lakehouse(spark(), cfg);
        JsonNode truth = new ObjectMapper().readTree(tmp.resolve("in").resolve("_truth.json").toFile());

        assertEquals(List.of("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"), r.quarters().stream().map(Quarter::label).toList());
        for (Map.Entry<Source, SourceValidation.Counts> e : r.ingest().counts().entrySet()) {
            String source = e.getKey().sourceName();
            SourceValidation.Counts c = e.getValue();
            JsonNode bad = truth.path("bad_records").path(source);
            long silver = lake.read(IngestTables.silver(e.getKey())).count();
            assertEquals(truth.path("rows").path(source).asLong(), c.read(), source + ": every record written was read");
            assertEquals(c.read(), silver + c.quarantined() + c.collapsed(), source + ": nothing lost");
            // Records planted unparseable, with a wrong type or a missing required value are quarantined
            // for exactly that reason. (Planted duplicates and out-of-domain values are not compared one
            // for one: a "conflicting" copy whose typed content is equal collapses as an exact one.)
            for (String kind : List.of("unparseable", "wrong_type", "missing_required")) {
                assertEquals(bad.path(kind).asLong(), c.byReason().getOrDefault(kind, 0L).longValue(),
                        source + ": planted " + kind + " " + bad + ", quarantined by reason " + c.byReason());
            }
        }

        // Files follow the rows (issue 7): each source of this small company is one silver file, and the
        // run's quarantine one file, not one per source and shuffle partition.
        for (Source s : r.ingest().counts().keySet()) {
            assertEquals(1L, numFiles(lake, IngestTables.silver(s)), s.sourceName() + ": silver files");
        }
        assertEquals(1L, numFiles(lake, IngestTables.QUARANTINE), "quarantine files after one run");

        for (String t : CONTRACT_TABLES) {
            assertEquals(true, spark().table("value_ledger." + t).count() > 0, t + " has rows");
        }
        assertEquals(0, spark().table("value_ledger.data_quality_results").filter(col("status").equalTo("fail")).count());

        // No clear personal identifier (the generator's are e-mail addresses) in any silver or gold string column.
        for (Row t : spark().sql("SHOW TABLES IN value_ledger_silver").union(spark().sql("SHOW TABLES IN value_ledger")).collectAsList()) {
            if (t.getString(1).equals("quarantine")) {
                continue; // holds raw records by design, like bronze
            }
            // Other tests share this JVM's catalog; scan only the tables of this test's lakehouse.
            CatalogTable meta = spark().sessionState().catalog().getTableMetadata(
                    new TableIdentifier(t.getString(1), scala.Option.apply(t.getString(0))));
            // A history table has a location; a published table is a view over a path.
            String where = meta.storage().locationUri().isDefined() ? meta.location().toString()
                    : meta.viewText().isDefined() ? meta.viewText().get() : "";
            if (!where.contains(tmp.toUri().getPath())) {
                continue;
            }
            Dataset<Row> df = spark().table(t.getString(0) + "." + t.getString(1));
            Column anyEmail = lit(false);
            for (StructField f : df.schema().fields()) {
                if (f.dataType().equals(DataTypes.StringType)) {
                    anyEmail = anyEmail.or(col("`" + f.name() + "`").rlike("[A-Za-z0-9._-]+@[A-Za-z0-9.-]+\\.example"));
                }
            }
            assertEquals(0, df.filter(anyEmail).count(), t.getString(1) + " holds a clear e-mail address");
        }

        // Every analyst notebook runs against the published tables and answers with rows.
        try (java.util.stream.Stream<Path> notebooks = java.nio.file.Files.list(Path.of("..", "notebooks"))) {
            List<Path> queries = notebooks.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
            assertEquals(6, queries.size(), "notebooks found: " + queries);
            for (Path q : queries) {
                assertEquals(true, spark().sql(java.nio.file.Files.readString(q)).count() > 0, q + " answers with rows");
            }
        }

        // Close 2025-Q4; a rerun on the same inputs leaves that quarter's rows as they were and restates nothing.
        QuarterClose.close(spark(), cfg, Quarter.parse("2025-Q4", 1), Progress.silent());
        List<Row> before = quarterRows(lake, "2025-Q4");
        Pipeline.Result same = Pipeline.run(spark(), cfg, new Pipeline.Request(input, Optional.of(Quarter.parse("2025-Q4", 1)), true),
                Progress.silent());
        List<Row> after = quarterRows(lake, "2025-Q4");
        assertEquals(before, after);
        assertEquals(0, lake.read(Restatements.SPEC).filter(col("restated_by_run_id").equalTo(same.runId())).count());

        // A late invoice line for November 2025 arrives: the next run of the closed quarter is a restatement
        // showing the November MRR figures it changed, closed value against current value.
        String account = appendLateInvoiceLine(tmp.resolve("in").resolve("invoice_lines.csv.gz"));
        Pipeline.Result late = Pipeline.run(spark(), cfg, new Pipeline.Request(input, Optional.of(Quarter.parse("2025-Q4", 1)), true),
                Progress.silent());
        Dataset<Row> restated = lake.read(Restatements.SPEC).filter(col("restated_by_run_id").equalTo(late.runId()));
        Dataset<Row> accountRow = restated.filter(col("table_name").equalTo("mrr_movements_account")
                .and(col("key").contains(account)).and(col("key").contains("2025-11")));
        assertEquals(true, accountRow.count() > 0, "the late line restates " + account + "'s November movements: "
                + restated.select("table_name", "key", "column_name").collectAsList());
        assertEquals(true, restated.filter(col("table_name").equalTo("mrr_movements_monthly").and(col("key").contains("2025-11"))).count() > 0);
        assertEquals(0, restated.filter(col("closed_value").eqNullSafe(col("current_value"))).count(), "only changed figures are listed");
    }

    private long numFiles(Lakehouse lake, TableSpec spec) {
        return spark().sql("DESCRIBE DETAIL delta.`" + lake.path(spec) + "`").head().<Long>getAs("numFiles");
    }

    /**
     * Adds a 250.00 subscription line for November 2025 to the first account of the file (a late
     * invoice line, in that account's currency); returns the account.
     */
    private static String appendLateInvoiceLine(Path gz) throws java.io.IOException {
        List<String> lines;
        try (java.io.InputStream in = new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(gz))) {
            lines = new ArrayList<>(List.of(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")));
        }
        // The first well-formed paid subscription line (the generator plants bad records among them).
        String[] first = lines.stream()
                .filter(l -> l.matches("INV-[^,]+,\\d+,ACC-\\d+,subscription,paid,[A-Z]{3},\\d+\\.\\d+,\\d{4}-\\d{2}-01,\\d{4}-\\d{2}-01"))
                .findFirst().orElseThrow().split(",");
        String account = first[2];
        lines.add("INV-LATE-202511," + "1," + account + ",subscription,paid," + first[5] + ",250.00,2025-11-01,2025-12-01");
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(java.nio.file.Files.newOutputStream(gz))) {
            out.write((String.join("\n", lines) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return account;
    }

    /** Every quarter-partitioned gold row of a quarter, run_id left out, in a stable order. */
    private List<Row> quarterRows(Lakehouse lake, String quarter) {
        List<Row> rows = new ArrayList<>();
        for (TableSpec spec : List.of(dev.valueledger.delivery.FlowMetrics.SPEC, dev.valueledger.delivery.DoraMetrics.SPEC,
                dev.valueledger.revenue.MrrMovements.MONTHLY, dev.valueledger.impact.EpicImpact.EPIC_IMPACT,
                dev.valueledger.finance.EpicRoi.TABLE, dev.valueledger.finance.RevenueReconciliation.TABLE)) {
            Dataset<Row> df = lake.read(spec).filter(col("quarter").equalTo(quarter)).drop("run_id");
            rows.add(org.apache.spark.sql.RowFactory.create(spec.name(), df.count()));
            rows.addAll(df.orderBy(df.columns()[0], java.util.Arrays.copyOfRange(df.columns(), 1, df.columns().length)).collectAsList());
        }
        return rows;
    }
}

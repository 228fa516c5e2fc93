package dev.valueledger.ingest;

import dev.valueledger.SparkTestBase;
import dev.valueledger.UserError;
import dev.valueledger.config.AppConfig;
import dev.valueledger.pipeline.IngestStage;
import dev.valueledger.pipeline.Progress;
import dev.valueledger.pipeline.RunContext;
import dev.valueledger.publish.Lakehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bad-input corpus (CONTRACT §1, §1.3): small hand-written files, one per kind of bad input,
 * read through the ingest path `run` uses (SourceFiles, TextFileCheck, RawReader,
 * SourceValidation; IngestStage itself where the kind is about the whole input). Every case checks
 * that nothing is lost: each record written is in silver, in a quarantined record's raw text, or
 * counted as a collapsed copy, and read = silver + quarantined + collapsed.
 *
 * <pre>
 * kind                                              what happens
 * ------------------------------------------------  ---------------------------------------------------------------
 * CSV line with the wrong number of fields          quarantined, unparseable, raw = the line
 * CSV quote opened mid-record, never closed         the lines after it are one record: quarantined, unparseable,
 *                                                   raw = all those lines; read counts them as one record
 * CSV quote opened in the last field, never closed  same (was: the record went to silver with the following
 *                                                   records inside its last field, those records lost)
 * JSON line that is not JSON                        quarantined, unparseable, raw = the line
 * required value missing (or column absent)         quarantined, missing_required, reason names the column
 * wrong type                                        quarantined, wrong_type
 * negative subscription amount, positive credit,    quarantined, out_of_domain
 *   currency without rate, resolved before created,
 *   event after the run started
 * same key, different content                       every version quarantined, conflicting_duplicate
 * same key, same content                            collapsed to one, the copy counted (collapsed)
 * truncated .csv.gz / .jsonl.gz                     run stops before silver and gold: UserError naming the file,
 *                                                   "truncated or corrupt", export it again
 * UTF-8 with byte-order mark (CSV, JSON)            read as UTF-8; the mark is not part of the first column name
 * Latin-1 bytes (invalid UTF-8)                     that record quarantined, unparseable, "not UTF-8"; others to silver
 * UTF-16 (with or without byte-order mark)          run stops before anything is written: UserError naming the file
 *                                                   and UTF-8
 * header-only CSV, 0-byte file (.gz too), blanks    zero records, no error; silver empty with its full schema
 * required source missing                           UserError naming the source and the files expected, nothing written
 * optional source missing                           empty silver table with its full schema
 * required column absent from the CSV header        every record quarantined, missing_required naming the column
 * unknown extra column                              tolerated: kept in bronze's _raw, not in silver
 * </pre>
 */
class BadInputCorpusTest extends SparkTestBase {

    private static final Instant RUN = Instant.parse("2026-01-15T00:00:00Z");
    // USD has rates from January 2025 on; any other currency but EUR has none.
    private static final RecordValidator.Context CTX = new RecordValidator.Context("EUR", Map.of("USD", "2025-01"), RUN);

    private static final String TEAMS_HEADER = "team_id,name,product_id,product_name\n";
    private static final String LINE = "{\"invoice_id\":\"INV-%s\",\"line_id\":\"1\",\"account_id\":\"a1\",\"kind\":\"%s\",\"status\":\"paid\","
            + "\"currency\":\"%s\",\"amount\":\"%s\",\"period_start\":\"2025-01-01\",\"period_end\":\"2025-02-01\"}";
    private static final String ITEM = "{\"item_key\":\"%s\",\"type\":\"Story\",\"team_id\":\"t1\",\"status\":\"Done\","
            + "\"created_at\":\"2025-03-02T10:00:00Z\",\"resolved_at\":\"%s\"}";
    private static final String EVENT = "{\"event_id\":\"%s\",\"timestamp\":\"%s\",\"account_id\":\"a1\",\"user_id\":\"u1\",\"event\":\"login\"}";
    private static final String TEAM = "{\"team_id\":\"%s\",\"name\":\"%s\",\"product_id\":\"p1\",\"product_name\":\"Pay\"}";

    @TempDir
    Path tmp;

    /** What one source's file became. */
    private record Ingested(SourceValidation.Counts counts, List<Row> quarantine, List<String> silverKeys, Dataset<Row> silver) { }

    /** The ingest path of `run` for one source file, without the Delta round trip of bronze. */
    private Ingested ingest(Source s, String fileName, byte[] content) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("in-" + System.nanoTime()));
        Files.write(root.resolve(fileName), content);
        SourceFiles.Located l = new SourceFiles(root.toString(), spark().sparkContext().hadoopConfiguration()).locate(s).orElseThrow();
        TextFileCheck.requireUtf8(l, spark().sparkContext().hadoopConfiguration());
        SourceValidation v = SourceValidation.of(new RawReader(spark()).read(l), s, CTX, 2);
        Dataset<Row> silver = v.silver(Pseudonymizer.withKey("corpus-test-key"));
        String key = s.key().get(0);
        List<String> keys = silver.select(key).collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
        return new Ingested(v.counts(), v.quarantine(RUN).collectAsList(), keys, silver);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * One record-level kind: the file, the raw text of each record that must be quarantined (exact),
     * its reason code, the keys that must reach silver, the copies collapsed, and every key written
     * (each must be found in silver or inside a quarantined raw text: nothing lost).
     */
    record Case(String kind, Source source, String file, String text, List<String> quarantinedRaw, String reasonCode,
                List<String> silverKeys, long collapsed, List<String> written) {
        @Override
        public String toString() {
            return kind;
        }
    }

    static Stream<Case> recordKinds() {
        String t1 = "T-1,Payments,p1,Pay\n";
        String teamT1 = String.format(TEAM, "T-1", "Payments");
        String good = String.format(LINE, "1", "subscription", "EUR", "100.00");
        return Stream.of(
                new Case("csv: wrong number of fields", Source.TEAMS, "teams.csv",
                        TEAMS_HEADER + t1 + "T-2,Growth,p2\nT-3,Core,p3,Core\n",
                        List.of("T-2,Growth,p2"), "unparseable", List.of("T-1", "T-3"), 0, List.of("T-1", "T-2", "T-3")),
                // The quote opens T-2's name and nothing closes it: T-3's line is read into the same
                // record (RFC 4180 fields may span lines), which has too few fields.
                new Case("csv: quote opened mid-record, never closed", Source.TEAMS, "teams.csv",
                        TEAMS_HEADER + t1 + "T-2,\"Growth,p2,Gro\nT-3,Core,p3,Core\n",
                        List.of("T-2,\"Growth,p2,Gro\nT-3,Core,p3,Core"), "unparseable", List.of("T-1"), 0, List.of("T-1", "T-2", "T-3")),
                // The quote opens T-2's last field: the record has all its fields, T-3 hides in the
                // last one. The file's odd number of quotes gives it away.
                new Case("csv: quote opened in the last field, never closed", Source.TEAMS, "teams.csv",
                        TEAMS_HEADER + t1 + "T-2,Growth,p2,\"Gro\nT-3,Core,p3,Core\n",
                        List.of("{\"team_id\":\"T-2\",\"name\":\"Growth\",\"product_id\":\"p2\",\"product_name\":\"Gro\\nT-3,Core,p3,Core\\n\"}"),
                        "unparseable", List.of("T-1"), 0, List.of("T-1", "T-2", "T-3")),
                new Case("json: a line that is not JSON", Source.TEAMS, "teams.jsonl",
                        teamT1 + "\n{\"team_id\":\"T-2\",\"name\":\"Growth\", product_id\n",
                        List.of("{\"team_id\":\"T-2\",\"name\":\"Growth\", product_id"), "unparseable", List.of("T-1"), 0, List.of("T-1", "T-2")),
                new Case("missing required value", Source.TEAMS, "teams.jsonl",
                        teamT1 + "\n{\"team_id\":\"T-2\",\"name\":\"Growth\",\"product_name\":\"Gro\"}\n",
                        List.of("{\"team_id\":\"T-2\",\"name\":\"Growth\",\"product_name\":\"Gro\"}"), "missing_required", List.of("T-1"), 0,
                        List.of("T-1", "T-2")),
                new Case("wrong type", Source.INVOICE_LINES, "invoice_lines.jsonl",
                        good + "\n" + String.format(LINE, "2", "subscription", "EUR", "12,50") + "\n",
                        List.of(String.format(LINE, "2", "subscription", "EUR", "12,50")), "wrong_type", List.of("INV-1"), 0,
                        List.of("INV-1", "INV-2")),
                new Case("out of domain: negative subscription amount", Source.INVOICE_LINES, "invoice_lines.jsonl",
                        good + "\n" + String.format(LINE, "2", "subscription", "EUR", "-5.00") + "\n",
                        List.of(String.format(LINE, "2", "subscription", "EUR", "-5.00")), "out_of_domain", List.of("INV-1"), 0,
                        List.of("INV-1", "INV-2")),
                new Case("out of domain: credit line with a positive amount", Source.INVOICE_LINES, "invoice_lines.jsonl",
                        good + "\n" + String.format(LINE, "2", "credit", "EUR", "10.00") + "\n",
                        List.of(String.format(LINE, "2", "credit", "EUR", "10.00")), "out_of_domain", List.of("INV-1"), 0,
                        List.of("INV-1", "INV-2")),
                new Case("out of domain: currency without a rate", Source.INVOICE_LINES, "invoice_lines.jsonl",
                        good + "\n" + String.format(LINE, "2", "subscription", "XYZ", "10.00") + "\n"
                                + String.format(LINE, "3", "subscription", "USD", "10.00") + "\n",
                        List.of(String.format(LINE, "2", "subscription", "XYZ", "10.00")), "out_of_domain", List.of("INV-1", "INV-3"), 0,
                        List.of("INV-1", "INV-2", "INV-3")),
                new Case("out of domain: resolved before created", Source.WORK_ITEMS, "work_items.jsonl",
                        String.format(ITEM, "PAY-1", "2025-03-03T10:00:00Z") + "\n" + String.format(ITEM, "PAY-2", "2025-03-01T10:00:00Z") + "\n",
                        List.of(String.format(ITEM, "PAY-2", "2025-03-01T10:00:00Z")), "out_of_domain", List.of("PAY-1"), 0,
                        List.of("PAY-1", "PAY-2")),
                // The run started 2026-01-15T00:00Z; one second later is the future.
                new Case("out of domain: event after the run started", Source.PRODUCT_EVENTS, "product_events.jsonl",
                        String.format(EVENT, "ev-1", "2026-01-14T23:59:59Z") + "\n" + String.format(EVENT, "ev-2", "2026-01-15T00:00:01Z") + "\n",
                        List.of(String.format(EVENT, "ev-2", "2026-01-15T00:00:01Z")), "out_of_domain", List.of("ev-1"), 0,
                        List.of("ev-1", "ev-2")),
                new Case("duplicate key, different content", Source.TEAMS, "teams.jsonl",
                        teamT1 + "\n" + String.format(TEAM, "T-2", "Growth") + "\n" + String.format(TEAM, "T-2", "Growth web") + "\n",
                        List.of(String.format(TEAM, "T-2", "Growth"), String.format(TEAM, "T-2", "Growth web")), "conflicting_duplicate",
                        List.of("T-1"), 0, List.of("T-1", "T-2")),
                // Three records read: T-1, T-2 and its copy; the copy collapses, nothing is quarantined.
                new Case("duplicate key, same content", Source.TEAMS, "teams.jsonl",
                        teamT1 + "\n" + String.format(TEAM, "T-2", "Growth") + "\n" + String.format(TEAM, "T-2", "Growth") + "\n",
                        List.of(), null, List.of("T-1", "T-2"), 1, List.of("T-1", "T-2")),
                new Case("required column absent from the CSV header", Source.TEAMS, "teams.csv",
                        "team_id,name,product_name\nT-1,Payments,Pay\n",
                        List.of("{\"team_id\":\"T-1\",\"name\":\"Payments\",\"product_name\":\"Pay\"}"), "missing_required", List.of(), 0,
                        List.of("T-1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordKinds")
    void recordLevelKindIsQuarantinedAndNothingIsLost(Case c) throws Exception {
        Ingested r = ingest(c.source(), c.file(), utf8(c.text()));

        assertEquals(c.quarantinedRaw().stream().sorted().toList(),
                r.quarantine().stream().map(q -> q.<String>getAs("raw")).sorted().toList(), "quarantined raw text");
        for (Row q : r.quarantine()) {
            assertEquals(c.source().sourceName(), q.getAs("source"));
            assertEquals(c.reasonCode(), q.getAs("reason_code"), q.<String>getAs("reason"));
            assertTrue(q.<String>getAs("source_file").endsWith("/" + c.file()), q.<String>getAs("source_file"));
        }
        assertEquals(c.silverKeys(), r.silverKeys(), "keys in silver");
        assertEquals(c.collapsed(), r.counts().collapsed());
        assertNothingLost(r, c.written());
    }

    /** Every key written is in silver or inside a quarantined raw text; read = silver + quarantined + collapsed. */
    private void assertNothingLost(Ingested r, List<String> written) {
        assertEquals(r.counts().read(), r.silverKeys().size() + r.counts().quarantined() + r.counts().collapsed(),
                "read = silver + quarantined + collapsed");
        assertEquals(r.quarantine().size(), r.counts().quarantined());
        for (String key : written) {
            boolean found = r.silverKeys().contains(key)
                    || r.quarantine().stream().anyMatch(q -> q.<String>getAs("raw").contains(key));
            assertTrue(found, key + " is neither in silver nor in the quarantine");
        }
    }

    @Test
    void missingRequiredColumnReasonNamesTheColumn() throws Exception {
        Ingested r = ingest(Source.TEAMS, "teams.csv", utf8("team_id,name,product_name\nT-1,Payments,Pay\n"));
        assertEquals("missing_required: required column 'product_id' is empty or missing; supply it", r.quarantine().get(0).getAs("reason"));
    }

    @Test
    void unknownExtraColumnIsKeptInRawAndIgnored() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("extra"));
        Files.writeString(root.resolve("teams.csv"), "team_id,name,product_id,product_name,cost_center\nT-1,Payments,p1,Pay,CC-9\n");
        SourceFiles.Located l = new SourceFiles(root.toString(), spark().sparkContext().hadoopConfiguration()).locate(Source.TEAMS).orElseThrow();
        Dataset<Row> bronze = new RawReader(spark()).read(l);
        assertEquals("{\"team_id\":\"T-1\",\"name\":\"Payments\",\"product_id\":\"p1\",\"product_name\":\"Pay\",\"cost_center\":\"CC-9\"}",
                bronze.head().getAs(RawReader.RAW));
        Ingested r = ingest(Source.TEAMS, "teams.csv", utf8("team_id,name,product_id,product_name,cost_center\nT-1,Payments,p1,Pay,CC-9\n"));
        assertEquals(List.of("T-1"), r.silverKeys());
        assertFalse(Arrays.asList(r.silver().columns()).contains("cost_center"));
    }

    // ---- encodings -------------------------------------------------------------------------

    @Test
    void utf8ByteOrderMarkIsToleratedInCsvAndJson() throws Exception {
        Ingested csv = ingest(Source.TEAMS, "teams.csv", utf8("\uFEFF" + TEAMS_HEADER + "T-1,Payments,p1,Pay\n"));
        // Were the mark part of the first column's name, team_id would be absent and T-1 quarantined.
        assertEquals(List.of("T-1"), csv.silverKeys());
        assertEquals(0, csv.counts().quarantined());
        Ingested json = ingest(Source.TEAMS, "teams.jsonl", utf8("\uFEFF" + String.format(TEAM, "T-1", "Payments") + "\n"));
        assertEquals(List.of("T-1"), json.silverKeys());
        assertEquals(0, json.counts().quarantined());
    }

    @Test
    void latin1BytesQuarantineTheirRecordAsNotUtf8() throws Exception {
        byte[] latin1 = (TEAMS_HEADER + "T-1,Payments,p1,Pay\nT-2,Zürich Café,p2,Zü\n").getBytes(StandardCharsets.ISO_8859_1);
        Ingested r = ingest(Source.TEAMS, "teams.csv", latin1);
        assertEquals(List.of("T-1"), r.silverKeys());
        Row q = r.quarantine().get(0);
        assertEquals("unparseable", q.getAs("reason_code"));
        assertTrue(q.<String>getAs("reason").contains("not UTF-8"), q.<String>getAs("reason"));
        // The raw text keeps the record, its undecodable bytes as U+FFFD.
        assertEquals("{\"team_id\":\"T-2\",\"name\":\"Z\uFFFDrich Caf\uFFFD\",\"product_id\":\"p2\",\"product_name\":\"Z\uFFFD\"}", q.getAs("raw"));
        assertNothingLost(r, List.of("T-1", "T-2"));
    }

    @Test
    void utf16IsRefusedNamingTheFileAndTheEncoding() throws Exception {
        String text = TEAMS_HEADER + "T-1,Payments,p1,Pay\n";
        // Java's UTF_16 writes big-endian with a byte-order mark; UTF_16LE writes neither mark nor BE.
        for (byte[] bytes : List.of(text.getBytes(StandardCharsets.UTF_16), text.getBytes(StandardCharsets.UTF_16LE))) {
            UserError e = assertThrows(UserError.class, () -> ingest(Source.TEAMS, "teams.csv", bytes));
            assertTrue(e.getMessage().contains("teams.csv of source teams is not UTF-8 text"), e.getMessage());
            assertTrue(e.getMessage().contains("export it again as UTF-8"), e.getMessage());
        }
    }

    // ---- empty files -----------------------------------------------------------------------

    @Test
    void headerOnlyAndEmptyFilesGiveZeroRecordsAndAnEmptyTypedSilver() throws Exception {
        StructType expected = Source.INVOICE_LINES.silverSchema().add(RawReader.SOURCE_FILE, DataTypes.StringType, true);
        List<Map.Entry<String, byte[]>> files = List.of(
                Map.entry("invoice_lines.csv", utf8(String.join(",", Source.INVOICE_LINES.columnNames()) + "\n")),
                Map.entry("invoice_lines.csv", new byte[0]),
                Map.entry("invoice_lines.jsonl", new byte[0]),
                Map.entry("invoice_lines.jsonl", utf8("\n  \n")),
                Map.entry("invoice_lines.csv.gz", gzip(String.join(",", Source.INVOICE_LINES.columnNames()) + "\n")),
                Map.entry("invoice_lines.jsonl.gz", gzip("")),
                Map.entry("invoice_lines.jsonl.gz", new byte[0]));
        for (Map.Entry<String, byte[]> f : files) {
            Ingested r = ingest(Source.INVOICE_LINES, f.getKey(), f.getValue());
            assertEquals(new SourceValidation.Counts(0, 0, 0, Map.of()), r.counts(), f.getKey());
            assertEquals(0, r.silver().count());
            assertEquals(columnsAndTypes(expected), columnsAndTypes(r.silver().schema()), f.getKey());
        }
    }

    private static List<String> columnsAndTypes(StructType t) {
        return Arrays.stream(t.fields()).map(f -> f.name() + " " + f.dataType().simpleString()).toList();
    }

    // ---- whole input: IngestStage ----------------------------------------------------------

    /** Every required source as a header-only CSV: valid input of zero records. */
    private Path headerOnlyInput() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("input"));
        for (Source s : Source.values()) {
            if (s.required()) {
                Files.writeString(in.resolve(s.sourceName() + ".csv"), String.join(",", s.columnNames()) + "\n");
            }
        }
        return in;
    }

    private RunContext runContext() {
        AppConfig cfg = TEST_CONFIG.with(Map.of("valueledger.lake.root", tmp.resolve("lake").toString()));
        return new RunContext("corpus-run", RUN, cfg, spark(), new Lakehouse(spark(), cfg), Progress.silent());
    }

    @Test
    void headerOnlyInputAndAbsentOptionalSourcesGiveEmptySilverTablesWithTheirSchema() throws Exception {
        RunContext ctx = runContext();
        IngestStage.Outcome o = IngestStage.run(ctx, headerOnlyInput().toString(), Pseudonymizer.withKey("corpus-test-key"));
        assertEquals(0, o.rowsRead());
        assertTrue(o.overThreshold().isEmpty());
        for (Source s : Source.values()) {
            Dataset<Row> silver = ctx.lake().read(IngestTables.silver(s));
            assertEquals(0, silver.count(), s.sourceName());
            StructType expected = s.silverSchema().add(RawReader.SOURCE_FILE, DataTypes.StringType, true);
            assertEquals(withoutComments(expected), withoutComments(silver.schema()), s.sourceName() + (s.required() ? " (header only)" : " (absent)"));
        }
    }

    private static StructType withoutComments(StructType t) {
        return DataTypes.createStructType(Arrays.stream(t.fields())
                .map(f -> DataTypes.createStructField(f.name(), f.dataType(), f.nullable())).toArray(org.apache.spark.sql.types.StructField[]::new));
    }

    @Test
    void missingRequiredSourceStopsBeforeAnythingIsWritten() throws Exception {
        Path in = headerOnlyInput();
        Files.delete(in.resolve("team_costs.csv"));
        RunContext ctx = runContext();
        UserError e = assertThrows(UserError.class, () -> IngestStage.run(ctx, in.toString(), Pseudonymizer.withKey("corpus-test-key")));
        assertEquals("required source team_costs is missing from " + in + ": add team_costs.csv, .jsonl, .json or .parquet"
                + " (optionally .gz), or a folder team_costs/", e.getMessage());
        assertFalse(Files.exists(tmp.resolve("lake")), "nothing written");
    }

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(utf8(text));
        }
        return b.toByteArray();
    }

    /** Thousands of distinct records, so that half the compressed file holds more than the first 4 KB of text. */
    private static String manyTeams(boolean json) {
        StringBuilder sb = new StringBuilder(json ? "" : TEAMS_HEADER);
        for (int i = 0; i < 5000; i++) {
            sb.append(json ? String.format(TEAM, "T-" + i, "Team " + i * 7919) : "T-" + i + ",Team " + i * 7919 + ",p1,Pay").append('\n');
        }
        return sb.toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("truncatedFiles")
    void truncatedGzipStopsTheRunBeforeSilverNamingTheFile(String file, byte[] truncated) throws Exception {
        Path in = headerOnlyInput();
        Files.delete(in.resolve("teams.csv"));
        Files.write(in.resolve(file), truncated);
        RunContext ctx = runContext();
        UserError e = assertThrows(UserError.class, () -> IngestStage.run(ctx, in.toString(), Pseudonymizer.withKey("corpus-test-key")));
        assertTrue(e.getMessage().startsWith("file ") && e.getMessage().contains("/" + file + " of source teams is truncated or corrupt"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Export or copy the file again"), e.getMessage());
        for (Source s : Source.values()) {
            assertFalse(ctx.lake().exists(IngestTables.silver(s)), "silver untouched: " + s.sourceName());
        }
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> truncatedFiles() throws Exception {
        byte[] csv = gzip(manyTeams(false));
        byte[] json = gzip(manyTeams(true));
        return Stream.of(
                // Cut after the first 4 KB of text: Spark meets the end of the stream mid-job.
                org.junit.jupiter.params.provider.Arguments.of("teams.csv.gz", Arrays.copyOf(csv, csv.length / 2)),
                org.junit.jupiter.params.provider.Arguments.of("teams.jsonl.gz", Arrays.copyOf(json, json.length / 2)),
                // Cut inside the gzip header: the encoding check already cannot read it.
                org.junit.jupiter.params.provider.Arguments.of("teams.csv.gz", Arrays.copyOf(csv, 12)));
    }
}

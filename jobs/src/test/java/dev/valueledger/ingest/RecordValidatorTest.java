package dev.valueledger.ingest;

import dev.valueledger.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One fixture per kind of bad input in CONTRACT §1.3, each asserting the reason a person reads. */
class RecordValidatorTest extends SparkTestBase {

    private static final Instant RUN = Instant.parse("2026-01-15T00:00:00Z");
    private static final RecordValidator.Context CTX = new RecordValidator.Context("EUR", Map.of("USD", "2025-01"), RUN);

    private static Map<String, String> invoiceLine() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("invoice_id", "inv-1");
        m.put("line_id", "1");
        m.put("account_id", "a1");
        m.put("kind", "subscription");
        m.put("status", "paid");
        m.put("currency", "USD");
        m.put("amount", "120.00");
        m.put("period_start", "2025-01-01");
        m.put("period_end", "2025-02-01");
        return m;
    }

    /** Bronze-shaped rows: every contract column as text, plus raw text, file and malformed flag. */
    private Dataset<Row> bronze(Source s, List<Map<String, String>> records, boolean malformed) {
        List<StructField> fields = new ArrayList<>();
        for (String c : s.columnNames()) {
            fields.add(DataTypes.createStructField(c, DataTypes.StringType, true));
        }
        fields.add(DataTypes.createStructField(RawReader.RAW, DataTypes.StringType, true));
        fields.add(DataTypes.createStructField(RawReader.SOURCE_FILE, DataTypes.StringType, true));
        fields.add(DataTypes.createStructField(RawReader.MALFORMED, DataTypes.BooleanType, true));
        List<Row> rows = new ArrayList<>();
        for (Map<String, String> r : records) {
            List<Object> v = new ArrayList<>();
            for (String c : s.columnNames()) {
                v.add(r.get(c));
            }
            v.add(r.toString());
            v.add("file:/in/" + s.sourceName() + ".csv");
            v.add(malformed);
            rows.add(RowFactory.create(v.toArray()));
        }
        return spark().createDataFrame(rows, new StructType(fields.toArray(new StructField[0])));
    }

    private SourceValidation check(Source s, Map<String, String>... records) {
        return SourceValidation.of(bronze(s, List.of(records), false), s, CTX, 2);
    }

    private static Map<String, String> with(Map<String, String> base, String k, String v) {
        Map<String, String> m = new LinkedHashMap<>(base);
        m.put(k, v);
        return m;
    }

    private String onlyReason(SourceValidation v) {
        List<Row> q = v.quarantine(RUN).collectAsList();
        assertEquals(1, q.size(), "exactly one record quarantined");
        return q.get(0).getAs("reason");
    }

    @Test
    void aValidLineGoesToSilverTyped() {
        SourceValidation v = check(Source.INVOICE_LINES, invoiceLine());
        Row r = v.silver(Pseudonymizer.withKey("k")).head();
        assertEquals(new BigDecimal("120.0000"), r.getAs("amount"));
        assertEquals(java.sql.Date.valueOf("2025-01-01"), r.getAs("period_start"));
        assertEquals(0, v.counts().quarantined());
    }

    @Test
    void unparseableRecord() {
        SourceValidation v = SourceValidation.of(bronze(Source.INVOICE_LINES, List.of(invoiceLine()), true), Source.INVOICE_LINES, CTX, 2);
        assertTrue(onlyReason(v).startsWith("unparseable: the record could not be parsed"), onlyReason(v));
    }

    @Test
    void missingRequiredColumn() {
        String reason = onlyReason(check(Source.INVOICE_LINES, with(invoiceLine(), "account_id", " ")));
        assertEquals("missing_required: required column 'account_id' is empty or missing; supply it", reason);
    }

    @Test
    void wrongType() {
        String reason = onlyReason(check(Source.INVOICE_LINES, with(invoiceLine(), "amount", "abc")));
        assertTrue(reason.startsWith("wrong_type: column 'amount' value 'abc' is not a decimal number"), reason);
        String ts = onlyReason(check(Source.WORK_ITEMS, Map.of("item_key", "PAY-1", "type", "Story", "team_id", "t1",
                "status", "Done", "created_at", "yesterday")));
        assertTrue(ts.startsWith("wrong_type: column 'created_at' value 'yesterday' is not an ISO-8601 timestamp"), ts);
    }

    @Test
    void negativeAmountOnASubscription() {
        String reason = onlyReason(check(Source.INVOICE_LINES, with(invoiceLine(), "amount", "-5")));
        assertTrue(reason.startsWith("out_of_domain: a subscription line cannot have a negative amount (-5.0000)"), reason);
    }

    @Test
    void creditWithPositiveAmount() {
        Map<String, String> credit = with(with(invoiceLine(), "kind", "credit"), "amount", "10");
        assertTrue(onlyReason(check(Source.INVOICE_LINES, credit)).startsWith("out_of_domain: a credit line must carry a negative amount"));
    }

    @Test
    void unknownCurrencyWithNoRate() {
        String reason = onlyReason(check(Source.INVOICE_LINES, with(invoiceLine(), "currency", "XYZ")));
        assertEquals("out_of_domain: currency 'XYZ' has no rate to the reporting currency EUR for 2025-01 or any earlier month;"
                + " add its monthly rates to fx_rates", reason);
        // USD has rates, but only from January 2025: a December 2024 line cannot be converted.
        String early = onlyReason(check(Source.INVOICE_LINES, with(with(invoiceLine(), "period_start", "2024-12-01"), "period_end", "2025-01-01")));
        assertTrue(early.contains("currency 'USD' has no rate to the reporting currency EUR for 2024-12"), early);
    }

    @Test
    void resolvedBeforeCreated() {
        String reason = onlyReason(check(Source.WORK_ITEMS, Map.of("item_key", "PAY-1", "type", "Story", "team_id", "t1",
                "status", "Done", "created_at", "2025-03-02T10:00:00Z", "resolved_at", "2025-03-01T10:00:00+02:00")));
        assertEquals("out_of_domain: resolved_at (2025-03-01 08:00:00) is before created_at (2025-03-02 10:00:00)", reason);
    }

    @Test
    void eventInTheFutureOfTheRun() {
        String reason = onlyReason(check(Source.PRODUCT_EVENTS, Map.of("event_id", "e1", "timestamp", "2030-01-01T00:00:00Z",
                "account_id", "a1", "event", "page_view")));
        assertTrue(reason.startsWith("out_of_domain: event timestamp 2030-01-01 00:00:00 is after the run started"), reason);
    }

    @Test
    void duplicateKeyWithDifferentContentQuarantinesEveryVersion() {
        SourceValidation v = check(Source.INVOICE_LINES, invoiceLine(), with(invoiceLine(), "amount", "130.00"), invoiceLine());
        SourceValidation.Counts c = v.counts();
        // Three arrived; the two identical copies collapse to one, which still conflicts with the 130.00 version.
        assertEquals(3, c.read());
        assertEquals(1, c.collapsed());
        assertEquals(2, c.quarantined());
        assertEquals(Map.of("conflicting_duplicate", 2L), c.byReason());
        assertEquals(0, v.silver(Pseudonymizer.withKey("k")).count());
    }

    @Test
    void exactDuplicatesCollapseAndAreCounted() {
        SourceValidation v = check(Source.INVOICE_LINES, invoiceLine(), invoiceLine(), invoiceLine());
        assertEquals(2, v.counts().collapsed());
        assertEquals(1, v.silver(Pseudonymizer.withKey("k")).count());
    }

    @Test
    void copiesWithEmptyOptionalFieldsInTwoFilesAreOneVersion() {
        // No epic_key, no resolved_at, no labels: the empty fields compare equal, and the second
        // file's copy collapses into the first rather than counting as a second version.
        Map<String, String> item = Map.of("item_key", "A-1", "type", "Story", "team_id", "t1", "status", "Done",
                "created_at", "2025-01-01T00:00:00Z");
        Dataset<Row> twoFiles = bronze(Source.WORK_ITEMS, List.of(item), false)
                .unionByName(bronze(Source.WORK_ITEMS, List.of(item), false)
                        .withColumn(RawReader.SOURCE_FILE, org.apache.spark.sql.functions.lit("file:/in/work_items/part-2.csv")));
        SourceValidation v = SourceValidation.of(twoFiles, Source.WORK_ITEMS, CTX, 2);
        SourceValidation.Counts c = v.counts();
        assertEquals(2, c.read());
        assertEquals(1, c.collapsed());
        assertEquals(0, c.quarantined());
        // the copy kept is the first by file name
        assertEquals(List.of("file:/in/work_items.csv"),
                v.silver(Pseudonymizer.withKey("k")).select(col(RawReader.SOURCE_FILE)).as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    }

    @Test
    void onlyRecordsBoundForTheQuarantineKeepTheirRawTextWhileHeld() {
        // A good line, an extra copy of it, and a bad line: the held records keep the raw text of
        // the bad one only, and the quarantine still gets it whole.
        Map<String, String> bad = with(with(invoiceLine(), "line_id", "2"), "amount", "abc");
        SourceValidation v = check(Source.INVOICE_LINES, invoiceLine(), invoiceLine(), bad);
        List<Row> held = v.held().select(col("line_id"), col(Duplicates.COPY), col(RawReader.RAW))
                .orderBy(col("line_id"), col(Duplicates.COPY)).collectAsList();
        assertEquals(3, held.size());
        assertTrue(held.get(0).isNullAt(2), "the kept good line holds no raw text");
        assertTrue(held.get(1).isNullAt(2), "the extra copy holds no raw text");
        assertEquals(bad.toString(), held.get(2).getString(2));
        assertEquals(List.of(bad.toString()),
                v.quarantine(RUN).select(col("raw")).as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    }

    @Test
    void arraysFromJsonOrSemicolonLists() {
        SourceValidation v = check(Source.WORK_ITEMS,
                Map.of("item_key", "A-1", "type", "Story", "team_id", "t1", "status", "Done",
                        "created_at", "2025-01-01T00:00:00Z", "labels", "tech-debt; security"),
                Map.of("item_key", "A-2", "type", "Story", "team_id", "t1", "status", "Done",
                        "created_at", "2025-01-01T00:00:00Z", "labels", "[\"x\",\"y\"]"));
        List<Row> rows = v.silver(Pseudonymizer.withKey("k")).orderBy("item_key").select(col("labels")).collectAsList();
        assertEquals(List.of("tech-debt", "security"), rows.get(0).getList(0));
        assertEquals(List.of("x", "y"), rows.get(1).getList(0));
    }
}

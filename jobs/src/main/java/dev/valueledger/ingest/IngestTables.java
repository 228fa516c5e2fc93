package dev.valueledger.ingest;

import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.types.StructField;

/**
 * Table definitions of the as-received (bronze) and conformed (silver) layers, one per source, and
 * the quarantine (CONTRACT §1.3, §3), with the comments that let a reader trace each column.
 */
public final class IngestTables {

    public static final TableSpec QUARANTINE = TableSpec.gold("quarantine",
                    "Every input record that could not be used, with its source, raw text and the reason (CONTRACT §1.3). Append-only: one set of rows per run.")
            .column("run_id", "Run that found the record (pipeline_runs.run_id)")
            .column("source", "Input source the record came from (CONTRACT §1 source name, e.g. invoice_lines)")
            .column("raw", "The record exactly as received: the line for unparseable records, else its fields as JSON")
            .column("reason", "Why the record was held back and what to fix; several reasons are separated by '; '")
            .column("reason_code", "Kind of the first reason: unparseable, missing_required, wrong_type, out_of_domain, conflicting_duplicate")
            .column("source_file", "File the record was read from")
            .column("detected_at", "When the run started (UTC)")
            .live()
            .build();

    private IngestTables() { }

    public static TableSpec bronze(Source s) {
        TableSpec.Builder b = TableSpec.of(TableSpec.Layer.BRONZE, s.sourceName(),
                "Source " + s.sourceName() + " as received, untyped, with lineage (CONTRACT §1). Replaced by every run.");
        for (String c : s.columnNames()) {
            b.column(c, "Raw text of " + s.sourceName() + "." + c + " as received (CONTRACT §1)");
        }
        return b.column(RawReader.RAW, "The whole record as received (the line, or its fields as JSON), unknown columns included")
                .column(RawReader.SOURCE_FILE, "File the record was read from")
                .column(RawReader.MALFORMED, "True when the record could not be parsed at all")
                .column("_run_id", "Run that ingested the record (pipeline_runs.run_id)")
                .column("_ingested_at", "When the run started (UTC)")
                .key(s.key().toArray(new String[0]))
                .build();
    }

    public static TableSpec silver(Source s) {
        TableSpec.Builder b = TableSpec.of(TableSpec.Layer.SILVER, s.sourceName(),
                "Source " + s.sourceName() + " typed, UTC, deduplicated, pseudonymised; quarantined records removed (CONTRACT §1, §1.3).");
        for (StructField f : s.silverSchema().fields()) {
            String comment = s.personalColumns().contains(f.name())
                    ? "HMAC-SHA256 (hex) of " + s.sourceName() + "." + f.name() + " under the key in VALUELEDGER_HASH_KEY; never the clear value (CONTRACT §1)"
                    : s.sourceName() + "." + f.name() + " (CONTRACT §1) as " + f.dataType().simpleString()
                    + (f.dataType().simpleString().equals("timestamp") ? ", normalised to UTC" : "");
            b.column(f.name(), comment);
        }
        return b.column(RawReader.SOURCE_FILE, "File the record was read from (lineage back to bronze)")
                .key(s.key().toArray(new String[0]))
                .build();
    }
}

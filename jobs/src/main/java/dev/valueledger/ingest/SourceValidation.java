package dev.valueledger.ingest;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.when;

/**
 * Splits one source's bronze records into silver rows and quarantine rows (CONTRACT §1.3):
 * types and checks every record, collapses exact duplicates, quarantines conflicting ones, and
 * pseudonymises personal columns of what goes to silver.
 */
public final class SourceValidation {

    /** What became of a source's records. {@code byReason} counts quarantined records by reason code. */
    public record Counts(long read, long quarantined, long collapsed, Map<String, Long> byReason) {
        public double quarantinedShare() {
            return read == 0 ? 0.0 : (double) quarantined / read;
        }

        /** Records that go to silver: neither quarantined nor an extra copy. */
        public long kept() {
            return read - quarantined - collapsed;
        }
    }

    private final Source source;
    private final Dataset<Row> checked;

    private SourceValidation(Source source, Dataset<Row> checked) {
        this.source = source;
        this.checked = checked;
    }

    /**
     * Checks the records, shuffled by key into {@code partitions} partitions; the result is
     * persisted because counts, quarantine and silver all read it.
     */
    public static SourceValidation of(Dataset<Row> bronze, Source source, RecordValidator.Context ctx, int partitions) {
        Dataset<Row> validated = new RecordValidator(source, ctx).validate(bronze);
        // Only the quarantine reads the raw text, so only records bound for it keep theirs in the
        // held copy: the raw text is most of a record's bytes, and so most of what building the
        // cache copied and what the cache held (ingest and silver at scale 4: about 20 s a run).
        Dataset<Row> resolved = Duplicates.resolve(validated, source, partitions)
                .withColumn("_reason_code", when(size(col(RecordValidator.REASONS)).gt(0),
                        substring_index(element_at(col(RecordValidator.REASONS), 1), ":", 1)))
                .withColumn(RawReader.RAW, when(quarantined(), col(RawReader.RAW)));
        return new SourceValidation(source, resolved.persist(StorageLevel.MEMORY_AND_DISK()));
    }

    /** A record that goes to the quarantine: not an extra copy, and with at least one reason. */
    private static Column quarantined() {
        return not(col(Duplicates.COPY)).and(size(col(RecordValidator.REASONS)).gt(0));
    }

    /** A record that goes to silver: not an extra copy, and with no reason against it. */
    private static Column kept() {
        return not(col(Duplicates.COPY)).and(size(col(RecordValidator.REASONS)).equalTo(0));
    }

    /** The records as held for counts, quarantine and silver; for tests of what the run keeps in memory. */
    Dataset<Row> held() {
        return checked;
    }

    public Source source() {
        return source;
    }

    /** One small aggregation over the checked records. */
    public Counts counts() {
        List<Row> rows = checked.groupBy(col(Duplicates.COPY), col("_reason_code")).agg(count(lit(1)).as("n")).collectAsList();
        long read = 0;
        long quarantined = 0;
        long collapsed = 0;
        Map<String, Long> byReason = new TreeMap<>();
        for (Row r : rows) {
            long n = r.getLong(2);
            read += n;
            if (r.getBoolean(0)) {
                collapsed += n;
            } else if (!r.isNullAt(1)) {
                quarantined += n;
                byReason.merge(r.getString(1), n, Long::sum);
            }
        }
        return new Counts(read, quarantined, collapsed, byReason);
    }

    /** Rows for the quarantine table (without run_id, which the writer adds). */
    public Dataset<Row> quarantine(Instant detectedAt) {
        return checked.filter(quarantined())
                .select(lit(source.sourceName()).as("source"),
                        col(RawReader.RAW).as("raw"),
                        array_join(col(RecordValidator.REASONS), "; ").as("reason"),
                        col("_reason_code").as("reason_code"),
                        col(RawReader.SOURCE_FILE).as("source_file"),
                        lit(Timestamp.from(detectedAt)).as("detected_at"));
    }

    /** The usable records, typed, personal columns replaced by their keyed hash. */
    public Dataset<Row> silver(Pseudonymizer pseudonymizer) {
        List<Column> cols = new ArrayList<>();
        for (String c : source.columnNames()) {
            Column v = col(c);
            if (source.personalColumns().contains(c)) {
                v = pseudonymizer.hash(v);
            }
            cols.add(v.as(c));
        }
        cols.add(col(RawReader.SOURCE_FILE));
        return checked.filter(kept())
                .select(cols.toArray(new Column[0]));
    }

    public void release() {
        checked.unpersist();
    }
}

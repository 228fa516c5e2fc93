package dev.valueledger.ingest;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.dense_rank;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

/**
 * Duplicate keys (CONTRACT §1.3): copies with the same key and the same typed content collapse
 * to one ({@code _copy} marks the extra ones, which are counted, not kept); a key that arrives
 * with different contents has every version quarantined, since no one can say which is right.
 */
public final class Duplicates {

    public static final String COPY = "_copy";

    private Duplicates() { }

    /**
     * Marks copies and quarantines conflicting versions; the records are shuffled by key into
     * {@code partitions} partitions (the windows below reuse that partitioning), which is also how
     * many files the source's silver table gets at most.
     */
    public static Dataset<Row> resolve(Dataset<Row> validated, Source source, int partitions) {
        Column[] key = source.key().stream().map(c -> col(c)).toArray(Column[]::new);
        Column keyed = not(col(RawReader.MALFORMED));
        for (Column k : key) {
            keyed = keyed.and(k.isNotNull());
        }
        // The typed content itself, compared exactly: no hash that two different records could share,
        // and no text rendering of every record (timestamps formatted per row were a tenth of ingest).
        // Compared column by column rather than as one struct: a struct column would be a second copy
        // of every record in the shuffle below (a third of ingest's shuffle bytes).
        List<Column> content = source.columnNames().stream().map(c -> col(c)).toList();
        // One shuffle by key and one sort serve both questions: within a key, equal contents are
        // adjacent (the first by file and raw text is kept), and their dense rank counts the versions.
        // (Columns compare null-safely, so two copies with the same empty fields are equal.)
        List<Column> contentThenOrigin = new ArrayList<>(content);
        contentThenOrigin.add(col(RawReader.SOURCE_FILE));
        contentThenOrigin.add(col(RawReader.RAW));
        WindowSpec byKeyAndContent = Window.partitionBy(key).orderBy(contentThenOrigin.toArray(new Column[0]));
        WindowSpec byContent = Window.partitionBy(key).orderBy(content.toArray(new Column[0]));
        WindowSpec byKey = Window.partitionBy(key);
        Column sameAsPrevious = lag(lit(true), 1).over(byKeyAndContent).isNotNull();
        for (Column c : content) {
            sameAsPrevious = sameAsPrevious.and(lag(c, 1).over(byKeyAndContent).eqNullSafe(c));
        }
        String keyText = String.join(", ", source.key());
        Column conflict = Reason.CONFLICTING_DUPLICATE.when(lit(true),
                "the key (" + keyText + ") arrives more than once with different contents; every version is held back"
                        + " until the source sends one");
        return validated.repartition(partitions, key)
                .withColumn("_keyed", keyed)
                .withColumn("_same_as_previous", sameAsPrevious)
                .withColumn("_version", dense_rank().over(byContent))
                .withColumn("_versions", max(col("_version")).over(byKey))
                .withColumn(COPY, col("_keyed").and(col("_same_as_previous")))
                .withColumn(RecordValidator.REASONS, when(col("_keyed").and(col("_versions").gt(1)),
                        concat(col(RecordValidator.REASONS), array(conflict))).otherwise(col(RecordValidator.REASONS)))
                .drop("_keyed", "_same_as_previous", "_version", "_versions");
    }
}

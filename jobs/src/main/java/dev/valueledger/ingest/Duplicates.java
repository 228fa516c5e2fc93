package dev.valueledger.ingest;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.dense_rank;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

/**
 * Duplicate keys (CONTRACT §1.3): copies with the same key and the same typed content collapse
 * to one ({@code _copy} marks the extra ones, which are counted, not kept); a key that arrives
 * with different contents has every version quarantined, since no one can say which is right.
 */
public final class Duplicates {

    public static final String COPY = "_copy";

    private Duplicates() { }

    public static Dataset<Row> resolve(Dataset<Row> validated, Source source) {
        Column[] key = source.key().stream().map(c -> col(c)).toArray(Column[]::new);
        Column keyed = not(col(RawReader.MALFORMED));
        for (Column k : key) {
            keyed = keyed.and(k.isNotNull());
        }
        // The typed content itself, compared exactly: no hash that two different records could share,
        // and no text rendering of every record (timestamps formatted per row were a tenth of ingest).
        Column content = struct(source.columnNames().stream().map(c -> col(c)).toArray(Column[]::new));
        // One shuffle by key and one sort serve both questions: within a key, equal contents are
        // adjacent (the first by file and raw text is kept), and their dense rank counts the versions.
        // (Struct fields compare null-safely, so two copies with the same empty fields are equal.)
        WindowSpec byKeyAndContent = Window.partitionBy(key).orderBy(col("_content"), col(RawReader.SOURCE_FILE), col(RawReader.RAW));
        WindowSpec byContent = Window.partitionBy(key).orderBy(col("_content"));
        WindowSpec byKey = Window.partitionBy(key);
        String keyText = String.join(", ", source.key());
        Column conflict = Reason.CONFLICTING_DUPLICATE.when(lit(true),
                "the key (" + keyText + ") arrives more than once with different contents; every version is held back"
                        + " until the source sends one");
        return validated
                .withColumn("_keyed", keyed)
                .withColumn("_content", content)
                .withColumn("_same_as_previous", coalesce(lag(col("_content"), 1).over(byKeyAndContent).equalTo(col("_content")), lit(false)))
                .withColumn("_version", dense_rank().over(byContent))
                .withColumn("_versions", max(col("_version")).over(byKey))
                .withColumn(COPY, col("_keyed").and(col("_same_as_previous")))
                .withColumn(RecordValidator.REASONS, when(col("_keyed").and(col("_versions").gt(1)),
                        concat(col(RecordValidator.REASONS), array(conflict))).otherwise(col(RecordValidator.REASONS)))
                .drop("_keyed", "_content", "_same_as_previous", "_version", "_versions");
    }
}

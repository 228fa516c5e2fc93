package dev.valueledger.ingest;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
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
        Column content = sha2(to_json(struct(source.columnNames().stream().map(c -> col(c)).toArray(Column[]::new))), 256);
        WindowSpec sameKeyAndContent = Window.partitionBy(concatKey(key, col("_content"))).orderBy(col(RawReader.SOURCE_FILE), col(RawReader.RAW));
        WindowSpec sameKey = Window.partitionBy(key);
        Column versions = size(collect_set(col("_content")).over(sameKey));
        String keyText = String.join(", ", source.key());
        Column conflict = Reason.CONFLICTING_DUPLICATE.when(lit(true),
                "the key (" + keyText + ") arrives more than once with different contents; every version is held back"
                        + " until the source sends one");
        return validated
                .withColumn("_keyed", keyed)
                .withColumn("_content", content)
                .withColumn(COPY, when(col("_keyed"), row_number().over(sameKeyAndContent).gt(1)).otherwise(false))
                .withColumn(RecordValidator.REASONS, when(col("_keyed").and(versions.gt(1)),
                        concat(col(RecordValidator.REASONS), array(conflict))).otherwise(col(RecordValidator.REASONS)))
                .drop("_keyed", "_content");
    }

    private static Column[] concatKey(Column[] key, Column extra) {
        Column[] all = java.util.Arrays.copyOf(key, key.length + 1);
        all[key.length] = extra;
        return all;
    }
}

package dev.valueledger.pipeline;

import dev.valueledger.publish.Lakehouse;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

/** The figures of a closed quarter that changed since its close, matched by table key, one row per changed column (issue 6 restatement). */
public final class QuarterDiff {

    /** The comparison's columns, shared by {@code valueledger diff} and the restatements table. */
    public static final StructType SCHEMA = StructType.fromDDL("quarter STRING, table_name STRING, key STRING, "
            + "column_name STRING, closed_value STRING, current_value STRING");

    /** column_name of a row that exists on one side only; its value is the whole row as JSON. */
    public static final String WHOLE_ROW = "*";

    private QuarterDiff() { }

    /**
     * Differences between two versions of one table's rows of one quarter. Values compare as text,
     * so a column whose type changed also shows; {@code run_id} is bookkeeping, never a figure.
     */
    public static Dataset<Row> changes(Dataset<Row> closed, Dataset<Row> current, List<String> key, String quarter, String table) {
        if (key.isEmpty()) {
            throw new IllegalArgumentException(table + " has no key, so its closed and current rows cannot be matched");
        }
        Set<String> values = new LinkedHashSet<>(Arrays.asList(current.columns()));
        values.addAll(Arrays.asList(closed.columns()));
        values.removeAll(key);
        values.remove("run_id");
        List<String> figures = List.copyOf(values);

        Dataset<Row> a = side(closed, key, figures, "c").withColumn("_in_closed", lit(true));
        Dataset<Row> b = side(current, key, figures, "n").withColumn("_in_current", lit(true));
        Column on = null;
        for (int i = 0; i < key.size(); i++) {
            Column eq = a.col("c_k" + i).eqNullSafe(b.col("n_k" + i));
            on = on == null ? eq : on.and(eq);
        }
        Dataset<Row> joined = a.join(b, on, "full_outer");

        Column inClosed = col("_in_closed").isNotNull();
        Column inCurrent = col("_in_current").isNotNull();
        List<Column> keyFields = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            keyFields.add(coalesce(col("c_k" + i), col("n_k" + i)).as(key.get(i)));
        }
        List<Column> candidates = new ArrayList<>();
        candidates.add(when(inClosed.and(not(inCurrent)), change(lit(WHOLE_ROW), wholeRow("c", figures), lit(null))));
        candidates.add(when(inCurrent.and(not(inClosed)), change(lit(WHOLE_ROW), lit(null), wholeRow("n", figures))));
        for (int i = 0; i < figures.size(); i++) {
            Column before = col("c_v" + i);
            Column after = col("n_v" + i);
            candidates.add(when(inClosed.and(inCurrent).and(not(before.eqNullSafe(after))),
                    change(lit(figures.get(i)), before, after)));
        }
        Column changed = filter(array(candidates.toArray(new Column[0])), Column::isNotNull);
        return joined
                .select(to_json(struct(keyFields.toArray(new Column[0]))).as("key"), explode(changed).as("c"))
                .select(lit(quarter).as("quarter"), lit(table).as("table_name"), col("key"),
                        col("c.column_name"), col("c.closed_value"), col("c.current_value"));
    }

    /** Every quarter-sliced table of {@code tables} that the close versioned, compared with its latest version. */
    public static Dataset<Row> sinceClose(Lakehouse lake, QuarterClose.Closed close, List<TableSpec> tables) {
        SparkSession spark = lake.spark();
        Dataset<Row> out = spark.createDataFrame(List.of(), SCHEMA);
        for (TableSpec spec : tables) {
            Optional<Long> version = Optional.ofNullable(close.tableVersions().get(spec.name()));
            // A table born after the close has no closed figures to restate.
            if (version.isEmpty() || !lake.exists(spec)) {
                continue;
            }
            Column ofQuarter = col("quarter").equalTo(close.quarter());
            out = out.unionByName(changes(lake.readVersion(spec, version.get()).filter(ofQuarter),
                    lake.read(spec).filter(ofQuarter), spec.key(), close.quarter(), spec.name()));
        }
        return out;
    }

    /** Key columns as {@code <p>_k<i>}, figures as text {@code <p>_v<i>} (null where this version lacks the column). */
    private static Dataset<Row> side(Dataset<Row> df, List<String> key, List<String> figures, String p) {
        Set<String> present = Set.of(df.columns());
        List<Column> cols = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            cols.add(df.col(key.get(i)).as(p + "_k" + i));
        }
        for (int i = 0; i < figures.size(); i++) {
            Column v = present.contains(figures.get(i)) ? df.col(figures.get(i)).cast("string") : lit(null).cast("string");
            cols.add(v.as(p + "_v" + i));
        }
        return df.select(cols.toArray(new Column[0]));
    }

    private static Column wholeRow(String p, List<String> figures) {
        List<Column> fields = new ArrayList<>();
        for (int i = 0; i < figures.size(); i++) {
            fields.add(col(p + "_v" + i).as(figures.get(i)));
        }
        return fields.isEmpty() ? lit("{}") : to_json(struct(fields.toArray(new Column[0])));
    }

    private static Column change(Column column, Column closedValue, Column currentValue) {
        return struct(column.as("column_name"), closedValue.cast("string").as("closed_value"),
                currentValue.cast("string").as("current_value"));
    }
}

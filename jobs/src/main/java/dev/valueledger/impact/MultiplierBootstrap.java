package dev.valueledger.impact;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

/** Standard errors of aggregates from a seeded unit-level multiplier bootstrap, as R did's mboot (CONTRACT §2 Impact). */
public final class MultiplierBootstrap {

    // Draw b perturbs the estimate by the sum over units of xi(unit, b) * psi(unit), Rademacher
    // weights xi = +-1 from a hash of (seed, unit, b): the same seed gives the same draws on any
    // cluster, and a unit keeps its weight across aggregates (and Epics) within a draw. All draws
    // are one aggregation over an explode of draw numbers. The standard error is R's robust one:
    // the interquartile range of the draws over that of the standard normal.

    /** qnorm(0.75) - qnorm(0.25). */
    static final double NORMAL_IQR = 1.3489795003921634;

    private MultiplierBootstrap() { }

    /**
     * @param unitInfluence the key columns, {@code unit} and {@code psi} (variance = sum psi^2)
     * @param rowKeys       key columns whose values are many (e.g. epic_key)
     * @param columnKeys    key columns with few values in all (e.g. outcome, agg): the aggregates of
     *                      one row key ride as columns of one row per unit and draw, which cuts the
     *                      exploded rows by their number (a unit's weight is the same for all)
     * @return the key columns and {@code std_error}
     */
    public static Dataset<Row> standardErrors(Dataset<Row> unitInfluence, List<String> rowKeys, List<String> columnKeys,
                                              int draws, long seed) {
        List<Row> rowValues = rowKeys.isEmpty() ? List.of(RowFactory.create())
                : unitInfluence.select(Cols.of(rowKeys)).distinct().collectAsList();
        return standardErrors(unitInfluence, rowKeys, rowValues, columnKeys, draws, seed);
    }

    /**
     * As {@link #standardErrors(Dataset, List, List, int, long)} when the caller already knows the
     * row keys' values (an Epic list on the driver), which spares a pass over the influences.
     *
     * @param rowValues every value (tuple of {@code rowKeys}) present in {@code unitInfluence}; values
     *                  not listed drop out
     */
    public static Dataset<Row> standardErrors(Dataset<Row> unitInfluence, List<String> rowKeys, List<Row> rowValues,
                                              List<String> columnKeys, int draws, long seed) {
        return standardErrors(unitInfluence, rowKeys, rowValues, columnKeys, draws, seed, null);
    }

    /**
     * A part of aggregates' draws that is not a sum over the units given (the pooled controls of
     * {@link PooledControls}): added to each draw before the quartiles are taken.
     */
    interface SharedDraws extends Serializable {
        /** Draws 1..B of the part for the aggregate with these row and column key values, or null when it has none. */
        double[] draws(List<Object> rowKey, List<Object> columnKey);
    }

    /**
     * As {@link #standardErrors(Dataset, List, List, List, int, long)}, each aggregate's draws plus
     * {@code shared}'s (none when null).
     */
    static Dataset<Row> standardErrors(Dataset<Row> unitInfluence, List<String> rowKeys, List<Row> rowValues,
                                       List<String> columnKeys, int draws, long seed, SharedDraws shared) {
        SparkSession spark = unitInfluence.sparkSession();
        List<Row> columnValues = unitInfluence.select(Cols.of(columnKeys)).distinct().collectAsList();
        if (columnValues.isEmpty()) {
            // No aggregate to bootstrap (no Epic had an estimable cell yet, e.g. an early quarter).
            StructType none = new StructType();
            for (String k : rowKeys) {
                none = none.add(unitInfluence.schema().apply(k));
            }
            for (String k : columnKeys) {
                none = none.add(unitInfluence.schema().apply(k));
            }
            return spark.createDataFrame(List.of(), none.add("std_error", DataTypes.DoubleType, true));
        }
        Dataset<Row> slotTable = index(spark, unitInfluence, columnKeys, columnValues, "slot");
        List<Object> slots = new ArrayList<>();
        for (int i = 0; i < columnValues.size(); i++) {
            slots.add(i);
        }
        // The draws are summed per row key and draw: an integer row index instead of the key
        // values (strings such as epic_key) makes that aggregation's hashing and key comparisons
        // cheap; it is attached after the pivot, so the units are summed in the same order as before.
        Dataset<Row> rowTable = index(spark, unitInfluence, rowKeys, rowValues, "row");

        List<String> perUnit = new ArrayList<>(rowKeys);
        perUnit.add("unit");
        Dataset<Row> wide = unitInfluence.join(broadcast(slotTable), Cols.seq(columnKeys))
                .groupBy(Cols.of(perUnit)).pivot("slot", slots).agg(sum("psi"));
        Column[] slotColumns = slots.stream().map(i -> col(i.toString())).toArray(Column[]::new);
        Dataset<Row> compact = (rowKeys.isEmpty() ? wide.withColumn("row", lit(0))
                : wide.join(broadcast(rowTable), Cols.seq(rowKeys)))
                .select(Cols.plus(new Column[] {col("row"), col("unit")}, slotColumns));

        Column xi = when(pmod(xxhash64(lit(seed), col("unit").cast("string"), col("draw")), lit(2L)).equalTo(0), lit(1.0))
                .otherwise(lit(-1.0));
        // A sum over units with no influence on a slot stays null, so slots a row key lacks drop out below.
        Column[] deviations = slots.stream().map(i -> sum(col(i.toString()).multiply(xi)).as("d" + i)).toArray(Column[]::new);
        Column[] longForm = slots.stream().map(i -> struct(lit(i).as("slot"), col("d" + i).as("deviation"))).toArray(Column[]::new);
        Dataset<Row> perDraw = compact.withColumn("draw", explode(sequence(lit(1), lit(draws))))
                .groupBy("row", "draw")
                .agg(deviations[0], Arrays.copyOfRange(deviations, 1, deviations.length))
                .select(col("row"), col("draw"), explode(array(longForm)).as("d"))
                .select(col("row"), col("d.slot").as("slot"), col("draw"), col("d.deviation").as("deviation"))
                .filter(col("deviation").isNotNull());
        List<String> out = new ArrayList<>(rowKeys);
        out.addAll(columnKeys);
        if (shared != null) {
            return withShared(perDraw.join(broadcast(rowTable), "row").join(broadcast(slotTable), "slot"),
                    rowKeys, columnKeys, draws, shared);
        }
        Dataset<Row> se = perDraw.groupBy("row", "slot")
                // Both quartiles from one sorted buffer per aggregate.
                .agg(expr("percentile(deviation, array(0.25, 0.75))").as("q"))
                .select(col("row"), col("slot"), element_at(col("q"), 2).minus(element_at(col("q"), 1)).divide(NORMAL_IQR).as("std_error"));
        return se.join(broadcast(rowTable), "row").join(broadcast(slotTable), "slot")
                .select(Cols.plus(Cols.of(out), col("std_error")));
    }

    /** Each aggregate's draws plus the shared part's, and their interquartile range / NORMAL_IQR. */
    private static Dataset<Row> withShared(Dataset<Row> perDraw, List<String> rowKeys, List<String> columnKeys, int draws,
                                           SharedDraws shared) {
        List<String> keys = new ArrayList<>(rowKeys);
        keys.addAll(columnKeys);
        StructType schema = new StructType();
        for (String k : keys) {
            schema = schema.add(perDraw.schema().apply(k));
        }
        schema = schema.add("std_error", DataTypes.DoubleType, true);
        int nRow = rowKeys.size();
        // Shipped to each executor once, not with every task.
        Broadcast<SharedDraws> part = JavaSparkContext.fromSparkContext(perDraw.sparkSession().sparkContext()).broadcast(shared);
        return perDraw.groupBy(Cols.of(keys))
                .agg(collect_list(struct(col("draw"), col("deviation"))).as("ds"))
                .map((MapFunction<Row, Row>) r -> {
                    Object[] v = new Object[keys.size() + 1];
                    for (int i = 0; i < keys.size(); i++) {
                        v[i] = r.get(i);
                    }
                    double[] d = new double[draws];
                    for (Row x : r.<Row>getList(keys.size())) {
                        d[x.getInt(0) - 1] = x.getDouble(1);
                    }
                    double[] more = part.value().draws(Arrays.asList(v).subList(0, nRow), Arrays.asList(v).subList(nRow, keys.size()));
                    if (more != null) {
                        for (int b = 0; b < draws; b++) {
                            d[b] += more[b];
                        }
                    }
                    Arrays.sort(d);
                    v[keys.size()] = (percentile(d, 0.75) - percentile(d, 0.25)) / NORMAL_IQR;
                    return RowFactory.create(v);
                }, Encoders.row(schema));
    }

    /** Spark's percentile of sorted values: linear interpolation between the ranks around p * (n - 1). */
    static double percentile(double[] sorted, double p) {
        double position = (sorted.length - 1) * p;
        int lower = (int) Math.floor(position);
        int higher = (int) Math.ceil(position);
        if (higher == lower || sorted[lower] == sorted[higher]) {
            return sorted[lower];
        }
        return (higher - position) * sorted[lower] + (position - lower) * sorted[higher];
    }

    /** The given values of {@code keys}, numbered 0.. in a column {@code name}: a small table to join back. */
    private static Dataset<Row> index(SparkSession spark, Dataset<Row> source, List<String> keys, List<Row> values, String name) {
        StructType schema = new StructType();
        for (String k : keys) {
            schema = schema.add(source.schema().apply(k));
        }
        schema = schema.add(name, DataTypes.IntegerType, false);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            Object[] v = new Object[keys.size() + 1];
            for (int j = 0; j < keys.size(); j++) {
                v[j] = values.get(i).get(j);
            }
            v[keys.size()] = i;
            rows.add(RowFactory.create(v));
        }
        return spark.createDataFrame(rows, schema);
    }
}

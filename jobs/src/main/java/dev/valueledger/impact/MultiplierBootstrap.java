package dev.valueledger.impact;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
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
import java.util.Iterator;
import java.util.List;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

/** Standard errors of aggregates from a seeded unit-level multiplier bootstrap, as R did's mboot (CONTRACT §2 Impact). */
public final class MultiplierBootstrap {

    // Draw b perturbs the estimate by the sum over units of xi(unit, b) * psi(unit), Rademacher
    // weights xi = +-1 from a hash of (seed, unit, b) (RademacherWeights): the same seed gives the
    // same draws on any cluster, and a unit keeps its weight across aggregates (and Epics) within a
    // draw. All draws of a row key are summed in one pass over its units (DrawQuartiles). The standard
    // error is R's robust one: the interquartile range of the draws over that of the standard normal.

    /** qnorm(0.75) - qnorm(0.25). */
    static final double NORMAL_IQR = 1.3489795003921634;

    private MultiplierBootstrap() { }

    /**
     * @param unitInfluence the key columns, {@code unit} and {@code psi} (variance = sum psi^2)
     * @param rowKeys       key columns whose values are many (e.g. epic_key)
     * @param columnKeys    key columns with few values in all (e.g. outcome, agg): the aggregates of
     *                      one row key ride as columns of one row per unit, so that a unit's weight in
     *                      a draw (the same for all of them) is computed once for all
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
        // The draws are summed per row key: an integer row index instead of the key values (strings
        // such as epic_key) makes the shuffle and sort that group them cheap; the keys are attached
        // to the standard errors at the end.
        Dataset<Row> rowTable = index(spark, unitInfluence, rowKeys, rowValues, "row");

        List<String> perUnit = new ArrayList<>(rowKeys);
        perUnit.add("unit");
        Dataset<Row> wide = unitInfluence.join(broadcast(slotTable), Cols.seq(columnKeys))
                .groupBy(Cols.of(perUnit)).pivot("slot", slots).agg(sum("psi"));
        Column[] slotColumns = slots.stream().map(i -> col(i.toString()).cast("double").as(i.toString())).toArray(Column[]::new);
        Dataset<Row> compact = (rowKeys.isEmpty() ? wide.withColumn("row", lit(0))
                : wide.join(broadcast(rowTable), Cols.seq(rowKeys)))
                .select(Cols.plus(new Column[] {col("row"), col("unit").cast("string").as("unit")}, slotColumns));

        // Each row key's units together, in unit order: all draws of a row key's aggregates are summed in one
        // pass over its units, in the same order on every run and cluster, and their quartiles taken there.
        Broadcast<SharedDraws> part = shared == null ? null
                // Shipped to each executor once, not with every task.
                : JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(shared);
        StructType seSchema = new StructType().add("row", DataTypes.IntegerType, false)
                .add("slot", DataTypes.IntegerType, false).add("std_error", DataTypes.DoubleType, false);
        Dataset<Row> se = compact.repartition(col("row")).sortWithinPartitions(col("row"), col("unit"))
                .mapPartitions(new DrawQuartiles(seed, draws, slots.size(), part, rowValues, columnValues),
                        Encoders.row(seSchema));
        List<String> out = new ArrayList<>(rowKeys);
        out.addAll(columnKeys);
        return se.join(broadcast(rowTable), "row").join(broadcast(slotTable), "slot")
                .select(Cols.plus(Cols.of(out), col("std_error")));
    }

    /**
     * The standard errors (row, slot, std_error) from rows (row, unit, influence in slots 0..S-1) grouped by row and
     * sorted by unit: draw b of an aggregate is the sum over its row's units of xi(unit, b) * psi, plus the shared
     * part's draw b when there is one; its standard error is the draws' interquartile range / NORMAL_IQR. A slot
     * that none of a row's units has an influence on gets none (the row key lacks that aggregate).
     */
    static final class DrawQuartiles implements MapPartitionsFunction<Row, Row> {
        private final long seed;
        private final int draws;
        private final int slots;
        private final Broadcast<SharedDraws> shared;
        /** The key values of row index i and of slot i, as {@link SharedDraws#draws} takes them. */
        private final List<List<Object>> rowKeys;
        private final List<List<Object>> columnKeys;

        DrawQuartiles(long seed, int draws, int slots, Broadcast<SharedDraws> shared, List<Row> rowValues,
                      List<Row> columnValues) {
            this.seed = seed;
            this.draws = draws;
            this.slots = slots;
            this.shared = shared;
            this.rowKeys = keyValues(rowValues);
            this.columnKeys = keyValues(columnValues);
        }

        @Override
        public Iterator<Row> call(Iterator<Row> units) {
            List<Row> out = new ArrayList<>();
            double[] sums = new double[draws * slots];
            boolean[] present = new boolean[slots];
            double[] psi = new double[slots];
            Row next = units.hasNext() ? units.next() : null;
            while (next != null) {
                int row = next.getInt(0);
                Arrays.fill(sums, 0.0);
                Arrays.fill(present, false);
                while (next != null && next.getInt(0) == row) {
                    for (int s = 0; s < slots; s++) {
                        boolean has = !next.isNullAt(2 + s);
                        present[s] |= has;
                        psi[s] = has ? next.getDouble(2 + s) : 0.0;
                    }
                    long h = RademacherWeights.unitHash(seed, next.getString(1));
                    for (int b = 0; b < draws; b++) {
                        double xi = RademacherWeights.plus(h, b + 1) ? 1.0 : -1.0;
                        for (int s = 0; s < slots; s++) {
                            sums[b * slots + s] += psi[s] * xi;
                        }
                    }
                    next = units.hasNext() ? units.next() : null;
                }
                for (int s = 0; s < slots; s++) {
                    if (present[s]) {
                        out.add(RowFactory.create(row, s, standardError(row, s, sums)));
                    }
                }
            }
            return out.iterator();
        }

        private double standardError(int row, int slot, double[] sums) {
            double[] d = new double[draws];
            for (int b = 0; b < draws; b++) {
                d[b] = sums[b * slots + slot];
            }
            double[] more = shared == null ? null : shared.value().draws(rowKeys.get(row), columnKeys.get(slot));
            if (more != null) {
                for (int b = 0; b < draws; b++) {
                    d[b] += more[b];
                }
            }
            Arrays.sort(d);
            return (percentile(d, 0.75) - percentile(d, 0.25)) / NORMAL_IQR;
        }

        private static List<List<Object>> keyValues(List<Row> rows) {
            List<List<Object>> out = new ArrayList<>(rows.size());
            for (Row r : rows) {
                List<Object> v = new ArrayList<>(r.length());
                for (int i = 0; i < r.length(); i++) {
                    v.add(r.get(i));
                }
                out.add(v);
            }
            return out;
        }
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

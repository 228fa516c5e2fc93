package dev.valueledger.impact;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
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
        List<Row> slotRows = new ArrayList<>();
        List<Object> slots = new ArrayList<>();
        StructType slotSchema = new StructType();
        for (String k : columnKeys) {
            slotSchema = slotSchema.add(unitInfluence.schema().apply(k));
        }
        slotSchema = slotSchema.add("slot", DataTypes.IntegerType, false);
        for (int i = 0; i < columnValues.size(); i++) {
            Object[] v = new Object[columnKeys.size() + 1];
            for (int j = 0; j < columnKeys.size(); j++) {
                v[j] = columnValues.get(i).get(j);
            }
            v[columnKeys.size()] = i;
            slotRows.add(RowFactory.create(v));
            slots.add(i);
        }
        Dataset<Row> slotTable = spark.createDataFrame(slotRows, slotSchema);

        List<String> perUnit = new ArrayList<>(rowKeys);
        perUnit.add("unit");
        Dataset<Row> wide = unitInfluence.join(broadcast(slotTable), Cols.seq(columnKeys))
                .groupBy(Cols.of(perUnit)).pivot("slot", slots).agg(sum("psi"));

        Column xi = when(pmod(xxhash64(lit(seed), col("unit").cast("string"), col("draw")), lit(2L)).equalTo(0), lit(1.0))
                .otherwise(lit(-1.0));
        List<String> perDraw = new ArrayList<>(rowKeys);
        perDraw.add("draw");
        // A sum over units with no influence on a slot stays null, so slots a row key lacks drop out below.
        Column[] deviations = slots.stream().map(i -> sum(col(i.toString()).multiply(xi)).as("d" + i)).toArray(Column[]::new);
        Column[] longForm = slots.stream().map(i -> struct(lit(i).as("slot"), col("d" + i).as("deviation"))).toArray(Column[]::new);
        List<String> perSlot = new ArrayList<>(rowKeys);
        perSlot.add("slot");
        Dataset<Row> se = wide.withColumn("draw", explode(sequence(lit(1), lit(draws))))
                .groupBy(Cols.of(perDraw))
                .agg(deviations[0], java.util.Arrays.copyOfRange(deviations, 1, deviations.length))
                .select(Cols.plus(Cols.of(perDraw), explode(array(longForm)).as("d")))
                .select(Cols.plus(Cols.of(rowKeys), col("d.slot").as("slot"), col("d.deviation").as("deviation")))
                .filter(col("deviation").isNotNull())
                .groupBy(Cols.of(perSlot))
                .agg(expr("percentile(deviation, 0.75) - percentile(deviation, 0.25)").divide(NORMAL_IQR).as("std_error"));
        List<String> out = new ArrayList<>(rowKeys);
        out.addAll(columnKeys);
        return se.join(broadcast(slotTable), "slot").select(Cols.plus(Cols.of(out), col("std_error")));
    }
}

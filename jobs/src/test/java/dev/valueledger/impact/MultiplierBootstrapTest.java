package dev.valueledger.impact;

import dev.valueledger.SparkTestBase;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The multiplier bootstrap agrees with the analytic standard error it approximates. */
class MultiplierBootstrapTest extends SparkTestBase {

    @Test
    void bootstrapStandardErrorApproximatesTheAnalyticOne() {
        // 400 units, psi_i = (i mod 7 - 3) / 100: analytic SE = sqrt(sum psi^2).
        List<Object[]> rows = new ArrayList<>();
        double sumSq = 0;
        for (int i = 0; i < 400; i++) {
            double psi = (i % 7 - 3) / 100.0;
            sumSq += psi * psi;
            rows.add(row("a", "u" + i, psi));
        }
        Dataset<Row> influence = df("agg STRING, unit STRING, psi DOUBLE", rows.toArray(new Object[0][]));
        double se = MultiplierBootstrap.standardErrors(influence, List.of(), List.of("agg"), 999, 20240101L).first().getDouble(1);
        // With 999 draws the IQR-based estimate is within a few percent; 10% leaves room.
        assertEquals(Math.sqrt(sumSq), se, 0.10 * Math.sqrt(sumSq));
        double again = MultiplierBootstrap.standardErrors(influence, List.of(), List.of("agg"), 999, 20240101L).first().getDouble(1);
        assertEquals(se, again, 0.0, "a seed fixes the draws");
    }

    @Test
    void sameStandardErrorsAsTheStringKeyedExplodedBootstrap() {
        // Three Epics x two outcomes x up to three aggregates x 60 units, psi = sin(7i + 3k) / 10
        // (no two alike, so a changed order of the sums over units would show in the last bits);
        // E3 lacks the dynamic:0 aggregate (its slot is null there and must stay absent).
        List<Object[]> rows = new ArrayList<>();
        String[] epics = {"E1", "E2", "E3"};
        String[] aggs = {"simple:overall", "dynamic:-1", "dynamic:0"};
        int k = 0;
        for (String e : epics) {
            for (String outcome : List.of("mrr", "active")) {
                for (String agg : aggs) {
                    k++;
                    if (e.equals("E3") && agg.equals("dynamic:0")) {
                        continue;
                    }
                    for (int i = 0; i < 60; i++) {
                        rows.add(row(e, outcome, agg, "acct-" + i, Math.sin(7 * i + 3 * k) / 10));
                    }
                }
            }
        }
        Dataset<Row> influence = df("epic_key STRING, outcome STRING, agg STRING, unit STRING, psi DOUBLE",
                rows.toArray(new Object[0][]));
        List<String> rowKeys = List.of("epic_key");
        List<String> columnKeys = List.of("outcome", "agg");

        Map<List<Object>, Double> expected = byKey(stringKeyed(influence, rowKeys, columnKeys, 199, 7L));
        Map<List<Object>, Double> actual = byKey(MultiplierBootstrap.standardErrors(influence, rowKeys, columnKeys, 199, 7L));
        assertEquals(16, expected.size(), "3 x 2 x 3 aggregates less E3's two dynamic:0 (mrr, active)");
        assertEquals(expected.keySet(), actual.keySet());
        // The same draws summed over the units in another order (the reference's aggregation order, DrawSums'
        // sorted units) differ in the last bits only; a wrong weight or a lost unit moves the figure by percents.
        for (Map.Entry<List<Object>, Double> e : expected.entrySet()) {
            assertEquals(e.getValue(), actual.get(e.getKey()), 1e-12 * e.getValue(), e.getKey().toString());
        }
    }

    private static Map<List<Object>, Double> byKey(Dataset<Row> se) {
        Map<List<Object>, Double> out = new HashMap<>();
        for (Row r : se.select("epic_key", "outcome", "agg", "std_error").collectAsList()) {
            out.put(List.of(r.get(0), r.get(1), r.get(2)), r.getDouble(3));
        }
        return out;
    }

    /**
     * The bootstrap as it was before the integer row index (commit f802c39): one exploded row per unit and draw,
     * summed by Spark SQL. The reference for the test above.
     */
    private static Dataset<Row> stringKeyed(Dataset<Row> unitInfluence, List<String> rowKeys, List<String> columnKeys,
                                            int draws, long seed) {
        List<Row> columnValues = unitInfluence.select(Cols.of(columnKeys)).distinct().collectAsList();
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
        Dataset<Row> slotTable = unitInfluence.sparkSession().createDataFrame(slotRows, slotSchema);
        List<String> perUnit = new ArrayList<>(rowKeys);
        perUnit.add("unit");
        Dataset<Row> wide = unitInfluence.join(broadcast(slotTable), Cols.seq(columnKeys))
                .groupBy(Cols.of(perUnit)).pivot("slot", slots).agg(sum("psi"));
        Column xi = when(pmod(xxhash64(lit(seed), col("unit").cast("string"), col("draw")), lit(2L)).equalTo(0), lit(1.0))
                .otherwise(lit(-1.0));
        List<String> perDraw = new ArrayList<>(rowKeys);
        perDraw.add("draw");
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
                .agg(expr("percentile(deviation, 0.75) - percentile(deviation, 0.25)").divide(MultiplierBootstrap.NORMAL_IQR).as("std_error"));
        List<String> out = new ArrayList<>(rowKeys);
        out.addAll(columnKeys);
        return se.join(broadcast(slotTable), "slot").select(Cols.plus(Cols.of(out), col("std_error")));
    }
}

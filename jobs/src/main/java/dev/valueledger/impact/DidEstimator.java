package dev.valueledger.impact;

import dev.valueledger.UserError;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

/** ATT(g,t) of Callaway and Sant'Anna with analytic SEs on any balanced panel, as R did 2.5.1's att_gt, varying base, optionally doubly robust (CONTRACT §2 Impact, §4). */
public final class DidEstimator {

    private final String unitCol;
    private final String timeCol;
    private final String outcomeCol;
    private final String cohortCol;
    private final ControlGroup control;
    private final List<String> covariateCols;

    public DidEstimator(String unitCol, String timeCol, String outcomeCol, String cohortCol, ControlGroup control) {
        this(unitCol, timeCol, outcomeCol, cohortCol, control, List.of());
    }

    /** With covariates, each cell is the doubly robust estimate of R's did (est_method "dr"), covariates taken at the cell's base period. */
    public DidEstimator(String unitCol, String timeCol, String outcomeCol, String cohortCol, ControlGroup control,
                        List<String> covariateCols) {
        this.unitCol = unitCol;
        this.timeCol = timeCol;
        this.outcomeCol = outcomeCol;
        this.cohortCol = cohortCol;
        this.control = control;
        this.covariateCols = List.copyOf(covariateCols);
    }

    /** The estimate of every ATT(g,t) plus what the aggregations need (unit influences, cohort sizes). */
    public record Result(Dataset<Row> cells, Dataset<Row> influence, Dataset<Row> units, long nUnits,
                         Map<Integer, Long> cohortSizes, List<Integer> scale, boolean monthly) {

        /** The small cell table on the driver, ordered by g then t, with periods numbered 1, 2, ... */
        List<Aggregation.Cell> rankedCells() {
            List<Aggregation.Cell> out = new ArrayList<>();
            for (Row r : cells.select("g", "t", "att", "se").orderBy("g", "t").collectAsList()) {
                out.add(new Aggregation.Cell(r.getInt(0), r.getInt(1), r.getDouble(2), r.getDouble(3)));
            }
            return out;
        }

        /** The cells with g and t as in the panel (integers; months as year * 12 + month - 1). */
        public List<Aggregation.Cell> collectCells() {
            return rankedCells().stream()
                    .map(c -> new Aggregation.Cell(scale.get(c.g() - 1), scale.get(c.t() - 1), c.att(), c.se())).toList();
        }

        /** The period or cohort numbered {@code rank} as the user wrote it: the integer, or 'YYYY-MM'. */
        public String label(int rank) {
            int value = scale.get(rank - 1);
            return monthly ? Periods.monthLabel(value) : Integer.toString(value);
        }
    }

    public Result estimate(Dataset<Row> panel) {
        boolean monthly = Periods.isMonthly(panel.schema().apply(timeCol).dataType());
        List<Column> xs = new ArrayList<>();
        covariateCols.forEach(c -> xs.add(column(c).cast("double")));
        Dataset<Row> p = panel.select(column(unitCol).as("unit"),
                Periods.period(column(timeCol), monthly).as("period"),
                column(outcomeCol).cast("double").as("y"),
                Periods.cohort(column(cohortCol), monthly).as("cohort"),
                array(xs.toArray(new Column[0])).as("x"));
        List<Integer> periods = new ArrayList<>();
        for (Row r : p.select("period").distinct().orderBy("period").collectAsList()) {
            periods.add(r.getInt(0));
        }
        if (periods.isEmpty()) {
            throw new UserError("the panel has no rows");
        }
        int last = periods.get(periods.size() - 1);
        // R's did: a cohort after the last period is never treated within the panel.
        p = p.withColumn("cohort", when(col("cohort").gt(last), lit(0)).otherwise(col("cohort")));
        if (control == ControlGroup.NOT_YET_TREATED) {
            // R did without a never-treated group: the last cohort to be treated only serves as a
            // control, and periods from its treatment on (no control left) are dropped.
            Row r = p.agg(count(when(col("cohort").equalTo(0), lit(1))), max("cohort")).first();
            if (r.getLong(0) == 0 && !r.isNullAt(1)) {
                int latest = r.getInt(1);
                p = p.filter(col("period").lt(latest))
                        .withColumn("cohort", when(col("cohort").geq(latest), lit(0)).otherwise(col("cohort")));
                periods.removeIf(x -> x >= latest);
            }
        }

        // As R's did, periods and cohorts are renumbered 1, 2, ... in time order, so event time
        // t - g counts periods whatever their spacing (years, months, gaps).
        TreeSet<Integer> values = new TreeSet<>(periods);
        for (Row r : p.select("cohort").filter(col("cohort").gt(0)).distinct().collectAsList()) {
            values.add(r.getInt(0));
        }
        List<Integer> scale = new ArrayList<>(values);
        List<Column> from = new ArrayList<>();
        List<Column> to = new ArrayList<>();
        for (int i = 0; i < scale.size(); i++) {
            from.add(lit(scale.get(i)));
            to.add(lit(i + 1));
        }
        Column rank = map_from_arrays(array(from.toArray(new Column[0])), array(to.toArray(new Column[0])));
        p = p.withColumn("period", element_at(rank, col("period")))
                .withColumn("cohort", when(col("cohort").equalTo(0), lit(0)).otherwise(element_at(rank, col("cohort"))));
        List<Integer> ranks = periods.stream().map(x -> scale.indexOf(x) + 1).toList();
        int first = ranks.get(0);

        // Units treated in the first period have no untreated base and are dropped, as in R.
        Dataset<Row> units = p.groupBy("unit")
                .agg(max("cohort").as("cohort"), map_from_entries(collect_list(struct(col("period"), col("y")))).as("ys"),
                        map_from_entries(collect_list(struct(col("period"), col("x")))).as("xs"))
                .filter(col("cohort").equalTo(0).or(col("cohort").gt(first)))
                .cache();

        Map<Integer, Long> cohortSizes = new LinkedHashMap<>();
        long n = 0;
        for (Row r : units.groupBy("cohort").count().orderBy("cohort").collectAsList()) {
            cohortSizes.put(r.getInt(0), r.getLong(1));
            n += r.getLong(1);
        }

        Dataset<Row> cellGrid = panel.sparkSession().createDataFrame(cellGrid(ranks, cohortSizes.keySet()),
                new StructType().add("g", DataTypes.IntegerType, false).add("t", DataTypes.IntegerType, false)
                        .add("base", DataTypes.IntegerType, false));

        Column treated = col("cohort").equalTo(col("g"));
        Dataset<Row> comparisons = units.join(broadcast(cellGrid),
                        treated.or(control.isControl(col("cohort"), col("g"), col("t"))))
                .select(col("g"), col("t"), col("unit"), treated.as("treated"),
                        element_at(col("ys"), col("t")).minus(element_at(col("ys"), col("base"))).as("dy"),
                        element_at(col("xs"), col("base")).as("x"))
                .filter(col("dy").isNotNull());

        Dataset<Row> cells;
        Dataset<Row> influence;
        if (covariateCols.isEmpty()) {
            cells = GroupTimeEffects.cells(comparisons, List.of()).cache();
            influence = GroupTimeEffects.influence(comparisons, cells, List.of());
        } else {
            DoublyRobustEffects.Result dr = DoublyRobustEffects.compute(comparisons.filter(not(exists(col("x"), v -> v.isNull()))), List.of());
            cells = dr.cells().cache();
            influence = dr.influence();
        }
        return new Result(cells, influence, units.select("unit", "cohort"), n, cohortSizes, scale, monthly);
    }

    /** A user's column by its exact name, dots and all (mpdta's cohort is "first.treat"). */
    static Column column(String name) {
        return col("`" + name.replace("`", "``") + "`");
    }

    /**
     * Every (g, t) with t after the first period, and its base: the last period before g once
     * treated (t >= g), else the period before t (R's varying base period).
     */
    static List<Row> cellGrid(List<Integer> periods, Iterable<Integer> cohorts) {
        List<Row> rows = new ArrayList<>();
        for (int g : cohorts) {
            if (g == 0) {
                continue;
            }
            Integer lastBeforeG = null;
            for (int p : periods) {
                if (p < g) {
                    lastBeforeG = p;
                }
            }
            for (int i = 1; i < periods.size(); i++) {
                int t = periods.get(i);
                Integer base = t >= g ? lastBeforeG : periods.get(i - 1);
                if (base != null) {
                    rows.add(RowFactory.create(g, t, base));
                }
            }
        }
        return rows;
    }
}

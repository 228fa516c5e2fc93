package dev.valueledger.impact;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;

/** Doubly robust ATT(g,t) with covariates, its analytic standard error and each unit's influence, from unit comparisons (CONTRACT §2 Impact). */
public final class DoublyRobustEffects {

    // Comparisons as GroupTimeEffects takes them (keys, g, t, unit, treated, dy) plus x, the unit's
    // covariates in the cell as ARRAY<DOUBLE> without intercept. Each cell needs all its units at
    // once (a logistic and a linear regression on them), so cells are gathered in one shuffle and
    // estimated where they land; only the per-cell figures and the per-unit influence come out.

    private DoublyRobustEffects() { }

    /**
     * @param cells     keys, g, t, n_treated, n_control, att, se, covariates_used: one row per cell
     *                  with a treated unit, a control and overlap, as {@link GroupTimeEffects#cells}
     * @param influence keys, g, t, unit, psi, as {@link GroupTimeEffects#influence}
     */
    public record Result(Dataset<Row> cells, Dataset<Row> influence) { }

    public static Result compute(Dataset<Row> comparisons, List<String> keys) {
        List<String> cell = new ArrayList<>(keys);
        cell.add("g");
        cell.add("t");
        Dataset<Row> in = comparisons.select(Cols.of(cell, "unit", "treated", "dy", "x"));
        StructType schema = new StructType();
        for (String k : cell) {
            schema = schema.add(in.schema().apply(k));
        }
        schema = schema.add(in.schema().apply("unit"))
                .add("psi", DataTypes.DoubleType, false)
                .add("att", DataTypes.DoubleType, false)
                .add("se", DataTypes.DoubleType, false)
                .add("n_treated", DataTypes.LongType, false)
                .add("n_control", DataTypes.LongType, false)
                .add("covariates_used", DataTypes.IntegerType, false)
                .add("converged", DataTypes.BooleanType, false);
        int width = cell.size();
        // Units sorted within their cell: the regressions sum in a fixed order, so a rerun gives
        // the same last bits whatever the partitioning.
        Dataset<Row> units = in.repartition(Cols.of(cell))
                .sortWithinPartitions(Cols.of(cell, "unit"))
                .mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new CellRuns(rows, width), Encoders.row(schema))
                // As R's att_gt, a cell whose propensity score does not converge or reaches 0.999
                // (no overlap of treated and controls) has no estimate.
                .filter(col("converged"))
                .cache();
        Dataset<Row> cells = units.groupBy(Cols.of(cell))
                .agg(first("n_treated").as("n_treated"), first("n_control").as("n_control"), first("att").as("att"),
                        first("se").as("se"), first("covariates_used").as("covariates_used"));
        return new Result(cells, units.select(Cols.of(cell, "unit", "psi")));
    }

    /** Estimates one cell per run of rows with equal cell key, emitting its units with their influence. */
    private static final class CellRuns implements Iterator<Row> {
        private final Iterator<Row> rows;
        private final int width;
        private Row pending;
        private Iterator<Row> out = Collections.emptyIterator();

        CellRuns(Iterator<Row> rows, int width) {
            this.rows = rows;
            this.width = width;
            this.pending = rows.hasNext() ? rows.next() : null;
        }

        @Override
        public boolean hasNext() {
            while (!out.hasNext() && pending != null) {
                out = nextCell();
            }
            return out.hasNext();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return out.next();
        }

        private Iterator<Row> nextCell() {
            List<Row> run = new ArrayList<>();
            Row first = pending;
            while (pending != null && sameCell(first, pending)) {
                run.add(pending);
                pending = rows.hasNext() ? rows.next() : null;
            }
            List<DoublyRobustCell.Unit> units = new ArrayList<>(run.size());
            long treated = 0;
            for (Row r : run) {
                boolean d = r.getBoolean(width + 1);
                treated += d ? 1 : 0;
                List<Double> x = r.getList(width + 3);
                double[] xs = new double[x.size()];
                for (int i = 0; i < xs.length; i++) {
                    xs[i] = x.get(i);
                }
                units.add(new DoublyRobustCell.Unit(d, r.getDouble(width + 2), xs));
            }
            DoublyRobustCell.Result est = DoublyRobustCell.estimate(units);
            if (est == null) {
                return Collections.emptyIterator();
            }
            List<Row> emitted = new ArrayList<>(run.size());
            for (int i = 0; i < run.size(); i++) {
                Object[] v = new Object[width + 8];
                for (int k = 0; k <= width; k++) {
                    v[k] = run.get(i).get(k);
                }
                v[width + 1] = est.psi()[i];
                v[width + 2] = est.att();
                v[width + 3] = est.se();
                v[width + 4] = treated;
                v[width + 5] = (long) run.size() - treated;
                v[width + 6] = est.usedCovariates();
                v[width + 7] = est.converged();
                emitted.add(RowFactory.create(v));
            }
            return emitted.iterator();
        }

        private boolean sameCell(Row a, Row b) {
            for (int k = 0; k < width; k++) {
                if (!Objects.equals(a.get(k), b.get(k))) {
                    return false;
                }
            }
            return true;
        }
    }
}

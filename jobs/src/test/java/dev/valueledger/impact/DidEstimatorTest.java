package dev.valueledger.impact;

import dev.valueledger.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Control groups of ATT(g,t) on a hand-computed panel. */
class DidEstimatorTest extends SparkTestBase {

    // Periods 1..3. A first treated in 2, B in 3, C and D never.
    private Dataset<Row> panel() {
        return df("unit STRING, period INT, y DOUBLE, cohort INT",
                row("A", 1, 1.0, 2), row("A", 2, 3.0, 2), row("A", 3, 4.0, 2),
                row("B", 1, 1.0, 3), row("B", 2, 1.0, 3), row("B", 3, 5.0, 3),
                row("C", 1, 2.0, 0), row("C", 2, 2.0, 0), row("C", 3, 3.0, 0),
                row("D", 1, 0.0, 0), row("D", 2, 1.0, 0), row("D", 3, 1.0, 0));
    }

    private Map<String, Aggregation.Cell> cells(ControlGroup control) {
        Map<String, Aggregation.Cell> m = new HashMap<>();
        List<Aggregation.Cell> cells = new DidEstimator("unit", "period", "y", "cohort", control).estimate(panel()).collectCells();
        cells.forEach(c -> m.put(c.g() + "/" + c.t(), c));
        return m;
    }

    @Test
    void notYetTreatedControlsIncludeLaterCohortsUntilTheyAreTreated() {
        Map<String, Aggregation.Cell> c = cells(ControlGroup.NOT_YET_TREATED);
        // (2,2), base 1: A dy 2; controls C 0, D 1, B 0 (first treated in 3 > 2): 2 - 1/3.
        assertEquals(5.0 / 3, c.get("2/2").att(), 1e-12);
        // var_pop{0,1,0} = 2/9 over 3 controls, A alone has no variance: sqrt(2/27).
        assertEquals(Math.sqrt(2.0 / 27), c.get("2/2").se(), 1e-12);
        // (2,3), base 1: A dy 3; B is treated at 3, so controls C 1, D 1: 3 - 1.
        assertEquals(2.0, c.get("2/3").att(), 1e-12);
        // (3,2) pre-period, base 1: B dy 0; A treated at 2 is not a control: 0 - (0 + 1)/2.
        assertEquals(-0.5, c.get("3/2").att(), 1e-12);
        // (3,3), base 2: B dy 4; controls C 1, D 0: 4 - 0.5.
        assertEquals(3.5, c.get("3/3").att(), 1e-12);
    }

    @Test
    void neverTreatedControlsLeaveLaterCohortsOut() {
        Map<String, Aggregation.Cell> c = cells(ControlGroup.NEVER_TREATED);
        // (2,2): A dy 2 minus mean of C 0, D 1.
        assertEquals(1.5, c.get("2/2").att(), 1e-12);
        assertEquals(4, c.size(), "cells (2,2) (2,3) (3,2) (3,3)");
    }

    @Test
    void notYetTreatedWithoutNeverTreatedUsesTheLastCohortAsR() {
        // Only A (2) and B (3): as R did, B becomes the control and period 3 is dropped, leaving
        // cell (2,2): A dy 3 - 1 = 2 against B 1 - 1 = 0.
        List<Aggregation.Cell> cells = new DidEstimator("unit", "period", "y", "cohort", ControlGroup.NOT_YET_TREATED)
                .estimate(panel().filter("unit IN ('A', 'B')")).collectCells();
        assertEquals(List.of(new Aggregation.Cell(2, 2, 2.0, 0.0)), cells);
    }
}

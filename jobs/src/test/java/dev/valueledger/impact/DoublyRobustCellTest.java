package dev.valueledger.impact;

import dev.valueledger.impact.DoublyRobustCell.Result;
import dev.valueledger.impact.DoublyRobustCell.Unit;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The doubly robust cell estimator against hand-computed cases and R did's published mpdta figures. */
class DoublyRobustCellTest {

    private static final double EXACT = 1e-9;
    private static final double[] NONE = {};

    private static Unit t(double dy, double... x) {
        return new Unit(true, dy, x);
    }

    private static Unit c(double dy, double... x) {
        return new Unit(false, dy, x);
    }

    /** Treated dy {1, 2, 6}, controls dy {0, 1, 1, 2}, interleaved to check that psi follows the input order. */
    private static List<Unit> twoGroups(double... x) {
        return List.of(c(0, x), t(1, x), c(1, x), t(2, x), c(1, x), c(2, x), t(6, x));
    }

    @Test
    void interceptOnlyIsTheDifferenceOfMeansWithTheNoCovariateInfluence() {
        Result r = DoublyRobustCell.estimate(twoGroups(NONE));
        // mean_T = (1 + 2 + 6) / 3 = 3, mean_C = (0 + 1 + 1 + 2) / 4 = 1: att = 2.
        assertEquals(2.0, r.att(), EXACT);
        // GroupTimeEffects.influence: treated (dy - 3) / 3, controls -(dy - 1) / 4.
        double[] expected = {
            0.25,     // c 0: -(0 - 1) / 4
            -2.0 / 3, // t 1: (1 - 3) / 3
            0,        // c 1
            -1.0 / 3, // t 2: (2 - 3) / 3
            0,        // c 1
            -0.25,    // c 2: -(2 - 1) / 4
            1.0       // t 6: (6 - 3) / 3
        };
        assertArrayEquals(expected, r.psi(), EXACT);
        // var_pop_T = (4 + 1 + 9) / 3 = 14/3, var_pop_C = (1 + 0 + 0 + 1) / 4 = 1/2:
        // se = sqrt(14/9 + 1/8).
        assertEquals(Math.sqrt(14.0 / 9 + 1.0 / 8), r.se(), EXACT);
        assertEquals(0, r.usedCovariates());
        assertTrue(r.converged());
    }

    /**
     * Binary covariate b: b = 0 treated dy {2, 4}, controls {1, 3, 2}; b = 1 treated {5}, controls
     * {0, 2}. Logit and OLS on (1, b) are saturated, so the DR estimate is the stratified one.
     */
    private static List<Unit> saturated(DoubleFunction<double[]> covariates) {
        return List.of(
                t(2, covariates.apply(0)), c(1, covariates.apply(0)), t(4, covariates.apply(0)),
                c(3, covariates.apply(0)), c(2, covariates.apply(0)),
                c(0, covariates.apply(1)), t(5, covariates.apply(1)), c(2, covariates.apply(1)));
    }

    private static void assertSaturatedResult(Result r) {
        // mean_T = 11/3; mean_C(b=0) = 2, mean_C(b=1) = 1; P(b=0 | T) = 2/3, P(b=1 | T) = 1/3:
        // att = 11/3 - (2/3 * 2 + 1/3 * 1) = 2.
        assertEquals(2.0, r.att(), EXACT);
        // Treated: (dy - mean_C(b) - att) / n_T; control: -P(b | T) (dy - mean_C(b)) / n_C(b).
        double[] expected = {
            -2.0 / 3, // t 2, b 0: (2 - 2 - 2) / 3
            2.0 / 9,  // c 1, b 0: -(2/3)(1 - 2) / 3
            0,        // t 4, b 0: (4 - 2 - 2) / 3
            -2.0 / 9, // c 3, b 0: -(2/3)(3 - 2) / 3
            0,        // c 2, b 0
            1.0 / 6,  // c 0, b 1: -(1/3)(0 - 1) / 2
            2.0 / 3,  // t 5, b 1: (5 - 1 - 2) / 3
            -1.0 / 6  // c 2, b 1: -(1/3)(2 - 1) / 2
        };
        assertArrayEquals(expected, r.psi(), 1e-8);
        // se = sqrt(4/9 + 4/81 + 4/81 + 1/36 + 4/9 + 1/36) = sqrt(8/9 + 8/81 + 1/18).
        assertEquals(Math.sqrt(8.0 / 9 + 8.0 / 81 + 1.0 / 18), r.se(), 1e-8);
        assertEquals(1, r.usedCovariates());
        assertTrue(r.converged());
    }

    @Test
    void saturatedBinaryCovariateGivesTheStratifiedEstimate() {
        assertSaturatedResult(DoublyRobustCell.estimate(saturated(b -> new double[] {b})));
    }

    @Test
    void constantAndCollinearCovariatesAreDropped() {
        // A constant column adds nothing: the intercept-only result.
        Result constant = DoublyRobustCell.estimate(twoGroups(7.5));
        assertEquals(0, constant.usedCovariates());
        assertEquals(2.0, constant.att(), EXACT);
        assertEquals(Math.sqrt(14.0 / 9 + 1.0 / 8), constant.se(), EXACT);

        // b twice and 2b + 1: the first b is kept, the copies dropped, as R's lm/glm alias them.
        assertSaturatedResult(DoublyRobustCell.estimate(saturated(b -> new double[] {b, b, 2 * b + 1})));
        // A column that is constant among controls (0) but 1 for the first treated unit cannot be
        // fitted by the controls' OLS: dropped, the saturated result again.
        List<Unit> units = new ArrayList<>(saturated(b -> new double[] {b, 0}));
        units.set(0, t(2, 0, 1));
        assertSaturatedResult(DoublyRobustCell.estimate(units));
    }

    @Test
    void rescalingACovariateChangesNothing() {
        // A continuous covariate z: the estimate depends on z only through the fitted models,
        // which an affine change of z (1000 z - 3) leaves unchanged.
        double[] z = {0.3, 1.7, 0.9, 2.4, 1.1, 0.2, 1.9, 1.4, 0.6};
        boolean[] treated = {true, false, true, false, false, true, false, true, false};
        double[] dy = {1.0, 0.4, 2.2, 1.1, 0.7, 0.9, 1.6, 2.0, 0.1};
        List<Unit> raw = new ArrayList<>();
        List<Unit> scaled = new ArrayList<>();
        for (int i = 0; i < z.length; i++) {
            raw.add(new Unit(treated[i], dy[i], new double[] {z[i]}));
            scaled.add(new Unit(treated[i], dy[i], new double[] {1000 * z[i] - 3}));
        }
        Result a = DoublyRobustCell.estimate(raw);
        Result b = DoublyRobustCell.estimate(scaled);
        assertEquals(a.att(), b.att(), 1e-10);
        assertArrayEquals(a.psi(), b.psi(), 1e-10);
        assertEquals(1, a.usedCovariates());
        // The influence sums to 0: each piece is a centred term or a first-order condition
        // (logit score X'(D - ps) = 0, OLS normal equations X_C' e_C = 0) times a constant; the
        // score is zero only up to IRLS's stopping rule (deviance change < 1e-8), hence 1e-7.
        double sum = 0;
        for (double v : a.psi()) {
            sum += v;
        }
        assertEquals(0, sum, 1e-7);
    }

    @Test
    void cellsWithoutTreatedOrControlsHaveNoEstimate() {
        assertNull(DoublyRobustCell.estimate(List.of(t(1), t(2))));
        assertNull(DoublyRobustCell.estimate(List.of(c(1), c(2))));
    }

    @Test
    void separationStillGivesAnEstimateFlaggedNotConverged() {
        // Every treated unit has x > every control: the logit MLE does not exist; glm.fit stops when
        // the deviance no longer moves, with fitted scores of 0 and 1, which R did refuses (>= 0.999).
        List<Unit> units = List.of(t(2, 5), t(3, 6), t(4, 7), c(1, 1), c(0, 2), c(2, 3));
        Result r = DoublyRobustCell.estimate(units);
        assertNotNull(r);
        assertFalse(r.converged());
        assertTrue(Double.isFinite(r.att()));
        assertTrue(Double.isFinite(r.se()));
    }

    // ---- R's published figures on mpdta -------------------------------------------------------

    /**
     * att_gt(yname = "lemp", tname = "year", idname = "countyreal", gname = "first.treat",
     * xformla = ~lpop, data = mpdta), est_method "dr" (the default), never-treated controls,
     * varying base period, as printed (4 decimals) in:
     * - R package did's reference manual, att_gt examples, "Using covariates", summary(out2)
     *   (CRAN, https://cran.r-project.org/package=did, did.pdf of version 2.1.2, 2022-07-20);
     * - the ddml package's article "Diff-in-Diff with Double/Debiased Machine Learning"
     *   (github.com/thomaswiemann/ddml, vignettes/articles/did.Rmd,
     *   https://www.thomaswiemann.com/ddml/articles/did.html), summary(attgt_lm): same ATT(g,t).
     * Their standard errors are multiplier-bootstrap ones (bstrap = TRUE by default) and differ
     * between the two printings (e.g. 2004/2006: 0.0348 vs 0.0382); the columns below are the
     * did manual's. No analytic standard errors with lpop were found in print.
     * Rows: g, t, ATT(g,t), bootstrap se.
     */
    static final double[][] PUBLISHED = {
        {2004, 2004, -0.0145, 0.0233},
        {2004, 2005, -0.0764, 0.0297},
        {2004, 2006, -0.1404, 0.0348},
        {2004, 2007, -0.1069, 0.0340},
        {2006, 2004, -0.0005, 0.0236},
        {2006, 2005, -0.0062, 0.0184},
        {2006, 2006, 0.0010, 0.0194},
        {2006, 2007, -0.0413, 0.0189},
        {2007, 2004, 0.0267, 0.0145},
        {2007, 2005, -0.0046, 0.0163},
        {2007, 2006, -0.0284, 0.0191},
        {2007, 2007, -0.0288, 0.0166},
    };

    private record County(int firstTreat, double lpop, Map<Integer, Double> lemp) { }

    private static Map<Integer, County> mpdta() throws IOException {
        List<String> lines = Files.readAllLines(Path.of(ValidationData.file("mpdta/mpdta.csv")));
        List<String> header = List.of(lines.get(0).replace("\"", "").split(","));
        int year = header.indexOf("year");
        int id = header.indexOf("countyreal");
        int lpop = header.indexOf("lpop");
        int lemp = header.indexOf("lemp");
        int first = header.indexOf("first.treat");
        Map<Integer, County> counties = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.replace("\"", "").split(",");
            County county = counties.computeIfAbsent(Integer.parseInt(f[id]), k ->
                    new County(Integer.parseInt(f[first]), Double.parseDouble(f[lpop]), new HashMap<>()));
            county.lemp().put(Integer.parseInt(f[year]), Double.parseDouble(f[lemp]));
        }
        return counties;
    }

    @Test
    void mpdtaWithLpopEqualsRsPublishedGroupTimeEffects() throws IOException {
        Map<Integer, County> counties = mpdta();
        for (double[] row : PUBLISHED) {
            int g = (int) row[0];
            int year = (int) row[1];
            int base = year >= g ? g - 1 : year - 1;
            List<Unit> units = new ArrayList<>();
            for (County county : counties.values()) { // by countyreal: a deterministic order
                boolean treated = county.firstTreat() == g;
                if ((treated || county.firstTreat() == 0)
                        && county.lemp().containsKey(year) && county.lemp().containsKey(base)) {
                    units.add(new Unit(treated, county.lemp().get(year) - county.lemp().get(base),
                            new double[] {county.lpop()}));
                }
            }
            Result r = DoublyRobustCell.estimate(units);
            String cell = g + "/" + year;
            assertEquals(row[2], r.att(), 0.00005, "ATT(g,t) " + cell);
            assertEquals(1, r.usedCovariates(), cell);
            assertTrue(r.converged(), cell);
            // Analytic se against the published bootstrap se: within 15%.
            assertEquals(row[3], r.se(), 0.15 * row[3], "se " + cell);
        }
    }
}

package dev.valueledger.impact;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

import java.util.Arrays;
import java.util.List;

/** Doubly robust ATT(g,t) of one cell and each unit's influence on it, as R's DRDID::drdid_panel (CONTRACT §2 Impact; Sant'Anna and Zhao 2020). */
final class DoublyRobustCell {

    /** One unit of a cell: treated (D = 1) or control, dy = Y_t - Y_base, x = covariates WITHOUT intercept. */
    record Unit(boolean treated, double dy, double[] x) { }

    /**
     * att; psi[i] = the influence of units.get(i) on att, scaled so that se = sqrt(sum psi^2);
     * covariates actually used (after dropping constant/collinear ones); converged = false when
     * the propensity score's IRLS did not converge or its fit violates overlap (a fitted score
     * >= 0.999, where R's att_gt warns "overlap condition violated" and reports NA for the cell).
     */
    record Result(double att, double[] psi, double se, int usedCovariates, boolean converged) { }

    // R's lm.fit aliases a column whose norm, after removing the earlier columns, falls below
    // tol = 1e-7 of its own norm (dqrdc2's limited pivoting keeps the first of collinear columns).
    static final double ALIAS_TOLERANCE = 1e-7;
    // DRDID fits the propensity score with fastglm (tol 1e-8, maxit 100), glm.fit's criterion.
    static final double IRLS_EPSILON = 1e-8;
    static final int IRLS_MAX_ITERATIONS = 100;
    // drdid_panel: pmin(ps, 1 - 1e-6) so that ps / (1 - ps) stays finite, and (DRDID >= 1.2.2)
    // controls with ps >= 0.995 get weight 0 (trim.level), to survive severe overlap problems.
    static final double PS_CAP = 1 - 1e-6;
    static final double TRIM_LEVEL = 0.995;
    // did's compute.att_gt declines a cell whose preliminary logit has max(pscore) >= 0.999.
    // Separated data usually "converge" in glm.fit's sense (the deviance stops moving near 0),
    // so this, not the iteration count, is what flags separation.
    static final double OVERLAP_LIMIT = 0.999;
    // R's binomial()$linkinv / mu.eta clamp eta at +-30 (family.c), keeping mu inside (0, 1).
    private static final double ETA_THRESHOLD = 30.0;
    private static final double DBL_EPSILON = Math.ulp(1.0);

    private DoublyRobustCell() { }

    /**
     * The estimate from the cell's units (caller's order, which psi follows), or null where R
     * has none: no treated unit, no control, or every control trimmed away. Covariates that
     * are constant among the controls or a linear combination of earlier ones (over the
     * controls, hence also over all units) are dropped, as R reports NA for aliased
     * coefficients; both models then use the same columns, as drdid_panel does. A propensity
     * score that does not converge or separates the groups still gives an estimate, flagged
     * converged = false, for the caller to decide.
     */
    static Result estimate(List<Unit> cell) {
        Unit[] units = cell.toArray(new Unit[0]); // indexed access whatever list the caller has
        int n = units.length;
        int treated = 0;
        for (Unit u : units) {
            treated += u.treated() ? 1 : 0;
        }
        if (treated == 0 || treated == n) {
            return null;
        }
        double[] d = new double[n];
        double[] dy = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = units[i].treated() ? 1 : 0;
            dy[i] = units[i].dy();
        }
        Design design = Design.of(units);
        double[][] x = design.rows;
        int k = design.columns;

        Logit ps = Logit.fit(x, d);
        double[] p = new double[n];
        boolean overlap = true;
        for (int i = 0; i < n; i++) {
            overlap &= ps.fitted[i] < OVERLAP_LIMIT;
            p[i] = Math.min(ps.fitted[i], PS_CAP);
        }

        double[] beta = controlOls(x, d, dy);
        double[] residual = new double[n];
        for (int i = 0; i < n; i++) {
            residual[i] = dy[i] - dot(x[i], beta);
        }

        double[] wTreat = new double[n];
        double[] wCont = new double[n];
        double sumWTreat = 0;
        double sumWCont = 0;
        double sumTreat = 0;
        double sumCont = 0;
        for (int i = 0; i < n; i++) {
            wTreat[i] = d[i];
            boolean kept = d[i] == 1 || p[i] < TRIM_LEVEL;
            wCont[i] = kept ? p[i] * (1 - d[i]) / (1 - p[i]) : 0;
            sumWTreat += wTreat[i];
            sumWCont += wCont[i];
            sumTreat += wTreat[i] * residual[i];
            sumCont += wCont[i] * residual[i];
        }
        if (sumWCont == 0) {
            return null;
        }
        double etaTreat = sumTreat / sumWTreat;
        double etaCont = sumCont / sumWCont;
        double meanWTreat = sumWTreat / n;
        double meanWCont = sumWCont / n;

        // Estimation effects of the two nuisance fits, folded into one k-vector each so that the
        // influence function costs O(n k): asy.lin.rep.ols %*% (M1 / mean(w.treat) - M3 / mean(w.cont))
        // and asy.lin.rep.ps %*% M2 / mean(w.cont), with XpX = crossprod over controls / n and
        // Hessian.ps = solve(X' W X / n).
        double[] m1 = new double[k];
        double[] m2 = new double[k];
        double[] m3 = new double[k];
        double[][] xpx = new double[k][k];
        double[][] xwx = new double[k][k];
        for (int i = 0; i < n; i++) {
            double[] xi = x[i];
            double w = p[i] * (1 - p[i]);
            for (int a = 0; a < k; a++) {
                m1[a] += wTreat[i] * xi[a];
                m2[a] += wCont[i] * (residual[i] - etaCont) * xi[a];
                m3[a] += wCont[i] * xi[a];
                for (int b = 0; b <= a; b++) {
                    double xx = xi[a] * xi[b];
                    xwx[a][b] += w * xx;
                    if (d[i] == 0) {
                        xpx[a][b] += xx;
                    }
                }
            }
        }
        double[] olsDirection = new double[k];
        double[] psDirection = new double[k];
        for (int a = 0; a < k; a++) {
            olsDirection[a] = (m1[a] / n) / meanWTreat - (m3[a] / n) / meanWCont;
            psDirection[a] = (m2[a] / n) / meanWCont;
            for (int b = 0; b <= a; b++) {
                xpx[a][b] /= n;
                xpx[b][a] = xpx[a][b];
                xwx[a][b] /= n;
                xwx[b][a] = xwx[a][b];
            }
        }
        double[] bOls = multiply(inverse(xpx), olsDirection);
        double[] bPs = multiply(inverse(xwx), psDirection);

        double[] psi = new double[n];
        double sumSquares = 0;
        for (int i = 0; i < n; i++) {
            double inf = wTreat[i] * (residual[i] - etaTreat) / meanWTreat
                    - wCont[i] * (residual[i] - etaCont) / meanWCont
                    - (1 - d[i]) * residual[i] * dot(x[i], bOls)
                    - (d[i] - p[i]) * dot(x[i], bPs);
            // R's did rescales the influence by n / n_cell and divides its sum of squares by n^2.
            psi[i] = inf / n;
            sumSquares += psi[i] * psi[i];
        }
        return new Result(etaTreat - etaCont, psi, Math.sqrt(sumSquares), k - 1, ps.converged && overlap);
    }

    /**
     * The design cbind(1, X) over the kept columns. Kept columns are centred and scaled by their
     * mean and standard deviation over the cell: fitted values, the estimate and its influence
     * function are invariant to this, and the normal equations are far better conditioned.
     */
    private record Design(double[][] rows, int columns) {

        static Design of(Unit[] units) {
            int n = units.length;
            int candidates = units[0].x().length;
            for (Unit u : units) {
                if (u.x().length != candidates) {
                    throw new IllegalArgumentException("every unit needs the same number of covariates");
                }
                for (double v : u.x()) {
                    if (!Double.isFinite(v)) {
                        throw new IllegalArgumentException("covariates must be finite");
                    }
                }
            }
            int controls = 0;
            for (Unit u : units) {
                controls += u.treated() ? 0 : 1;
            }
            // Greedy Gram-Schmidt over the control rows, the intercept first: a column is kept when
            // what is left of it after projecting out the kept ones exceeds ALIAS_TOLERANCE of its norm.
            double[][] basis = new double[candidates + 1][];
            double[] intercept = new double[controls];
            Arrays.fill(intercept, 1 / Math.sqrt(controls));
            basis[0] = intercept;
            int basisSize = 1;
            int[] kept = new int[candidates];
            int keptCount = 0;
            for (int j = 0; j < candidates; j++) {
                double[] c = new double[controls];
                int r = 0;
                for (Unit u : units) {
                    if (!u.treated()) {
                        c[r++] = u.x()[j];
                    }
                }
                double norm = Math.sqrt(dotSelf(c));
                if (norm == 0) {
                    continue;
                }
                for (int pass = 0; pass < 2; pass++) {
                    for (int q = 0; q < basisSize; q++) {
                        double proj = dot(basis[q], c);
                        for (int i = 0; i < controls; i++) {
                            c[i] -= proj * basis[q][i];
                        }
                    }
                }
                double left = Math.sqrt(dotSelf(c));
                if (left > ALIAS_TOLERANCE * norm) {
                    for (int i = 0; i < controls; i++) {
                        c[i] /= left;
                    }
                    basis[basisSize++] = c;
                    kept[keptCount++] = j;
                }
            }
            double[] mean = new double[keptCount];
            double[] scale = new double[keptCount];
            for (int a = 0; a < keptCount; a++) {
                double s = 0;
                for (Unit u : units) {
                    s += u.x()[kept[a]];
                }
                mean[a] = s / n;
                double ss = 0;
                for (Unit u : units) {
                    double v = u.x()[kept[a]] - mean[a];
                    ss += v * v;
                }
                // Not constant among the controls, so not constant over the cell: ss > 0.
                scale[a] = Math.sqrt(ss / n);
            }
            double[][] rows = new double[n][keptCount + 1];
            for (int i = 0; i < n; i++) {
                double[] xi = units[i].x();
                rows[i][0] = 1;
                for (int a = 0; a < keptCount; a++) {
                    rows[i][a + 1] = (xi[kept[a]] - mean[a]) / scale[a];
                }
            }
            return new Design(rows, keptCount + 1);
        }
    }

    /** Logistic regression of d on x by IRLS, step for step R's glm.fit (binomial, unit weights). */
    private record Logit(double[] fitted, boolean converged) {

        static Logit fit(double[][] x, double[] d) {
            int n = x.length;
            int k = x[0].length;
            double[] mu = new double[n];
            double[] eta = new double[n];
            for (int i = 0; i < n; i++) {
                mu[i] = (d[i] + 0.5) / 2; // glm.fit's mustart = (weights * y + 0.5) / (weights + 1)
                eta[i] = Math.log(mu[i] / (1 - mu[i]));
            }
            double devOld = deviance(d, mu);
            for (int iter = 0; iter < IRLS_MAX_ITERATIONS; iter++) {
                double[][] xwx = new double[k][k];
                double[] xwz = new double[k];
                for (int i = 0; i < n; i++) {
                    double muEta = muEta(eta[i]);
                    double z = eta[i] + (d[i] - mu[i]) / muEta;
                    double w = muEta * muEta / (mu[i] * (1 - mu[i]));
                    double[] xi = x[i];
                    for (int a = 0; a < k; a++) {
                        xwz[a] += w * xi[a] * z;
                        for (int b = 0; b <= a; b++) {
                            xwx[a][b] += w * xi[a] * xi[b];
                        }
                    }
                }
                for (int a = 0; a < k; a++) {
                    for (int b = 0; b < a; b++) {
                        xwx[b][a] = xwx[a][b];
                    }
                }
                double[] coef;
                try {
                    coef = new CholeskyDecomposition(new Array2DRowRealMatrix(xwx, false), 1e-12, 0)
                            .getSolver().solve(new ArrayRealVector(xwz, false)).toArray();
                } catch (NonPositiveDefiniteMatrixException e) {
                    // Weights underflowed (perfect separation): keep the last fit, not converged.
                    return new Logit(mu, false);
                }
                for (int i = 0; i < n; i++) {
                    eta[i] = dot(x[i], coef);
                    mu[i] = linkInverse(eta[i]);
                }
                double dev = deviance(d, mu);
                if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < IRLS_EPSILON) {
                    return new Logit(mu, true);
                }
                devOld = dev;
            }
            return new Logit(mu, false);
        }

        private static double linkInverse(double eta) {
            double t = eta < -ETA_THRESHOLD ? DBL_EPSILON : eta > ETA_THRESHOLD ? 1 / DBL_EPSILON : Math.exp(eta);
            return t / (1 + t);
        }

        private static double muEta(double eta) {
            if (eta > ETA_THRESHOLD || eta < -ETA_THRESHOLD) {
                return DBL_EPSILON;
            }
            double opexp = 1 + Math.exp(eta);
            return Math.exp(eta) / (opexp * opexp);
        }

        private static double deviance(double[] d, double[] mu) {
            double dev = 0;
            for (int i = 0; i < d.length; i++) {
                dev += -2 * (d[i] == 1 ? Math.log(mu[i]) : Math.log(1 - mu[i]));
            }
            return dev;
        }
    }

    /** OLS of dy on x among the controls, by Householder QR (as lm.fit), for all units' predictions. */
    private static double[] controlOls(double[][] x, double[] d, double[] dy) {
        int controls = 0;
        for (double v : d) {
            controls += v == 0 ? 1 : 0;
        }
        double[][] xc = new double[controls][];
        double[] yc = new double[controls];
        int r = 0;
        for (int i = 0; i < x.length; i++) {
            if (d[i] == 0) {
                xc[r] = x[i];
                yc[r++] = dy[i];
            }
        }
        return new QRDecomposition(new Array2DRowRealMatrix(xc, false)).getSolver()
                .solve(new ArrayRealVector(yc, false)).toArray();
    }

    /** Inverse of a symmetric positive semi-definite matrix; the pseudo-inverse where it is numerically singular. */
    private static double[][] inverse(double[][] a) {
        RealMatrix m = new Array2DRowRealMatrix(a, false);
        try {
            return new CholeskyDecomposition(m, 1e-12, 0).getSolver().getInverse().getData();
        } catch (NonPositiveDefiniteMatrixException e) {
            return new SingularValueDecomposition(m).getSolver().getInverse().getData();
        }
    }

    private static double[] multiply(double[][] a, double[] v) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = dot(a[i], v);
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double dotSelf(double[] a) {
        return dot(a, a);
    }
}

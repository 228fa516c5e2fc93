package dev.valueledger.impact;

import org.apache.spark.sql.Row;

import java.io.Serializable;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sums over the accounts that adopted no Epic near a month pair (base, t): their number, the sums of
 * Y_t - Y_base and of its square per outcome, and per bootstrap draw the sums of the draw's weight and
 * of weight x (Y_t - Y_base); with, per account, the cohort months whose (g - 1, g) pair it is such a
 * control of (CONTRACT §2 Impact; {@link PooledControls} explains the decomposition).
 */
final class MonthPairSums implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Outcome index: 0 = mrr, 1 = active, in the order of {@link #OUTCOMES}. */
    static final List<String> OUTCOMES = List.of("mrr", "active");

    private final int[] base;
    private final int[] t;
    private final int k;
    private final int first;
    private final int lastOfAll;
    private final int draws;

    private final long[] n;
    /** [outcome][pair] */
    private final double[][] s1;
    private final double[][] s2;
    /** [pair * draws + draw - 1]: sum of the Rademacher weights */
    private final double[] w;
    /** [outcome][pair * draws + draw - 1]: sum of weight x (Y_t - Y_base) */
    private final double[][] v;
    /** Good cohort months (bit m - first) -> number of accounts with exactly those. */
    private final Map<BitSet, Long> months = new LinkedHashMap<>();

    MonthPairSums(int[] base, int[] t, int k, int first, int lastOfAll, int draws) {
        this.base = base;
        this.t = t;
        this.k = k;
        this.first = first;
        this.lastOfAll = lastOfAll;
        this.draws = draws;
        int pairs = base.length;
        this.n = new long[pairs];
        this.s1 = new double[2][pairs];
        this.s2 = new double[2][pairs];
        this.w = new double[pairs * draws];
        this.v = new double[][] {new double[pairs * draws], new double[pairs * draws]};
    }

    /** The same pairs and settings, with nothing added. */
    MonthPairSums copyEmpty() {
        return new MonthPairSums(base, t, k, first, lastOfAll, draws);
    }

    int pairs() {
        return base.length;
    }

    int draws() {
        return draws;
    }

    /** Index of the pair (base, t); every cell's pair is one, since the pairs are read from the cells. */
    int pair(int b, int tm) {
        for (int p = 0; p < base.length; p++) {
            if (base[p] == b && t[p] == tm) {
                return p;
            }
        }
        throw new IllegalStateException("month pair (" + b + ", " + tm + ") is not among the pooled pairs");
    }

    int base(int pair) {
        return base[pair];
    }

    int t(int pair) {
        return t[pair];
    }

    long n(int pair) {
        return n[pair];
    }

    double sum(int outcome, int pair) {
        return s1[outcome][pair];
    }

    double sumOfSquares(int outcome, int pair) {
        return s2[outcome][pair];
    }

    /** Draw {@code draw} (1-based) of the weights' sum over the pair's accounts. */
    double weights(int pair, int draw) {
        return w[pair * draws + draw - 1];
    }

    /** Draw {@code draw} (1-based) of the weighted sum of the outcome's differences over the pair's accounts. */
    double weighted(int outcome, int pair, int draw) {
        return v[outcome][pair * draws + draw - 1];
    }

    /** Per set of good cohort months (bit m - first for month index m), the number of accounts. */
    Map<BitSet, Long> goodMonths() {
        return months;
    }

    /**
     * Adds one account.
     *
     * @param entered its first month with MRR > 0, or null
     * @param ys      month index -> (mrr, active) as doubles
     * @param cohorts its adoption months, of every Epic
     * @param plus    per draw whether its weight is +1 (else -1); length {@code draws}
     */
    void add(Integer entered, Map<Integer, Row> ys, int[] cohorts, boolean[] plus) {
        if (entered == null) {
            return;
        }
        double[] sign = new double[draws];
        for (int b = 0; b < draws; b++) {
            sign[b] = plus[b] ? 1.0 : -1.0;
        }
        for (int p = 0; p < base.length; p++) {
            int bm = base[p];
            int tm = t[p];
            if (entered > bm || adoptedWithin(cohorts, bm - k, tm + k)) {
                continue;
            }
            Row yb = ys.get(bm);
            Row yt = ys.get(tm);
            if (yb == null || yt == null) {
                continue;
            }
            double dm = yt.getDouble(0) - yb.getDouble(0);
            double da = yt.getDouble(1) - yb.getDouble(1);
            n[p]++;
            s1[0][p] += dm;
            s2[0][p] += dm * dm;
            s1[1][p] += da;
            s2[1][p] += da * da;
            int off = p * draws;
            double[] v0 = v[0];
            double[] v1 = v[1];
            for (int b = 0; b < draws; b++) {
                double s = sign[b];
                w[off + b] += s;
                v0[off + b] += s * dm;
                v1[off + b] += s * da;
            }
        }
        BitSet good = new BitSet();
        for (int m = Math.max(first + 1, entered + 1); m <= lastOfAll; m++) {
            if (ys.containsKey(m - 1) && ys.containsKey(m) && !adoptedWithin(cohorts, m - 1 - k, m + k)) {
                good.set(m - first);
            }
        }
        if (!good.isEmpty()) {
            months.merge(good, 1L, Long::sum);
        }
    }

    private static boolean adoptedWithin(int[] cohorts, int from, int to) {
        for (int c : cohorts) {
            if (c >= from && c <= to) {
                return true;
            }
        }
        return false;
    }

    /** Adds another part's sums to this one (the caller adds the parts in a fixed order). */
    MonthPairSums plus(MonthPairSums o) {
        for (int p = 0; p < n.length; p++) {
            n[p] += o.n[p];
        }
        for (int q = 0; q < 2; q++) {
            for (int p = 0; p < n.length; p++) {
                s1[q][p] += o.s1[q][p];
                s2[q][p] += o.s2[q][p];
            }
            for (int i = 0; i < w.length; i++) {
                v[q][i] += o.v[q][i];
            }
        }
        for (int i = 0; i < w.length; i++) {
            w[i] += o.w[i];
        }
        o.months.forEach((m, c) -> months.merge(m, c, Long::sum));
        return this;
    }
}

package dev.valueledger.product;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.sql.Column;

import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;

/** Wilson score interval of a proportion, as Spark column expressions (CONTRACT §2 Adoption figures: Wilson intervals at account level). */
public final class Wilson {

    private Wilson() { }

    /**
     * Two-sided standard normal quantile for a confidence level, e.g. 1.959964 for 0.95. Computed
     * once on the driver; commons-math3 comes with Spark.
     */
    public static double z(double confidenceLevel) {
        if (!(confidenceLevel > 0 && confidenceLevel < 1)) {
            throw new IllegalArgumentException("confidence level must be in (0, 1), got " + confidenceLevel);
        }
        return new NormalDistribution().inverseCumulativeProbability(0.5 + confidenceLevel / 2);
    }

    /** Lower bound for {@code successes} of {@code trials}; null when there are no trials. */
    public static Column low(Column successes, Column trials, double z) {
        return when(trials.gt(0), greatest(lit(0.0), centre(successes, trials, z).minus(halfWidth(successes, trials, z))));
    }

    /** Upper bound for {@code successes} of {@code trials}; null when there are no trials. */
    public static Column high(Column successes, Column trials, double z) {
        return when(trials.gt(0), least(lit(1.0), centre(successes, trials, z).plus(halfWidth(successes, trials, z))));
    }

    // Wilson (1927): (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n). The clamps only absorb
    // floating-point dust at p = 0 or 1; the interval itself never leaves [0, 1].
    private static Column centre(Column k, Column n, double z) {
        Column p = k.cast("double").divide(n.cast("double"));
        return p.plus(lit(z * z / 2).divide(n)).divide(denominator(n, z));
    }

    private static Column halfWidth(Column k, Column n, double z) {
        Column nd = n.cast("double");
        Column p = k.cast("double").divide(nd);
        Column variance = p.multiply(lit(1.0).minus(p)).divide(nd).plus(lit(z * z / 4).divide(nd.multiply(nd)));
        return lit(z).multiply(sqrt(variance)).divide(denominator(n, z));
    }

    private static Column denominator(Column n, double z) {
        return lit(1.0).plus(lit(z * z).divide(n.cast("double")));
    }
}

package dev.valueledger.finance;

import org.apache.spark.sql.Column;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/** Standard normal distribution function as a Spark expression (Zelen and Severo 1964, Abramowitz and Stegun 26.2.17; absolute error below 7.5e-8), for P(ROI > 0) (CONTRACT §2 ROI). */
final class NormalCdf {

    private static final double P = 0.2316419;
    private static final double[] B = {0.319381530, -0.356563782, 1.781477937, -1.821255978, 1.330274429};
    private static final double INV_SQRT_2PI = 0.3989422804014327;

    private NormalCdf() { }

    /** Phi(z); null stays null. Spark has no built-in normal CDF, and this keeps it out of a UDF. */
    static Column of(Column z) {
        Column x = abs(z);
        Column t = lit(1.0).divide(lit(1.0).plus(x.multiply(P)));
        Column poly = lit(B[4]);
        for (int i = 3; i >= 0; i--) {
            poly = poly.multiply(t).plus(B[i]);
        }
        Column upperTail = exp(x.multiply(x).multiply(-0.5)).multiply(INV_SQRT_2PI).multiply(t).multiply(poly);
        return when(z.geq(0), lit(1.0).minus(upperTail)).otherwise(upperTail);
    }
}

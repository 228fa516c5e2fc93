package dev.valueledger.outcomes;

import org.apache.spark.sql.Column;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.when;

/** Outcome attainment and its status bands (CONTRACT §2 Outcome attainment), shared by Epic scorecards and key results. */
final class Attainment {

    static final String ACHIEVED = "achieved";
    static final String PARTIAL = "partial";
    static final String MISSED = "missed";
    static final String PENDING = "pending";
    static final String INCONCLUSIVE = "inconclusive";

    private Attainment() { }

    static Column decreasing(Column direction) {
        return lower(direction).equalTo("decrease");
    }

    /** Movement from the baseline in the wanted direction: actual − baseline, mirrored (baseline − actual) for decrease. */
    static Column gain(Column value, Column baseline, Column direction) {
        return when(decreasing(direction), baseline.minus(value)).otherwise(value.minus(baseline));
    }

    /** The planned gain, target measured like the actual; 0 or less means there is nothing to attain. */
    static Column plannedGain(Column baseline, Column target, Column direction) {
        return gain(target, baseline, direction);
    }

    /** gain ÷ planned gain (DOUBLE); null when the planned gain is 0 or a figure is missing. */
    static Column of(Column actual, Column baseline, Column target, Column direction) {
        Column planned = plannedGain(baseline, target, direction);
        return when(planned.notEqual(0), gain(actual, baseline, direction).divide(planned)).cast("double");
    }

    /** achieved (≥ 1), partial (≥ 0.5) or missed; null when attainment is null. */
    static Column band(Column attainment) {
        return when(attainment.geq(1.0), lit(ACHIEVED))
                .when(attainment.geq(0.5), lit(PARTIAL))
                .when(attainment.isNotNull(), lit(MISSED));
    }
}

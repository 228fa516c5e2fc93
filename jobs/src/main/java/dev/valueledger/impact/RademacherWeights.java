package dev.valueledger.impact;

import org.apache.spark.sql.catalyst.expressions.XXH64;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The multiplier bootstrap's weight of a unit in a draw: +1 when Spark's {@code xxhash64(seed, unit, draw)} is even,
 * -1 when odd (CONTRACT §2 Impact, standard errors).
 */
final class RademacherWeights {

    // The weights are Spark SQL's xxhash64 over (seed: long, unit: string, draw: int), computed here in Java
    // because a unit's seed-and-id part of the hash is the same in every draw: each unit costs one hash of its id
    // and then one hash of an int per draw, where a SQL expression would hash the whole tuple per exploded row.
    // RademacherWeightsTest holds the two equal.

    /** The seed Spark's xxhash64 starts from. */
    private static final long SPARK_XXHASH64_SEED = 42L;

    private RademacherWeights() { }

    /** The part of the hash shared by all draws of {@code unit} (a null unit leaves it unchanged, as in Spark). */
    static long unitHash(long seed, String unit) {
        long h = XXH64.hashLong(seed, SPARK_XXHASH64_SEED);
        return unit == null ? h : XXH64.hashUTF8String(UTF8String.fromString(unit), h);
    }

    /** True when the unit whose {@link #unitHash} is given weighs +1 in draw {@code draw} (1-based). */
    static boolean plus(long unitHash, int draw) {
        // pmod(h, 2) = 0 exactly when the lowest bit is clear, whatever the sign of h.
        return (XXH64.hashInt(draw, unitHash) & 1L) == 0;
    }

    /** The unit's signs in draws 1..draws: element b - 1 is {@link #plus} of draw b. */
    static boolean[] plus(long seed, String unit, int draws) {
        long h = unitHash(seed, unit);
        boolean[] signs = new boolean[draws];
        for (int b = 0; b < draws; b++) {
            signs[b] = plus(h, b + 1);
        }
        return signs;
    }
}

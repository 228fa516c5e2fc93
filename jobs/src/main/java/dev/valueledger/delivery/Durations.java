package dev.valueledger.delivery;

import org.apache.spark.sql.Column;

import static org.apache.spark.sql.functions.unix_micros;

/** Exact timestamp differences in the unit a column name gives (CONTRACT conventions: durations). */
public final class Durations {

    private static final double MICROS_PER_SECOND = 1_000_000.0;

    private Durations() { }

    /** {@code to - from} in seconds, to the microsecond; null when either end is null. */
    public static Column seconds(Column from, Column to) {
        return unix_micros(to).minus(unix_micros(from)).divide(MICROS_PER_SECOND);
    }

    public static Column hours(Column from, Column to) {
        return seconds(from, to).divide(3600.0);
    }

    public static Column days(Column from, Column to) {
        return seconds(from, to).divide(86400.0);
    }
}

package dev.valueledger.generate;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The generated company's calendar: invoice history from 2024-10, the analysed year 2025, and how
 * instants, dates and months are written (CONTRACT conventions).
 */
final class TimeAxis {
    static final LocalDate HISTORY_START = LocalDate.of(2024, 10, 1);
    static final LocalDate PERIOD_START = LocalDate.of(2025, 1, 1);
    static final LocalDate PERIOD_END = LocalDate.of(2026, 1, 1);
    /** Months 2024-10 .. 2025-12, indexed from 0. */
    static final int MONTHS = 15;
    static final long DAY = 86_400L;
    static final long HOUR = 3_600L;
    static final long HISTORY_START_S = epoch(HISTORY_START);
    static final long PERIOD_START_S = epoch(PERIOD_START);
    /** Nothing generated happens at or after this instant (the run comes later). */
    static final long END_S = epoch(PERIOD_END);

    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");
    private static final ZoneOffset[] OFFSETS = {ZoneOffset.UTC, ZoneOffset.ofHours(2), ZoneOffset.ofHours(-5)};
    private static final double[] OFFSET_WEIGHTS = {0.86, 0.09, 0.05};

    private TimeAxis() { }

    static long epoch(LocalDate d) {
        return d.toEpochDay() * DAY;
    }

    static LocalDate monthStart(int m) {
        return HISTORY_START.plusMonths(m);
    }

    static long monthStartS(int m) {
        return epoch(monthStart(m));
    }

    /** Month index of an instant; negative before the history, >= MONTHS after it. */
    static int monthIndex(long epochSecond) {
        LocalDate d = LocalDate.ofEpochDay(Math.floorDiv(epochSecond, DAY));
        return (d.getYear() - HISTORY_START.getYear()) * 12 + d.getMonthValue() - HISTORY_START.getMonthValue();
    }

    static String month(int m) {
        LocalDate d = monthStart(m);
        return String.format("%04d-%02d", d.getYear(), d.getMonthValue());
    }

    static LocalDate date(long epochSecond) {
        return LocalDate.ofEpochDay(Math.floorDiv(epochSecond, DAY));
    }

    /** ISO-8601 with offset; most instants in UTC ({@code Z}), some in +02:00 / -05:00 (same instant). */
    static String ts(long epochSecond, Rng rng) {
        return ts(epochSecond, OFFSETS[rng.weighted(OFFSET_WEIGHTS)]);
    }

    static String ts(long epochSecond, ZoneOffset offset) {
        return LocalDateTime.ofEpochSecond(epochSecond, 0, offset).atOffset(offset).format(TS);
    }

    static String utc(long epochSecond) {
        return ts(epochSecond, ZoneOffset.UTC);
    }
}

package dev.valueledger.pipeline;

import dev.valueledger.UserError;
import org.apache.spark.sql.Column;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.quarter;
import static org.apache.spark.sql.functions.to_date;
import org.apache.spark.sql.functions;

/**
 * A reporting quarter {@code YYYY-Qn} (CONTRACT conventions): calendar quarters, or fiscal ones
 * when {@code fiscal-year-start-month} is set, in which case a fiscal year is named after the
 * calendar year in which it ends (FY2026 starting July 2025 runs to June 2026).
 */
public record Quarter(int year, int number, int fiscalStartMonth) {

    private static final Pattern LABEL = Pattern.compile("(\\d{4})-Q([1-4])");

    public Quarter {
        if (number < 1 || number > 4 || fiscalStartMonth < 1 || fiscalStartMonth > 12) {
            throw new IllegalArgumentException("bad quarter " + year + "-Q" + number);
        }
    }

    /** Parses {@code YYYY-Qn}; anything else is a user error naming the expected form. */
    public static Quarter parse(String label, int fiscalStartMonth) {
        Matcher m = LABEL.matcher(label == null ? "" : label.trim());
        if (!m.matches()) {
            throw new UserError("quarter '" + label + "' is not of the form YYYY-Qn (for example 2025-Q3)");
        }
        return new Quarter(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), fiscalStartMonth);
    }

    /** The quarter that contains a date. */
    public static Quarter containing(LocalDate date, int fiscalStartMonth) {
        LocalDate shifted = date.minusMonths(fiscalStartMonth - 1L);
        int fy = shifted.getYear() + (fiscalStartMonth == 1 ? 0 : 1);
        return new Quarter(fy, (shifted.getMonthValue() - 1) / 3 + 1, fiscalStartMonth);
    }

    public String label() {
        return year + "-Q" + number;
    }

    /** First day of the quarter (inclusive), UTC. */
    public LocalDate start() {
        int calendarYear = year - (fiscalStartMonth == 1 ? 0 : 1);
        return LocalDate.of(calendarYear, fiscalStartMonth, 1).plusMonths(3L * (number - 1));
    }

    /** First day after the quarter (exclusive), UTC. */
    public LocalDate end() {
        return start().plusMonths(3);
    }

    public long days() {
        return ChronoUnit.DAYS.between(start(), end());
    }

    public Quarter next() {
        return containing(end(), fiscalStartMonth);
    }

    public Quarter previous() {
        return containing(start().minusDays(1), fiscalStartMonth);
    }

    /** Spark expression giving the quarter label of a date or timestamp column (UTC session). */
    public static Column labelOf(Column dateOrTimestamp, int fiscalStartMonth) {
        Column shifted = add_months(to_date(dateOrTimestamp), -(fiscalStartMonth - 1));
        Column fy = fiscalStartMonth == 1 ? functions.year(shifted) : functions.year(shifted).plus(1);
        return concat(fy.cast("string"), lit("-Q"), quarter(shifted).cast("string"));
    }

    @Override
    public String toString() {
        return label();
    }
}

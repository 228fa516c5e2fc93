package dev.valueledger.pipeline;

import dev.valueledger.UserError;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class QuarterTest {

    @Test
    void calendarQuarters() {
        Quarter q = Quarter.parse("2025-Q1", 1);
        assertEquals(LocalDate.of(2025, 1, 1), q.start());
        assertEquals(LocalDate.of(2025, 4, 1), q.end());
        assertEquals(90, q.days());
        assertEquals("2025-Q2", q.next().label());
        assertEquals("2024-Q4", q.previous().label());
        assertEquals("2024-Q4", Quarter.containing(LocalDate.of(2024, 12, 31), 1).label());
    }

    @Test
    void fiscalYearNamedAfterTheYearItEnds() {
        Quarter q = Quarter.parse("2026-Q1", 7);
        assertEquals(LocalDate.of(2025, 7, 1), q.start());
        assertEquals("2026-Q1", Quarter.containing(LocalDate.of(2025, 8, 15), 7).label());
        assertEquals("2026-Q4", Quarter.containing(LocalDate.of(2026, 6, 30), 7).label());
        assertEquals("2027-Q1", Quarter.containing(LocalDate.of(2026, 7, 1), 7).label());
    }

    @Test
    void malformedQuarterIsAUserError() {
        UserError e = assertThrows(UserError.class, () -> Quarter.parse("2025Q5", 1));
        assertEquals("quarter '2025Q5' is not of the form YYYY-Qn (for example 2025-Q3)", e.getMessage());
    }
}

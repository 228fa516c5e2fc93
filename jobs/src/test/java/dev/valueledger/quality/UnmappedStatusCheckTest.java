package dev.valueledger.quality;

import dev.valueledger.SparkTestBase;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UnmappedStatusCheckTest extends SparkTestBase {

    @Test
    void theTenNamedAreTheMostFrequentThenByNameWhateverThePartitioning() {
        // Thirteen unmapped statuses: "Zeta" 3 times, "L".."A" (12) once each, given in reverse and spread over
        // four partitions. The ten named: Zeta, then the first nine by name (A..I); 12 + 1 = 13 counted in all.
        Check c = DataQuality.unmappedStatuses(df("status STRING, occurrences LONG",
                row("L", 1L), row("K", 1L), row("J", 1L), row("I", 1L), row("H", 1L), row("G", 1L),
                row("F", 1L), row("E", 1L), row("D", 1L), row("C", 1L), row("B", 1L), row("A", 1L),
                row("Zeta", 3L)).repartition(4));
        assertEquals("warn", c.status());
        assertEquals(13.0, c.observed());
        assertEquals("counted as active; map them in valueledger.status-categories: "
                + "Zeta (3), A (1), B (1), C (1), D (1), E (1), F (1), G (1), H (1), I (1)", c.details());
    }
}

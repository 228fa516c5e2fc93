package dev.valueledger.pipeline;

import dev.valueledger.ingest.Source;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which silver tables the gold stage holds in memory for the run, and which it reads from Delta each time. */
class GoldStageTest {

    @Test
    void silverTablesUpToTheLimitAreHeldLargerOnesAreRead() {
        Map<Source, Long> rows = Map.of(
                Source.TEAMS, 20L,
                Source.INVOICE_LINES, GoldStage.HELD_SILVER_ROWS,
                Source.PRODUCT_EVENTS, GoldStage.HELD_SILVER_ROWS + 1);
        assertTrue(GoldStage.held(Source.TEAMS, rows));
        assertTrue(GoldStage.held(Source.INVOICE_LINES, rows), "the limit itself is held");
        assertFalse(GoldStage.held(Source.PRODUCT_EVENTS, rows), "one row over the limit is read from Delta");
    }

    @Test
    void aSourceAbsentFromTheInputHasAnEmptySilverTableAndIsHeld() {
        assertTrue(GoldStage.held(Source.FEATURE_EXPOSURES, Map.of(Source.TEAMS, 20L)));
    }
}

package dev.valueledger.quality;

import dev.valueledger.SparkTestBase;
import dev.valueledger.publish.TableSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KeysAndCountCheckTest extends SparkTestBase {

    private static final TableSpec SPEC = TableSpec.gold("keys_test", "a test table")
            .column("team_id", "team").column("quarter", "quarter").column("value", "a figure").key("team_id", "quarter").build();

    @Test
    void uniqueKeysPassAndACountWithinHalfOfTheLastGoodRunPasses() {
        List<Check> c = DataQuality.keysAndCount(SPEC, df("team_id STRING, quarter STRING, value INT",
                row("t1", "2025-Q1", 1), row("t1", "2025-Q2", 2), row("t2", "2025-Q1", 3)), Optional.of(4.0));
        assertEquals("pass", c.get(0).status(), c.get(0).details());
        assertEquals("key (team_id, quarter): 3 rows, 0 repeated, 0 with a null part", c.get(0).details());
        // 3 rows against 4: -25%, within 50%.
        assertEquals("pass", c.get(1).status());
        assertEquals("3 rows; 4 after the last good run (-25.0%)", c.get(1).details());
    }

    @Test
    void aRepeatedOrNullKeyFailsAndADoubledCountWarns() {
        List<Check> c = DataQuality.keysAndCount(SPEC, df("team_id STRING, quarter STRING, value INT",
                row("t1", "2025-Q1", 1), row("t1", "2025-Q1", 2), row(null, "2025-Q1", 3), row("t2", "2025-Q1", 4)),
                Optional.of(2.0));
        assertEquals("fail", c.get(0).status());
        assertEquals(2.0, c.get(0).observed()); // one repeat of (t1, 2025-Q1), one null team_id
        assertEquals("warn", c.get(1).status()); // 4 against 2: +100%
        assertEquals(4.0, c.get(1).observed());
    }

    @Test
    void withoutAnEarlierRunTheCountOnlyReports() {
        Check count = DataQuality.keysAndCount(SPEC, df("team_id STRING, quarter STRING, value INT", row("t1", "2025-Q1", 1)),
                Optional.empty()).get(1);
        assertEquals("pass", count.status());
        assertEquals("1 rows; no earlier good run to compare with", count.details());
    }
}

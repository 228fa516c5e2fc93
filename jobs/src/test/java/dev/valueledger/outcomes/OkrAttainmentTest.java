package dev.valueledger.outcomes;

import dev.valueledger.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

class OkrAttainmentTest extends SparkTestBase {

    @Test
    void meanOfScoredKeyResultsEachClampedToZeroOne() {
        Dataset<Row> progress = df("team_id STRING, quarter STRING, attainment DOUBLE, status STRING",
                row("T1", "2025-Q2", 1.5, "achieved"),       // clamped to 1
                row("T1", "2025-Q2", 0.4, "missed"),
                row("T1", "2025-Q2", -0.2, "missed"),        // clamped to 0
                row("T1", "2025-Q2", null, "no_data"),       // left out
                row("T1", "2025-Q2", 0.9, "inconclusive"),   // left out: not scored
                row("T1", "2025-Q3", 0.6, "partial"),
                row("T2", "2025-Q2", null, "no_data"));      // nothing scored: no row
        List<Row> rows = OkrAttainment.perTeamQuarter(progress).collectAsList();
        Map<String, Double> byTeamQuarter = rows.stream().collect(Collectors.toMap(
                r -> r.getString(0) + " " + r.getString(1), r -> r.getDouble(2)));
        Assertions.assertEquals(2, byTeamQuarter.size(), byTeamQuarter.toString());
        // (1 + 0.4 + 0) / 3 = 0.466667
        Assertions.assertEquals(1.4 / 3, byTeamQuarter.get("T1 2025-Q2"), 1e-12);
        Assertions.assertEquals(0.6, byTeamQuarter.get("T1 2025-Q3"), 1e-12);
        Assertions.assertEquals(List.of("team_id", "quarter", "okr_attainment"),
                List.of(OkrAttainment.perTeamQuarter(progress).columns()));
    }
}

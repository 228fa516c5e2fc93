package dev.valueledger.impact;

import dev.valueledger.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The multiplier bootstrap agrees with the analytic standard error it approximates. */
class MultiplierBootstrapTest extends SparkTestBase {

    @Test
    void bootstrapStandardErrorApproximatesTheAnalyticOne() {
        // 400 units, psi_i = (i mod 7 - 3) / 100: analytic SE = sqrt(sum psi^2).
        List<Object[]> rows = new ArrayList<>();
        double sumSq = 0;
        for (int i = 0; i < 400; i++) {
            double psi = (i % 7 - 3) / 100.0;
            sumSq += psi * psi;
            rows.add(row("a", "u" + i, psi));
        }
        Dataset<Row> influence = df("agg STRING, unit STRING, psi DOUBLE", rows.toArray(new Object[0][]));
        double se = MultiplierBootstrap.standardErrors(influence, List.of(), List.of("agg"), 999, 20240101L).first().getDouble(1);
        // With 999 draws the IQR-based estimate is within a few percent; 10% leaves room.
        assertEquals(Math.sqrt(sumSq), se, 0.10 * Math.sqrt(sumSq));
        double again = MultiplierBootstrap.standardErrors(influence, List.of(), List.of("agg"), 999, 20240101L).first().getDouble(1);
        assertEquals(se, again, 0.0, "a seed fixes the draws");
    }
}

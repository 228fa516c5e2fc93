package dev.valueledger.impact;

import dev.valueledger.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The estimator against R did 2.5.1 on mpdta and against Card and Krueger (1994). */
class DidEstimatorValidationTest extends SparkTestBase {

    private static final double EXACT = 1e-9;

    private Dataset<Row> csv(String relative) {
        return spark().read().option("header", "true").option("inferSchema", "true")
                .option("nullValue", "NA").csv(ValidationData.file(relative));
    }

    private DidEstimator.Result mpdta() {
        return new DidEstimator("countyreal", "year", "lemp", "first.treat", ControlGroup.NEVER_TREATED)
                .estimate(csv("mpdta/mpdta.csv"));
    }

    @Test
    void mpdtaGroupTimeEffectsEqualR() {
        List<Aggregation.Cell> cells = mpdta().collectCells();
        List<Row> expected = csv("mpdta/expected_attgt_never_treated.csv").collectAsList();
        assertEquals(expected.size(), cells.size(), "number of ATT(g,t) cells");
        Map<String, Aggregation.Cell> byKey = new HashMap<>();
        cells.forEach(c -> byKey.put(c.g() + "/" + c.t(), c));
        for (Row e : expected) {
            String key = e.getAs("group") + "/" + e.getAs("t");
            Aggregation.Cell c = byKey.get(key);
            assertNotNull(c, "cell " + key);
            assertEquals((double) e.getAs("att"), c.att(), EXACT, "att " + key);
            assertEquals((double) e.getAs("se"), c.se(), EXACT, "se " + key);
        }
    }

    @Test
    void mpdtaAggregationsEqualR() {
        List<Aggregation.AggteRow> rows = Aggregation.aggte(mpdta());
        List<Row> expected = csv("mpdta/expected_aggte_never_treated.csv").collectAsList();
        assertEquals(expected.size(), rows.size(), "number of aggte rows");
        Map<String, Aggregation.AggteRow> byKey = new HashMap<>();
        rows.forEach(r -> byKey.put(r.type() + "/" + r.egt(), r));
        for (Row e : expected) {
            String type = e.getAs("type");
            Object egt = e.getAs("egt");
            String key = type + "/" + egt;
            Aggregation.AggteRow r = byKey.get(key);
            assertNotNull(r, "aggregate " + key);
            assertEquals((double) e.getAs("overall_att"), r.overallAtt(), EXACT, "overall_att " + key);
            assertEquals((double) e.getAs("overall_se"), r.overallSe(), EXACT, "overall_se " + key);
            if (egt != null) {
                assertEquals((double) e.getAs("att_egt"), r.attEgt(), EXACT, "att_egt " + key);
                assertEquals((double) e.getAs("se_egt"), r.seEgt(), EXACT, "se_egt " + key);
            }
        }
    }

    /** NJ stores are cohort 1 (treated from the second wave, d = 1); PA stores are never treated. */
    private Dataset<Row> cardKrueger() {
        return csv("card_krueger_1994/card_krueger_1994.csv")
                .selectExpr("id", "d", "fte", "CASE WHEN nj = 1 THEN 1 ELSE 0 END AS cohort");
    }

    @Test
    void cardKruegerAllObservationsIsTheTextbookEstimate() {
        // (NJ after - NJ before) - (PA after - PA before) of fte group means over non-missing rows:
        // the paper's 2.76 (computes to 2.7536).
        double did = MeansDid.estimate(cardKrueger().filter(col("fte").isNotNull()),
                "fte", col("cohort").equalTo(1), col("d").equalTo(1));
        assertEquals(2.7536, did, 1e-4);
    }

    @Test
    void cardKruegerBalancedPanelMatchesThePaper() {
        Dataset<Row> withFte = cardKrueger().filter(col("fte").isNotNull());
        Dataset<Row> balanced = withFte.join(
                withFte.groupBy("id").agg(count("d").as("waves")).filter(col("waves").equalTo(2)), "id");
        List<Row> cells = new DidEstimator("id", "d", "fte", "cohort", ControlGroup.NEVER_TREATED)
                .estimate(balanced).cells().collectAsList();
        assertEquals(1, cells.size(), "one 2x2 cell");
        Row c = cells.get(0);
        assertEquals(309L, (long) c.getAs("n_treated"), "NJ stores with fte in both waves");
        assertEquals(75L, (long) c.getAs("n_control"), "PA stores with fte in both waves");
        assertEquals(2.75, (double) c.getAs("att"), 0.005);
        // R's analytic SE uses population variances of the changes:
        // sqrt(71.20840/309 + 116.23056/75) = sqrt(0.230448 + 1.549741) = 1.33424.
        assertEquals(1.33424, (double) c.getAs("se"), 1e-5);
        // The paper's 1.34 is the same formula with sample variances (n - 1):
        // sqrt(71.43960/309 + 117.80124/75) = 1.34234; R's population form is 0.006 below it.
        double v1 = c.getAs("var_treated");
        double v0 = c.getAs("var_control");
        double paper = Math.sqrt(v1 / (309 - 1) + v0 / (75 - 1));
        assertEquals(1.34, paper, 0.005);
    }
}

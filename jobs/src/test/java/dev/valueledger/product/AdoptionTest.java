package dev.valueledger.product;

import dev.valueledger.SparkTestBase;
import dev.valueledger.ingest.Source;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.util.List;

import static org.apache.spark.sql.functions.col;

class AdoptionTest extends SparkTestBase {

    static final String EPICS = "epic_key STRING, feature_keys ARRAY<STRING>, released_at TIMESTAMP";
    static final String EVENTS = Source.PRODUCT_EVENTS.silverSchema().toDDL();
    static final String EXPOSURES = Source.FEATURE_EXPOSURES.silverSchema().toDDL();

    static Timestamp ts(String s) {
        return Timestamp.valueOf(s.length() == 10 ? s + " 00:00:00" : s);
    }

    private static int seq;

    static Object[] event(String account, String feature, String at) {
        return row("e" + (++seq), ts(at), account, null, feature == null ? "login" : "use", feature, null);
    }

    static Dataset<Row> loose(SparkTestBase t, Dataset<Row> d) {
        StructField[] f = d.schema().fields().clone();
        for (int i = 0; i < f.length; i++) {
            f[i] = new StructField(f[i].name(), f[i].dataType(), true, f[i].metadata());
        }
        return t.spark().createDataFrame(d.javaRDD(), new StructType(f));
    }

    /**
     * E1 ships f1 and f2, released 2025-03-10 12:00. E2 ships f1 but is not released.
     * E3 ships f3 and is behind a feature flag.
     */
    private Dataset<Row> epics() {
        return df(EPICS,
                row("E1", List.of("f1", "f2").toArray(new String[0]), ts("2025-03-10 12:00:00")),
                row("E2", new String[]{"f1"}, null),
                row("E3", new String[]{"f3"}, ts("2025-03-01")));
    }

    private Dataset<Row> events() {
        return df(EVENTS,
                event("a", "f1", "2025-03-01"),            // before E1's release: does not count
                event("a", "f2", "2025-03-15 08:00:00"),   // a's first E1 feature event after release
                event("a", "f1", "2025-03-20"),
                event("b", "f1", "2025-03-10 11:59:59"),   // one second before release: b never adopts
                event("c", null, "2025-03-12"),            // an event without a feature is no adoption
                event("c", "f3", "2025-03-05"));           // uses E3's feature, but E3 is assigned by flag
    }

    private Dataset<Row> exposures() {
        return df(EXPOSURES,
                row("a", "f3", "on", ts("2025-02-20")),    // first on exposure: cohort 2025-02
                row("a", "f3", "on", ts("2025-04-01")),
                row("b", "f3", "off", ts("2025-02-21")));  // exposed off: a control, not treated
    }

    @Test
    void adoptionIsTheFirstFeatureEventOnOrAfterRelease() {
        Dataset<Row> expected = df("epic_key STRING, account_id STRING, feature_key STRING, adopted_at TIMESTAMP",
                row("E1", "a", "f2", ts("2025-03-15 08:00:00")),
                row("E3", "c", "f3", ts("2025-03-05")));
        assertSameRows(loose(this, expected), loose(this, Adoption.firstUse(epics(), events())));
    }

    @Test
    void flaggedFeaturesTreatTheFirstOnExposureAsTheCohort() {
        // E1 has no exposures: adoption by use (a, March). E3's feature is flagged: only a, exposed
        // on, is treated, from its first on exposure (February); c's use and b's off exposure do not treat.
        Dataset<Row> expected = df("epic_key STRING, account_id STRING, feature_key STRING, adopted_at TIMESTAMP, "
                        + "cohort_month STRING, method STRING",
                row("E1", "a", "f2", ts("2025-03-15 08:00:00"), "2025-03", "adoption"),
                row("E3", "a", "f3", ts("2025-02-20"), "2025-02", "exposure"));
        assertSameRows(loose(this, expected), loose(this, Adoption.cohorts(epics(), events(), exposures())));
    }

    @Test
    void withoutExposuresEveryEpicIsByAdoption() {
        Dataset<Row> cohorts = Adoption.cohorts(epics(), events(), df(EXPOSURES));
        Assertions.assertEquals(2, cohorts.filter(col("method").equalTo("adoption")).count());
        Assertions.assertEquals(0, cohorts.filter(col("epic_key").equalTo("E2")).count());
    }

    @Test
    void wilsonIntervalMatchesHandValues() {
        // z = 1.959964 at 95%. 8 of 20: p = 0.4, z²/n = 0.192073, denominator 1.192073;
        // centre = (0.4 + 0.096036) / 1.192073 = 0.416115;
        // half = 1.959964 x sqrt(0.4 x 0.6 / 20 + 3.841459 / 1600) / 1.192073 = 1.959964 x 0.120004 / 1.192073 = 0.197306;
        // interval 0.218809 .. 0.613421 (0.2188 .. 0.6134).
        double z = Wilson.z(0.95);
        Assertions.assertEquals(1.959964, z, 1e-6);
        Row r = df("k LONG, n LONG", row(8L, 20L))
                .select(Wilson.low(col("k"), col("n"), z), Wilson.high(col("k"), col("n"), z)).first();
        Assertions.assertEquals(0.2188, r.getDouble(0), 1e-4);
        Assertions.assertEquals(0.6134, r.getDouble(1), 1e-4);
        Row none = df("k LONG, n LONG", row(0L, 0L))
                .select(Wilson.low(col("k"), col("n"), z), Wilson.high(col("k"), col("n"), z)).first();
        Assertions.assertTrue(none.isNullAt(0) && none.isNullAt(1), "no trials, no interval");
    }
}

package dev.valueledger.impact;

import dev.valueledger.SparkTestBase;
import dev.valueledger.config.AppConfig;
import dev.valueledger.pipeline.Quarter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Epic impact on hand-built panels, months 2024-01..2024-06 (quarter 2024-Q2), post-months 2,
 * pre-months 2, min-accounts 2. Cohort 2024-03 (g = 3) has cells t = 2 (placebo, base 1), 3 and 4
 * (base 2); cohort 2024-04 (g = 4) has t = 2 (base 1), 3 (base 2), 4 and 5 (base 3).
 */
class EpicImpactTest extends SparkTestBase {

    private static final Quarter Q = Quarter.parse("2024-Q2", 1);
    private static final String ACCOUNT_MONTHLY = "account_id STRING, month STRING, mrr DECIMAL(20,2), active INT";
    private static final String ADOPTIONS = "epic_key STRING, account_id STRING, cohort_month STRING, method STRING";

    private static AppConfig config(Map<String, String> more) {
        Map<String, String> o = new HashMap<>(Map.of(
                "valueledger.attribution.min-accounts", "2",
                "valueledger.attribution.bootstrap-samples", "49",
                "valueledger.attribution.post-months", "2",
                "valueledger.attribution.pre-months", "2",
                "valueledger.attribution.clean-control-months", "1"));
        o.putAll(more);
        return TEST_CONFIG.with(o);
    }

    private static final Map<String, Integer> LEVEL = Map.of("t1", 100, "t2", 200, "t3", 300, "t4", 400,
            "c1", 50, "c2", 60, "c3", 70, "c4", 80);
    private static final Map<String, Integer> COHORT = Map.of("t1", 3, "t2", 3, "t3", 4, "t4", 4);

    /** Every account x month 1..6 with MRR from a rule, always active. */
    private Dataset<Row> monthly(Map<String, IntUnaryOperator> mrrByAccount) {
        List<Object[]> rows = new ArrayList<>();
        mrrByAccount.forEach((account, mrr) -> {
            for (int m = 1; m <= 6; m++) {
                rows.add(row(account, String.format("2024-%02d", m), new BigDecimal(mrr.applyAsInt(m)).setScale(2), 1));
            }
        });
        return df(ACCOUNT_MONTHLY, rows.toArray(new Object[0][]));
    }

    /** Level + 10 a month for everyone (parallel trends) + 50 from the adoption month on. */
    private static IntUnaryOperator constantEffect(String account) {
        int g = COHORT.getOrDefault(account, 99);
        return m -> LEVEL.get(account) + 10 * m + (m >= g ? 50 : 0);
    }

    private Map<String, IntUnaryOperator> constantEffectPanel() {
        Map<String, IntUnaryOperator> p = new HashMap<>();
        LEVEL.keySet().forEach(a -> p.put(a, constantEffect(a)));
        return p;
    }

    private Dataset<Row> e1Adoptions(Object[]... extra) {
        List<Object[]> rows = new ArrayList<>(List.of(
                row("E1", "t1", "2024-03", "adoption"), row("E1", "t2", "2024-03", "adoption"),
                row("E1", "t3", "2024-04", "adoption"), row("E1", "t4", "2024-04", "adoption")));
        rows.addAll(List.of(extra));
        return df(ADOPTIONS, rows.toArray(new Object[0][]));
    }

    private static Row only(Dataset<Row> df) {
        List<Row> rows = df.collectAsList();
        assertEquals(1, rows.size(), "exactly one row");
        return rows.get(0);
    }

    @Test
    void constantEffectOfStaggeredCohortsIsRecoveredExactly() {
        EpicImpact.Result r = EpicImpact.compute(monthly(constantEffectPanel()), e1Adoptions(), config(Map.of()), Q);

        Row mrr = only(r.impact().filter(col("outcome").equalTo("mrr")));
        // Every post cell compares +50 (+ the common trend) with the common trend alone.
        assertEquals(50.0, (double) mrr.getAs("estimate"), 1e-9);
        assertEquals(0.0, (double) mrr.getAs("std_error"), 1e-9, "no noise, no spread");
        assertEquals("positive", mrr.getAs("verdict"));
        assertEquals("callaway_santanna_did", mrr.getAs("method"));
        assertEquals("not_yet_treated", mrr.getAs("control_group"));
        assertEquals(4L, (long) mrr.getAs("n_treated"));
        // c1..c4, plus t3 and t4 (first treated in April) in the March cohort's March cell.
        assertEquals(6L, (long) mrr.getAs("n_control"));
        assertEquals(true, mrr.getAs("pre_trend_ok"));
        assertEquals(0.0, (double) mrr.getAs("max_abs_pre_trend"), 1e-9);
        // 50 a month x 4 treated accounts.
        assertEquals(new BigDecimal("200.00"), mrr.getAs("attributed_mrr"));
        assertEquals("EUR", mrr.getAs("currency"));

        Row active = only(r.impact().filter(col("outcome").equalTo("active")));
        assertEquals(0.0, (double) active.getAs("estimate"), 1e-12);
        assertEquals("inconclusive", active.getAs("verdict"), "an interval [0, 0] contains 0");
        assertNull(active.getAs("attributed_mrr"));

        Map<Integer, Double> es = new HashMap<>();
        r.eventStudy().filter(col("outcome").equalTo("mrr")).collectAsList()
                .forEach(x -> es.put(x.getAs("event_month"), x.getAs("estimate")));
        assertEquals(Map.of(-2, 0.0, -1, 0.0, 0, 50.0, 1, 50.0), es);

        Row cell = only(r.attgt().filter("outcome = 'mrr' AND cohort = '2024-04' AND month = '2024-05'"));
        assertEquals(50.0, (double) cell.getAs("att"), 1e-9);
        assertEquals(2L, (long) cell.getAs("n_treated"));
        assertEquals(4L, (long) cell.getAs("n_control"), "t1, t2 are treated by then: c1..c4 only");
        assertEquals(EpicImpact.EPIC_IMPACT.columns().size() - 1, r.impact().columns().length, "all but run_id");
        EpicImpact.EPIC_IMPACT.conform(r.impact().withColumn("run_id", org.apache.spark.sql.functions.lit("x")));
    }

    /**
     * n1 becomes a customer in April at 1,000 a month (0 before, not active). Every cell's base month
     * is March or earlier (cohort 4's post cells compare with March), so n1 never takes part: without
     * that rule its entry would add 1,000 to the controls' change in cohort 4's April and May cells.
     */
    @Test
    void anAccountTakesPartOnlyOnceItIsACustomer() {
        List<Object[]> joiner = new ArrayList<>();
        for (int m = 1; m <= 6; m++) {
            joiner.add(row("n1", String.format("2024-%02d", m), new BigDecimal(m >= 4 ? 1000 : 0).setScale(2), m >= 4 ? 1 : 0));
        }
        Dataset<Row> panel = monthly(constantEffectPanel()).unionByName(df(ACCOUNT_MONTHLY, joiner.toArray(new Object[0][])));
        EpicImpact.Result r = EpicImpact.compute(panel, e1Adoptions(), config(Map.of()), Q);
        Row mrr = only(r.impact().filter(col("outcome").equalTo("mrr")));
        assertEquals(50.0, (double) mrr.getAs("estimate"), 1e-9);
        assertEquals(6L, (long) mrr.getAs("n_control"), "c1..c4, t3, t4; not n1");
        assertEquals(true, mrr.getAs("pre_trend_ok"));
        Row active = only(r.impact().filter(col("outcome").equalTo("active")));
        assertEquals(0.0, (double) active.getAs("estimate"), 1e-12, "n1's start of activity is no effect either");
    }

    @Test
    void noEffectIsInconclusiveAndTheBootstrapIsDeterministic() {
        // March only: t1 +5, t2 -5, c1 +3, c2 -3; everyone flat at 100 otherwise. Every ATT is 0,
        // the March cell has spread, so the interval straddles 0.
        Map<String, IntUnaryOperator> p = new HashMap<>();
        Map<String, Integer> bump = Map.of("t1", 5, "t2", -5, "c1", 3, "c2", -3, "c3", 0, "c4", 0);
        bump.forEach((a, b) -> p.put(a, m -> 100 + (m == 3 ? b : 0)));
        Dataset<Row> adoptions = df(ADOPTIONS, row("E1", "t1", "2024-03", "exposure"), row("E1", "t2", "2024-03", "exposure"));
        AppConfig cfg = config(Map.of());

        Row first = only(EpicImpact.compute(monthly(p), adoptions, cfg, Q).impact().filter(col("outcome").equalTo("mrr")));
        assertEquals(0.0, (double) first.getAs("estimate"), 1e-12);
        double se = first.getAs("std_error");
        assertFalse(se <= 0, "spread in the March cell gives a positive standard error");
        assertEquals("inconclusive", first.getAs("verdict"));
        assertEquals("callaway_santanna_did_itt", first.getAs("method"));

        Row again = only(EpicImpact.compute(monthly(p), adoptions, cfg, Q).impact().filter(col("outcome").equalTo("mrr")));
        assertEquals(se, (double) again.getAs("std_error"), 0.0, "same seed, same draws");
    }

    @Test
    void preTrendViolationIsFlagged() {
        // Adopters grow by 30 a month until the month before adoption, everyone else by 10.
        Map<String, IntUnaryOperator> p = new HashMap<>();
        LEVEL.keySet().forEach(a -> {
            int g = COHORT.getOrDefault(a, 99);
            p.put(a, m -> LEVEL.get(a) + 10 * m + (g < 99 ? 20 * Math.min(m, g - 1) : 0) + (m >= g ? 50 : 0));
        });
        AppConfig cfg = config(Map.of("valueledger.attribution.control-group", "never-treated"));
        Row mrr = only(EpicImpact.compute(monthly(p), e1Adoptions(), cfg, Q).impact().filter(col("outcome").equalTo("mrr")));
        // Placebo cells: adopters' 30 against the never treated 10: 20, with no spread.
        assertEquals(20.0, (double) mrr.getAs("max_abs_pre_trend"), 1e-9);
        assertEquals(false, mrr.getAs("pre_trend_ok"));
        assertEquals("inconclusive", mrr.getAs("verdict"));
        assertEquals("never_treated", mrr.getAs("control_group"));
    }

    @Test
    void accountTreatedByAnotherEpicIsNoCleanControl() {
        // c1 adopts E2 in April and jumps by 1000: as an E1 control it would pull E1's effect down.
        Map<String, IntUnaryOperator> p = constantEffectPanel();
        p.put("c1", m -> 50 + 10 * m + (m >= 4 ? 1000 : 0));
        EpicImpact.Result r = EpicImpact.compute(monthly(p), e1Adoptions(row("E2", "c1", "2024-04", "adoption")),
                config(Map.of()), Q);

        Row e1 = only(r.impact().filter("epic_key = 'E1' AND outcome = 'mrr'"));
        assertEquals(50.0, (double) e1.getAs("estimate"), 1e-9);
        // Window of cell (2024-03, 2024-03): base February, months 1..4 with clean-control-months 1.
        Row marchCell = only(r.attgt().filter("epic_key = 'E1' AND outcome = 'mrr' AND cohort = '2024-03' AND month = '2024-03'"));
        assertEquals(5L, (long) marchCell.getAs("n_control"), "c2, c3, c4, t3, t4; not c1");
        // Placebo cell (2024-03, 2024-02), months 1..2, window up to March: c1 (April) stays a control.
        Row placebo = only(r.attgt().filter("epic_key = 'E1' AND outcome = 'mrr' AND cohort = '2024-03' AND month = '2024-02'"));
        assertEquals(6L, (long) placebo.getAs("n_control"), "c1..c4, t3, t4");
    }

    @Test
    void aTreatedAccountAdoptingAnotherEpicNearbyLeavesThatCellToo() {
        // t1 (E1, March) adopts E2 in April and jumps by 1000. Cell (2024-03, 2024-04) compares
        // February with April: kept, t1 would bring E2's 1000 into E1's effect,
        // ((70 + 1000) + 70) / 2 - 20 = 550 instead of 50.
        Map<String, IntUnaryOperator> p = constantEffectPanel();
        p.put("t1", m -> 100 + 10 * m + (m >= 3 ? 50 : 0) + (m >= 4 ? 1000 : 0));
        EpicImpact.Result r = EpicImpact.compute(monthly(p), e1Adoptions(row("E2", "t1", "2024-04", "adoption")),
                config(Map.of()), Q);

        Row e1 = only(r.impact().filter("epic_key = 'E1' AND outcome = 'mrr'"));
        assertEquals(50.0, (double) e1.getAs("estimate"), 1e-9);
        // Window of cell (2024-03, 2024-04): months 1..5 with clean-control-months 1; April is in it.
        Row april = only(r.attgt().filter("epic_key = 'E1' AND outcome = 'mrr' AND cohort = '2024-03' AND month = '2024-04'"));
        assertEquals(1L, (long) april.getAs("n_treated"), "t2; not t1");
        // Placebo cell (2024-03, 2024-02), months 0..3: t1 stays (its E2 adoption is in April).
        Row placebo = only(r.attgt().filter("epic_key = 'E1' AND outcome = 'mrr' AND cohort = '2024-03' AND month = '2024-02'"));
        assertEquals(2L, (long) placebo.getAs("n_treated"), "t1, t2");
    }

    @Test
    void segmentAsCovariateRemovesTheBiasOfSegmentTrends() {
        // Enterprise accounts grow 20 a month, SMB 10; the adopters are mostly enterprise (t1, t2,
        // t3; t4 SMB), the never-treated mostly SMB (c1 enterprise; c2..c4 SMB). Effect +50.
        Map<String, String> segment = Map.of("t1", "ent", "t2", "ent", "t3", "ent", "t4", "smb",
                "c1", "ent", "c2", "smb", "c3", "smb", "c4", "smb");
        List<Object[]> rows = new ArrayList<>();
        segment.forEach((account, seg) -> {
            int g = COHORT.getOrDefault(account, 99);
            for (int m = 1; m <= 6; m++) {
                int mrr = LEVEL.get(account) + ("ent".equals(seg) ? 20 : 10) * m + (m >= g ? 50 : 0);
                rows.add(row(account, String.format("2024-%02d", m), new BigDecimal(mrr).setScale(2), 1, seg, null));
            }
        });
        Dataset<Row> panel = df(ACCOUNT_MONTHLY + ", segment STRING, plan STRING", rows.toArray(new Object[0][]));

        // Unadjusted, cell (2024-03, 2024-03): adopters t1, t2 gain 20 + 50; controls c1 20, c2..c4 10,
        // t3 20, t4 10: 80/6. ATT 70 - 13.33 = 56.67, not 50.
        Row plain = only(EpicImpact.compute(panel, e1Adoptions(), config(Map.of()), Q).attgt()
                .filter("outcome = 'mrr' AND cohort = '2024-03' AND month = '2024-03'"));
        assertEquals(70 - 80.0 / 6, (double) plain.getAs("att"), 1e-9);

        // Doubly robust with segment: within a segment treated and controls share the trend, so
        // every cell's effect is the 50 (the propensity weights compare enterprise with enterprise).
        EpicImpact.Result r = EpicImpact.compute(panel, e1Adoptions(),
                TEST_CONFIG.with(Map.of("valueledger.attribution.min-accounts", "2",
                        "valueledger.attribution.bootstrap-samples", "49",
                        "valueledger.attribution.post-months", "2",
                        "valueledger.attribution.pre-months", "2",
                        "valueledger.attribution.covariates", List.of("segment"))), Q);
        Row mrr = only(r.impact().filter(col("outcome").equalTo("mrr")));
        assertEquals(50.0, (double) mrr.getAs("estimate"), 1e-6);
        assertEquals("callaway_santanna_dr_did", mrr.getAs("method"));
        assertEquals(0.0, (double) mrr.getAs("max_abs_pre_trend"), 1e-6);
        Row cell = only(r.attgt().filter("outcome = 'mrr' AND cohort = '2024-03' AND month = '2024-03'"));
        assertEquals(50.0, (double) cell.getAs("att"), 1e-6);
    }

    @Test
    void aQuarterBeforeAnyAdoptionYieldsNoRowsRatherThanFailing() {
        // Every adoption falls in May 2024, after 2024-Q1: nothing is estimable as of that quarter.
        Dataset<Row> may = df(ADOPTIONS, row("E1", "t1", "2024-05", "adoption"), row("E1", "t2", "2024-05", "adoption"));
        EpicImpact.Result r = EpicImpact.compute(monthly(constantEffectPanel()), may, config(Map.of()),
                Quarter.parse("2024-Q1", 1));
        org.junit.jupiter.api.Assertions.assertEquals(0, r.impact().count());
        org.junit.jupiter.api.Assertions.assertEquals(0, r.eventStudy().count());
    }

    @Test
    void naiveComparisonShowsSelectionBias() {
        Row naive = only(NaiveComparison.compute(monthly(constantEffectPanel()), e1Adoptions(), Q));
        // Adopters from their adoption month: t1 180+190+200+210, t2 +400, t3 390+400+410, t4 +300
        // = 780 + 1180 + 1200 + 1500 = 4660 over 14 months = 332.857143; others March..June:
        // mean level 65 + 10 * 4.5 = 110. Naive 222.857143 against a true effect of 50.
        assertEquals(0, new BigDecimal("222.857143").compareTo(naive.getAs("naive_difference")),
                "naive difference " + naive.getAs("naive_difference"));
    }
}

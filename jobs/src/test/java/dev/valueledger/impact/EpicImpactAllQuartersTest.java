package dev.valueledger.impact;

import dev.valueledger.SparkTestBase;
import dev.valueledger.config.AppConfig;
import dev.valueledger.delivery.EpicDimension;
import dev.valueledger.generate.CompanyGenerator;
import dev.valueledger.generate.GeneratorOptions;
import dev.valueledger.ingest.IngestTables;
import dev.valueledger.ingest.Source;
import dev.valueledger.pipeline.Pipeline;
import dev.valueledger.pipeline.Progress;
import dev.valueledger.pipeline.Quarter;
import dev.valueledger.product.Adoption;
import dev.valueledger.publish.Lakehouse;
import dev.valueledger.revenue.AccountMonthPanel;
import dev.valueledger.revenue.AccountMrr;
import dev.valueledger.revenue.MrrContributions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * All quarters estimated in one pass give, row for row, what each quarter estimated on its own
 * gives, and the pooled controls what every account's comparisons give: on a small generated company (scale 0.05, seed 7, the pipeline's own silver, panel and
 * cohorts), with several Epics, cohorts in different quarters and adopters whose cohort falls after
 * an early quarter's end (not treated as of that quarter). Doubles agree to 1e-9 relative (the
 * sums run in another order across partitions); decimals, counts, labels and verdicts exactly.
 */
class EpicImpactAllQuartersTest extends SparkTestBase {

    private static final double RELATIVE = 1e-9;

    @TempDir
    static Path tmp;

    /** The generated company's panel, cohorts and the pipeline's quarters, built once for the class. */
    private record Company(Dataset<Row> panel, Dataset<Row> adoptions, List<Quarter> quarters) { }

    private static Company company;

    private Company company() throws IOException {
        if (company == null) {
            Path input = tmp.resolve("in");
            CompanyGenerator.generate(input.toString(), new GeneratorOptions(0.05, 7, 0.0));
            AppConfig cfg = TEST_CONFIG.with(Map.of("valueledger.lake.root", tmp.resolve("lake").toString()));
            Pipeline.Result run = Pipeline.run(spark(), cfg, new Pipeline.Request(input.toString(), Optional.empty(), true),
                    Progress.silent());
            Lakehouse lake = new Lakehouse(spark(), cfg);
            // Rebuilt from silver exactly as GoldStage builds them (as TruthStudyIT does).
            Dataset<Row> contributions = MrrContributions.compute(lake.read(IngestTables.silver(Source.INVOICE_LINES)),
                    lake.read(IngestTables.silver(Source.FX_RATES)), cfg);
            Quarter lastQuarter = run.quarters().get(run.quarters().size() - 1);
            Dataset<Row> panel = AccountMonthPanel.build(AccountMrr.compute(contributions),
                    lake.read(IngestTables.silver(Source.ACCOUNTS)), Periods.monthLabel(EpicPanel.lastMonth(lastQuarter)))
                    .localCheckpoint();
            Dataset<Row> adoptions = Adoption.cohorts(
                    lake.read(EpicDimension.SPEC).select(col("epic_key"), col("feature_keys"), col("released_at")),
                    lake.read(IngestTables.silver(Source.PRODUCT_EVENTS)),
                    lake.read(IngestTables.silver(Source.FEATURE_EXPOSURES))).localCheckpoint();
            company = new Company(panel, adoptions, run.quarters());
        }
        return company;
    }

    private static AppConfig config(Map<String, Object> more) {
        Map<String, Object> o = new HashMap<>(Map.of(
                // Few enough that some verdicts are decided, not all inconclusive for want of accounts.
                "valueledger.attribution.min-accounts", "5",
                "valueledger.attribution.bootstrap-samples", "199",
                "valueledger.attribution.clean-control-months", "1"));
        o.putAll(more);
        return TEST_CONFIG.with(o);
    }

    @Test
    void notYetTreatedControls() throws IOException {
        assertOnePassEqualsEachQuarter(config(Map.of()));
    }

    @Test
    void neverTreatedControls() throws IOException {
        assertOnePassEqualsEachQuarter(config(Map.of("valueledger.attribution.control-group", "never-treated")));
    }

    @Test
    void doublyRobustWithCovariates() throws IOException {
        assertOnePassEqualsEachQuarter(config(Map.of("valueledger.attribution.covariates", List.of("segment", "pre_mrr"))));
    }

    @Test
    void pooledControlsGiveWhatEveryComparisonGives() throws IOException {
        assertPooledEqualsComparisons(config(Map.of()));
    }

    @Test
    void pooledControlsGiveWhatEveryComparisonGivesWithNeverTreatedControls() throws IOException {
        assertPooledEqualsComparisons(config(Map.of("valueledger.attribution.control-group", "never-treated")));
    }

    @Test
    void pooledControlsGiveWhatEveryComparisonGivesWithTheDefaultWindow() throws IOException {
        assertPooledEqualsComparisons(config(Map.of("valueledger.attribution.clean-control-months", "0",
                "valueledger.attribution.min-accounts", "30")));
    }

    /**
     * The pooled controls (PooledControls: sums per month pair, corrected by each Epic's adopters)
     * give every figure of the three tables that building each Epic's comparisons with every
     * account gives: cells, counts of distinct accounts, estimates and bootstrap standard errors.
     */
    private void assertPooledEqualsComparisons(AppConfig cfg) throws IOException {
        Company c = company();
        EpicImpact.Result pooled = EpicImpact.compute(c.panel(), c.adoptions(), cfg, c.quarters(), true);
        EpicImpact.Result units = EpicImpact.compute(c.panel(), c.adoptions(), cfg, c.quarters(), false);
        assertExercisesTheQuarterRules(units, c);
        assertSameTable("epic_impact", units.impact(), pooled.impact(), List.of("quarter", "epic_key", "outcome"));
        assertSameTable("epic_impact_event_study", units.eventStudy(), pooled.eventStudy(),
                List.of("quarter", "epic_key", "outcome", "event_month"));
        assertSameTable("epic_impact_attgt", units.attgt(), pooled.attgt(),
                List.of("quarter", "epic_key", "outcome", "cohort", "month"));
    }

    private void assertOnePassEqualsEachQuarter(AppConfig cfg) throws IOException {
        Company c = company();
        assertTrue(c.quarters().size() >= 3, "at least three quarters: " + c.quarters());

        EpicImpact.Result all = EpicImpact.compute(c.panel(), c.adoptions(), cfg, c.quarters());
        List<EpicImpact.Result> each = c.quarters().stream()
                .map(q -> EpicImpact.compute(c.panel(), c.adoptions(), cfg, q)).toList();

        assertExercisesTheQuarterRules(all, c);
        assertSameTable("epic_impact", union(each, EpicImpact.Result::impact), all.impact(),
                List.of("quarter", "epic_key", "outcome"));
        assertSameTable("epic_impact_event_study", union(each, EpicImpact.Result::eventStudy), all.eventStudy(),
                List.of("quarter", "epic_key", "outcome", "event_month"));
        assertSameTable("epic_impact_attgt", union(each, EpicImpact.Result::attgt), all.attgt(),
                List.of("quarter", "epic_key", "outcome", "cohort", "month"));
    }

    /**
     * The fixture is only a proof if it has what differs between quarters: estimates in several
     * quarters with several Epics, cohorts in different quarters, and an Epic estimated as of an
     * early quarter that has adopters after that quarter's end.
     */
    private void assertExercisesTheQuarterRules(EpicImpact.Result all, Company c) {
        List<Row> estimated = all.impact().select("quarter", "epic_key").distinct().collectAsList();
        Set<String> quarters = new HashSet<>();
        Map<String, Set<String>> epicsPerQuarter = new HashMap<>();
        estimated.forEach(r -> {
            quarters.add(r.getString(0));
            epicsPerQuarter.computeIfAbsent(r.getString(0), k -> new HashSet<>()).add(r.getString(1));
        });
        assertTrue(quarters.size() >= 3, "estimates in at least three quarters: " + quarters);
        assertTrue(epicsPerQuarter.values().stream().anyMatch(s -> s.size() >= 2), "several Epics in a quarter: " + epicsPerQuarter);

        Set<String> cohortQuarters = new HashSet<>();
        all.attgt().select("cohort").distinct().collectAsList()
                .forEach(r -> cohortQuarters.add(Quarter.containing(java.time.LocalDate.parse(r.getString(0) + "-01"), 1).label()));
        assertTrue(cohortQuarters.size() >= 2, "cohorts in several quarters: " + cohortQuarters);

        Map<String, String> lastCohort = new HashMap<>();
        c.adoptions().groupBy("epic_key").agg(max("cohort_month").as("last_cohort")).collectAsList()
                .forEach(r -> lastCohort.put(r.getString(0), r.getString(1)));
        boolean laterAdopters = false;
        for (Quarter q : c.quarters()) {
            String lastMonth = Periods.monthLabel(EpicPanel.lastMonth(q));
            for (String epic : epicsPerQuarter.getOrDefault(q.label(), Set.of())) {
                laterAdopters |= lastCohort.get(epic).compareTo(lastMonth) > 0;
            }
        }
        assertTrue(laterAdopters, "an Epic estimated as of a quarter has adopters after that quarter's last month");
    }

    private static Dataset<Row> union(List<EpicImpact.Result> results, java.util.function.Function<EpicImpact.Result, Dataset<Row>> part) {
        return results.stream().map(part).reduce(Dataset::unionByName).orElseThrow();
    }

    /** Same columns and types, same keys, and every value equal (doubles to {@link #RELATIVE}): expected first. */
    private static void assertSameTable(String table, Dataset<Row> expected, Dataset<Row> actual, List<String> keys) {
        assertEquals(expected.schema().simpleString(), actual.schema().simpleString(), table + " schema");
        Map<List<Object>, Row> want = byKey(table, expected, keys);
        Map<List<Object>, Row> got = byKey(table, actual, keys);
        Assertions.assertFalse(want.isEmpty(), table + " has rows");
        assertEquals(want.keySet(), got.keySet(), table + " keys");
        String[] names = expected.columns();
        List<String> mismatches = new ArrayList<>();
        want.forEach((key, w) -> {
            Row g = got.get(key);
            for (int i = 0; i < names.length; i++) {
                Object a = w.get(i);
                Object b = g.get(i);
                boolean same = a instanceof Double x && b instanceof Double y ? close(x, y) : Objects.equals(a, b);
                if (!same) {
                    mismatches.add(table + " " + key + " " + names[i] + ": expected " + a + ", got " + b);
                }
            }
        });
        if (!mismatches.isEmpty()) {
            Assertions.fail(mismatches.size() + " values differ, first: " + mismatches.subList(0, Math.min(10, mismatches.size())));
        }
    }

    private static boolean close(double a, double b) {
        return a == b || Math.abs(a - b) <= RELATIVE * Math.max(Math.abs(a), Math.abs(b));
    }

    private static Map<List<Object>, Row> byKey(String table, Dataset<Row> df, List<String> keys) {
        Map<List<Object>, Row> out = new HashMap<>();
        for (Row r : df.collectAsList()) {   // cells and aggregates per quarter x Epic x outcome: small
            List<Object> key = keys.stream().map(k -> r.get(r.fieldIndex(k))).toList();
            if (out.put(key, r) != null) {
                Assertions.fail(table + " has key " + key + " twice");
            }
        }
        return out;
    }
}

package dev.valueledger.impact;

import dev.valueledger.config.AppConfig;
import dev.valueledger.pipeline.Quarter;
import dev.valueledger.publish.TableSpec;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/** Each Epic's causal effect on account MRR and retention per quarter, all quarters in one pass, with event study and verdict (CONTRACT §2 Impact, Attributed MRR; §3 epic_impact*). */
public final class EpicImpact {

    /** An estimate's key: the quarter is a column as the Epic is, so all quarters are estimated in one pass. */
    private static final List<String> KEYS = List.of("quarter", "epic_key", "outcome");
    /** Aggregate id of the Epic's effect (R's simple aggregation over the post horizon). */
    private static final String EFFECT = "simple:overall";

    public static final TableSpec EPIC_IMPACT = TableSpec.gold("epic_impact",
                    "Causal effect of each Epic on account MRR and on staying active, per quarter (CONTRACT §2 Impact, Attributed MRR)")
            .column("quarter", "Reporting quarter YYYY-Qn; the panel uses the account months up to its last month")
            .column("epic_key", "Epic (dim_epic.epic_key)")
            .column("outcome", "mrr: account MRR in the reporting currency (CONTRACT §2 MRR); active: 1 while MRR > 0, churn absorbing")
            .column("method", "callaway_santanna_did, or callaway_santanna_dr_did with covariates (attribution.covariates, doubly robust as DRDID); cohort = adoption month; suffix _itt: cohort = first 'on' exposure (intention to treat)")
            .column("control_group", "not_yet_treated or never_treated (configuration attribution.control-group); accounts treated by another Epic near the compared months are left out (clean controls)")
            .column("n_treated", "Accounts of the adoption cohorts that enter the estimate")
            .column("n_control", "Distinct accounts used as controls in the cells of the estimate, after the clean-control exclusion")
            .column("estimate", "Cohort-size-weighted mean of ATT(g,t) over 0 <= t - g < post-months (R did's simple aggregation); per account per month, in the outcome's unit")
            .column("std_error", "Seeded account-level multiplier bootstrap (Rademacher weights, bootstrap-samples draws): interquartile range of the draws / 1.349, as R did")
            .column("ci_low", "estimate - z * std_error, z the normal quantile of confidence-level (95% by default)")
            .column("ci_high", "estimate + z * std_error")
            .column("max_abs_pre_trend", "Largest |estimate| of the event-study months -pre-months..-1 (null without pre-adoption months)")
            .column("pre_trend_ok", "No pre-adoption event-study interval excludes 0: parallel trends credible")
            .column("verdict", "positive or negative; inconclusive when the interval contains 0, fewer than min-accounts treated or controls, or pre_trend_ok is false")
            .column("attributed_mrr", "For outcome mrr: estimate x n_treated rounded half-even to the cent, then x scale_factor floored to the cent (CONTRACT §2 Attributed MRR; impact.AttributionCredit); null for active")
            .column("scale_factor", "Common factor of the quarter: treated accounts' realised new + expansion + reactivation MRR / sum of positive attributed MRR, floored to 1e-6, when that sum exceeds it; else 1 (CONTRACT §2 Attributed MRR; revenue_reconciliation)")
            .column("currency", "Reporting currency of attributed_mrr and of the mrr estimate")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .partitionBy("quarter").key("quarter", "epic_key", "outcome").build();

    public static final TableSpec EPIC_IMPACT_EVENT_STUDY = TableSpec.gold("epic_impact_event_study",
                    "Effect of each Epic by months since adoption, before and after (CONTRACT §2 Impact event study)")
            .column("quarter", "Reporting quarter YYYY-Qn of the estimate")
            .column("epic_key", "Epic (dim_epic.epic_key)")
            .column("outcome", "mrr or active, as epic_impact.outcome")
            .column("event_month", "Months since adoption e = t - g, from -pre-months to post-months - 1; negative months are placebo checks of parallel trends")
            .column("estimate", "Cohort-size-weighted mean of ATT(g, g + e) (R did's dynamic aggregation); base month g - 1 after adoption, t - 1 before")
            .column("std_error", "Seeded account-level multiplier bootstrap, as epic_impact.std_error")
            .column("ci_low", "estimate - z * std_error at confidence-level")
            .column("ci_high", "estimate + z * std_error at confidence-level")
            .column("currency", "Reporting currency of the mrr rows' figures (configuration reporting-currency); active rows are shares")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .partitionBy("quarter").key("quarter", "epic_key", "outcome", "event_month").build();

    public static final TableSpec EPIC_IMPACT_ATTGT = TableSpec.gold("epic_impact_attgt",
                    "Group-time effects ATT(g,t) behind each Epic's estimate (CONTRACT §2 Impact)")
            .column("quarter", "Reporting quarter YYYY-Qn of the estimate")
            .column("epic_key", "Epic (dim_epic.epic_key)")
            .column("outcome", "mrr or active, as epic_impact.outcome")
            .column("cohort", "Adoption month g (YYYY-MM) of the cohort")
            .column("month", "Month t (YYYY-MM)")
            .column("att", "mean(Y_t - Y_base | cohort g) - mean(Y_t - Y_base | controls); base g - 1 for t >= g, else t - 1")
            .column("std_error", "Analytic, as R did: sqrt(var_pop(dY | cohort)/n_treated + var_pop(dY | controls)/n_control); with covariates, from the doubly robust influence function (DRDID drdid_panel)")
            .column("n_treated", "Accounts of cohort g")
            .column("n_control", "Control accounts of the cell after the clean-control exclusion")
            .column("currency", "Reporting currency of the mrr rows' figures (configuration reporting-currency); active rows are shares")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .partitionBy("quarter").key("quarter", "epic_key", "outcome", "cohort", "month").build();

    /** The three tables, each with a quarter column, not yet conformed to their specs. */
    public record Result(Dataset<Row> impact, Dataset<Row> eventStudy, Dataset<Row> attgt) { }

    private EpicImpact() { }

    /** One quarter's estimate: {@link #compute(Dataset, Dataset, AppConfig, List)} of that quarter alone. */
    public static Result compute(Dataset<Row> accountMonthly, Dataset<Row> adoptions, AppConfig cfg, Quarter q) {
        return compute(accountMonthly, adoptions, cfg, List.of(q));
    }

    /**
     * Every quarter's estimate in one pass: each quarter's rows are those of its own panel (the
     * account months up to its last month), computed together with the quarter as a key column.
     *
     * @param accountMonthly account_id, month 'YYYY-MM', mrr DECIMAL, active INT: balanced
     * @param adoptions      epic_key, account_id, cohort_month 'YYYY-MM', method ('adoption' | 'exposure')
     * @param quarters       at least one quarter
     */
    public static Result compute(Dataset<Row> accountMonthly, Dataset<Row> adoptions, AppConfig cfg, List<Quarter> quarters) {
        AppConfig.Attribution a = cfg.attribution();
        // The doubly robust cells regress on each cell's units, and the analytic standard error
        // squares each unit's whole influence: both need every comparison. The default (no
        // covariates, bootstrap) sums the controls shared by all Epics once (PooledControls).
        return compute(accountMonthly, adoptions, cfg, quarters, a.covariates().isEmpty() && a.bootstrapSamples() > 0);
    }

    /**
     * As {@link #compute(Dataset, Dataset, AppConfig, List)}, with the cells built from pooled
     * controls or from every account's comparisons (the same figures; tests compare the two).
     */
    static Result compute(Dataset<Row> accountMonthly, Dataset<Row> adoptions, AppConfig cfg, List<Quarter> quarters,
                          boolean pooled) {
        AppConfig.Attribution a = cfg.attribution();
        ControlGroup control = ControlGroup.parse(a.controlGroup());

        Parts parts = pooled ? pooledParts(accountMonthly, adoptions, a, control, quarters)
                : unitParts(accountMonthly, adoptions, a, control, quarters);
        Dataset<Row> cellStats = parts.cells();

        // The estimates feed both the event study and the impact table, and their plan (panel,
        // cells, influence, bootstrap) is deep: computing them once and cutting the lineage keeps
        // every later query small and stops the bootstrap from running once per consumer.
        Dataset<Row> estimates = estimates(parts, a).localCheckpoint();
        Dataset<Row> eventStudy = estimates.filter(col("agg").startsWith("dynamic:"))
                .select("quarter", "epic_key", "outcome", "event_month", "estimate", "std_error", "ci_low", "ci_high");
        Dataset<Row> impact = impactTable(estimates, eventStudy, parts.counts(), parts.epics(), cfg, control).localCheckpoint();

        Dataset<Row> attgt = cellStats.select(col("quarter"), col("epic_key"), col("outcome"),
                Periods.monthLabel(col("g")).as("cohort"), Periods.monthLabel(col("t")).as("month"), col("att"),
                col("se").as("std_error"), col("n_treated"), col("n_control")).localCheckpoint();
        cellStats.unpersist();
        Column currency = lit(cfg.reportingCurrency()).as("currency");
        return new Result(impact, eventStudy.select(col("*"), currency), attgt.select(col("*"), currency));
    }

    /**
     * What the estimates are built from, whichever way the cells were.
     *
     * @param cells     keys, g, t, n_treated, n_control, att, se (and mean_control with a pool)
     * @param influence keys, g, t, unit, psi
     * @param cohorts   quarter, epic_key, unit, cohort (> 0): the treated accounts of each estimation
     * @param counts    keys, n_treated, n_control over the cells 0 <= t - g < post-months
     * @param sizes     per (quarter, epic_key) the accounts of each cohort
     * @param nUnits    per (quarter, epic_key) the accounts of the estimation
     * @param pool      the pooled controls' sums, or null when the cells came from every comparison
     */
    private record Parts(Dataset<Row> cells, Dataset<Row> influence, Dataset<Row> cohorts, Dataset<Row> counts,
                         Dataset<Row> epics, Map<List<Object>, Map<Integer, Long>> sizes, Map<List<Object>, Long> nUnits,
                         MonthPairSums pool) { }

    private static Parts pooledParts(Dataset<Row> accountMonthly, Dataset<Row> adoptions, AppConfig.Attribution a,
                                     ControlGroup control, List<Quarter> quarters) {
        PooledControls.Result p = PooledControls.build(accountMonthly, adoptions, a, control, quarters);
        return new Parts(p.cells(), p.influence(), p.cohorts(), p.counts(), p.epics(), p.sizes(), p.nUnits(), p.pool());
    }

    private static Parts unitParts(Dataset<Row> accountMonthly, Dataset<Row> adoptions, AppConfig.Attribution a,
                                   ControlGroup control, List<Quarter> quarters) {
        EpicPanel.Panel panel = EpicPanel.build(accountMonthly, adoptions, a, control, quarters);
        Dataset<Row> comparisons = panel.comparisons();
        Dataset<Row> assignment = panel.assignment();
        Dataset<Row> cellStats;
        Dataset<Row> influence;
        if (!a.covariates().isEmpty()) {
            DoublyRobustEffects.Result dr = DoublyRobustEffects.compute(comparisons, KEYS);
            cellStats = dr.cells().cache();
            influence = dr.influence();
        } else {
            cellStats = GroupTimeEffects.cells(comparisons, KEYS).cache();
            influence = GroupTimeEffects.influence(comparisons, cellStats, KEYS);
        }
        Map<List<Object>, Map<Integer, Long>> sizes = new HashMap<>();
        Map<List<Object>, Long> nUnits = new HashMap<>();
        for (Row r : assignment.groupBy("quarter", "epic_key", "cohort").count().collectAsList()) {
            List<Object> key = List.of(r.getString(0), r.getString(1));
            nUnits.merge(key, r.getLong(3), Long::sum);
            if (r.getInt(2) != 0) {
                sizes.computeIfAbsent(key, k -> new HashMap<>()).put(r.getInt(2), r.getLong(3));
            }
        }
        Dataset<Row> counts = comparisons.filter(col("t").minus(col("g")).between(0, a.postMonths() - 1))
                .groupBy(Cols.of(KEYS))
                .agg(countDistinct(when(col("treated"), col("unit"))).as("n_treated"),
                        countDistinct(when(not(col("treated")), col("unit"))).as("n_control"));
        Dataset<Row> cohorts = assignment.filter(col("cohort").notEqual(0))
                .select(col("quarter"), col("epic_key"), col("account_id").as("unit"), col("cohort"));
        return new Parts(cellStats, influence, cohorts, counts, panel.epics(), sizes, nUnits, null);
    }

    /**
     * The Epic's effect (id {@value #EFFECT}) and its event-study months per quarter, Epic and outcome:
     * quarter, epic_key, outcome, agg, event_month, estimate, std_error, ci_low, ci_high.
     */
    private static Dataset<Row> estimates(Parts parts, AppConfig.Attribution a) {
        Dataset<Row> cellStats = parts.cells();
        SparkSession spark = cellStats.sparkSession();
        // Per quarter, Epic and outcome the effect and the event study as functionals of its cells
        // (small tables on the driver: quarters x Epics x cohorts; the unit-level work stays in Spark).
        Map<List<Object>, List<Aggregation.Cell>> cellsByKey = new LinkedHashMap<>();
        Map<List<Object>, PooledControls.CellControls> controls = new HashMap<>();
        List<String> read = new ArrayList<>(List.of("quarter", "epic_key", "outcome", "g", "t", "att", "se"));
        if (parts.pool() != null) {
            read.addAll(List.of("n_control", "mean_control", "base"));
        }
        for (Row r : cellStats.select(Cols.of(read)).orderBy("quarter", "epic_key", "outcome", "g", "t").collectAsList()) {
            List<Object> key = List.of(r.getString(0), r.getString(1), r.getString(2));
            cellsByKey.computeIfAbsent(key, k -> new ArrayList<>())
                    .add(new Aggregation.Cell(r.getInt(3), r.getInt(4), r.getDouble(5), r.getDouble(6)));
            if (parts.pool() != null) {
                controls.put(List.of(key.get(0), key.get(1), key.get(2), r.getInt(3), r.getInt(4)),
                        new PooledControls.CellControls(r.getLong(7), r.getDouble(8), r.getInt(9)));
            }
        }
        Map<List<Object>, List<Aggregation.Functional>> functionals = new LinkedHashMap<>();
        Map<List<Object>, Long> nUnits = new HashMap<>();
        List<Row> points = new ArrayList<>();
        cellsByKey.forEach((key, cs) -> {
            Map<Integer, Long> s = parts.sizes().getOrDefault(key.subList(0, 2), Map.of());
            long n = parts.nUnits().get(key.subList(0, 2));
            List<Aggregation.Functional> fs = new ArrayList<>();
            if (cs.stream().anyMatch(c -> c.t() >= c.g())) {
                fs.add(Aggregation.simple(cs, s, n, 0, a.postMonths() - 1));
            }
            Aggregation.dynamic(cs, s, n, -a.preMonths(), a.postMonths() - 1).stream()
                    .filter(f -> f.egt() != null).forEach(fs::add);
            functionals.put(key, fs);
            nUnits.put(key, n);
            fs.forEach(f -> points.add(RowFactory.create(key.get(0), key.get(1), key.get(2), f.id(), f.egt(), f.att())));
        });

        StructType keySchema = new StructType().add("quarter", DataTypes.StringType).add("epic_key", DataTypes.StringType)
                .add("outcome", DataTypes.StringType);
        Dataset<Row> unitCohorts = parts.cohorts()
                .crossJoin(spark.createDataFrame(List.of(RowFactory.create("mrr"), RowFactory.create("active")),
                        new StructType().add("outcome", DataTypes.StringType)));
        Dataset<Row> unitInfluence = Aggregation.unitInfluence(spark, parts.influence(), unitCohorts, keySchema, functionals, nUnits);
        List<String> perAggregate = List.of("quarter", "epic_key", "outcome", "agg");
        // Without draws configured the analytic standard error stands in for the bootstrap. The
        // draws' weights hash (seed, account, draw) only, so an account weighs the same in a draw
        // whatever the quarter and Epic, as when each quarter was bootstrapped on its own.
        Dataset<Row> se = a.bootstrapSamples() > 0
                ? MultiplierBootstrap.standardErrors(unitInfluence, List.of("quarter", "epic_key"),
                        cellsByKey.keySet().stream().map(k -> k.subList(0, 2)).distinct()
                                .map(k -> RowFactory.create(k.toArray())).toList(),
                        List.of("outcome", "agg"), a.bootstrapSamples(), a.bootstrapSeed(),
                        parts.pool() == null ? null : PooledControls.draws(parts.pool(), functionals, controls))
                : Aggregation.analyticSe(unitInfluence, KEYS).withColumnRenamed("se", "std_error");

        double z = new NormalDistribution().inverseCumulativeProbability(0.5 + a.confidenceLevel() / 2);
        Dataset<Row> estimates = spark.createDataFrame(points, new StructType()
                        // Never null, as the single quarter's literal label was.
                        .add("quarter", DataTypes.StringType, false).add("epic_key", DataTypes.StringType).add("outcome", DataTypes.StringType)
                        .add("agg", DataTypes.StringType).add("event_month", DataTypes.IntegerType)
                        .add("estimate", DataTypes.DoubleType))
                .join(se, Cols.seq(perAggregate), "left")
                .withColumn("ci_low", col("estimate").minus(col("std_error").multiply(z)))
                .withColumn("ci_high", col("estimate").plus(col("std_error").multiply(z)))
                .cache();
        return estimates;
    }

    /** The estimator's name in epic_impact.method, before the intention-to-treat suffix. */
    static String method(AppConfig.Attribution a) {
        return a.covariates().isEmpty() ? "callaway_santanna_did" : "callaway_santanna_dr_did";
    }

    /** One epic_impact row per Epic and outcome: counts, pre-trend check, verdict and attributed MRR. */
    private static Dataset<Row> impactTable(Dataset<Row> estimates, Dataset<Row> eventStudy, Dataset<Row> counts,
                                            Dataset<Row> epics, AppConfig cfg, ControlGroup control) {
        AppConfig.Attribution a = cfg.attribution();
        Column excludesZero = col("ci_low").gt(0).or(col("ci_high").lt(0));
        Dataset<Row> preTrend = eventStudy.filter(col("event_month").lt(0)).groupBy(Cols.of(KEYS))
                .agg(max(abs(col("estimate"))).as("max_abs_pre_trend"),
                        sum(when(excludesZero, 1).otherwise(0)).as("pre_excluding_zero"));
        Column preTrendOk = col("pre_excluding_zero").isNull().or(col("pre_excluding_zero").equalTo(0));
        Column tooFew = col("n_treated").lt(a.minAccounts()).or(col("n_control").lt(a.minAccounts()));
        Column verdict = when(tooFew.or(not(preTrendOk)).or(not(excludesZero)).or(col("std_error").isNull()), lit("inconclusive"))
                .when(col("estimate").gt(0), lit("positive")).otherwise(lit("negative"));
        Dataset<Row> impact = estimates.filter(col("agg").equalTo(EFFECT))
                .join(counts, Cols.seq(KEYS))
                .join(preTrend, Cols.seq(KEYS), "left")
                .join(epics, Cols.seq(List.of("quarter", "epic_key")))
                .withColumn("method", when(col("itt"), lit(method(a) + "_itt")).otherwise(lit(method(a))))
                .withColumn("control_group", lit(control.label()))
                .withColumn("pre_trend_ok", preTrendOk)
                .withColumn("verdict", verdict)
                .withColumn("attributed_mrr", when(col("outcome").equalTo("mrr"),
                        bround(col("estimate").cast("decimal(24,6)").multiply(col("n_treated").cast("decimal(12,0)")), 2)
                                .cast("decimal(20,2)")))
                .withColumn("scale_factor", lit(1).cast("decimal(10,6)"))
                .withColumn("currency", lit(cfg.reportingCurrency()))
                .select("quarter", "epic_key", "outcome", "method", "control_group", "n_treated", "n_control", "estimate",
                        "std_error", "ci_low", "ci_high", "max_abs_pre_trend", "pre_trend_ok", "verdict",
                        "attributed_mrr", "scale_factor", "currency");
        return impact;
    }
}

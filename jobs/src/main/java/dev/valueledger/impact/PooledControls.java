package dev.valueledger.impact;

import dev.valueledger.config.AppConfig;
import dev.valueledger.pipeline.Quarter;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.var_pop;
import static org.apache.spark.sql.functions.when;

/**
 * Every quarter's and Epic's group-time cells, unit influences and bootstrap parts with the
 * controls that adopted no Epic near the compared months summed once per month pair, so the work
 * grows with accounts plus adoptions, not with accounts x Epics (CONTRACT §2 Impact).
 */
final class PooledControls {

    // The controls of Epic e's cell (g, t) with base month b are the accounts that are customers at
    // b, clean of other Epics near (b, t), and not (yet) treated by e. Every Epic's cells on the same
    // pair (b, t) share most of them: the accounts that adopted no Epic at all near (b, t), the
    // pair's pool. So a cell's controls are the pool, corrected by e's own adopters only: an adopter
    // of e counts kappa = [control of the cell] - [in the pool] in {-1, 0, 1} times. Sums of counts,
    // differences and squares, and per bootstrap draw the weighted sums, are additive over that
    // decomposition; the pool's are computed in one pass over the accounts (MonthPairSums), the
    // corrections from e's adopters. Epics and accounts both grow with a company, so building every
    // Epic's comparisons with every account (EpicPanel.build) grows with their product.

    /**
     * @param cells       quarter, epic_key, outcome, g, t, base, n_treated, n_control, mean_treated,
     *                    mean_control, var_treated, var_control, att, se: as {@link GroupTimeEffects#cells}
     * @param influence   quarter, epic_key, outcome, g, t, unit, psi of the adopters of each Epic (the
     *                    pool's part is in {@code pool})
     * @param cohorts     quarter, epic_key, unit, cohort: the adopters whose cohort the quarter estimates
     * @param counts      quarter, epic_key, outcome, n_treated, n_control over the cells 0 <= t - g < post-months
     * @param epics       quarter, epic_key, itt
     * @param sizes       per (quarter, epic_key) the number of accounts of each estimable cohort
     * @param nUnits      per (quarter, epic_key) the accounts of its estimation
     * @param pool        the pools' sums per month pair and draw
     */
    record Result(Dataset<Row> cells, Dataset<Row> influence, Dataset<Row> cohorts, Dataset<Row> counts,
                  Dataset<Row> epics, Map<List<Object>, Map<Integer, Long>> sizes, Map<List<Object>, Long> nUnits,
                  MonthPairSums pool) { }

    /** Parts of the pool's pass; the parts are added in partition order, so the sums do not depend on timing. */
    private static final int MAX_PARTS = 16;

    private PooledControls() { }

    static Result build(Dataset<Row> accountMonthly, Dataset<Row> adoptions, AppConfig.Attribution a,
                        ControlGroup control, List<Quarter> quarters) {
        EpicPanel.Frame f = EpicPanel.frame(accountMonthly, adoptions, a, quarters);
        SparkSession spark = accountMonthly.sparkSession();
        int first = f.first();
        int k = a.cleanControlMonths();
        int draws = a.bootstrapSamples();
        Map<String, Integer> lastOf = new HashMap<>();
        f.horizons().collectAsList().forEach(r -> lastOf.put(r.getString(0), r.getInt(1)));
        int lastOfAll = lastOf.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        Dataset<Row> cells = f.cells().cache();

        List<Row> pairRows = cells.select("base", "t").distinct().orderBy("base", "t").collectAsList();
        int[] base = pairRows.stream().mapToInt(r -> r.getInt(0)).toArray();
        int[] ts = pairRows.stream().mapToInt(r -> r.getInt(1)).toArray();
        MonthPairSums pool = pool(f.accounts(), new MonthPairSums(base, ts, k, first, lastOfAll, draws), a.bootstrapSeed());

        // Each adopter of an Epic against each cell of that Epic, with what it is there.
        Column ys = col("ys");
        Column inPanel = coalesce(col("entered").leq(col("base")), lit(false))
                .and(element_at(ys, col("base")).isNotNull()).and(element_at(ys, col("t")).isNotNull());
        Column cohortQ = when(col("cohort").gt(col("last")), lit(0)).otherwise(col("cohort"));
        Column leaves = col("cohort_q").notEqual(0).and(col("cohort_q").leq(first));
        Column cleanOfAll = not(expr("coalesce(exists(adopted, x -> x.cohort BETWEEN base - " + k + " AND t + " + k + "), false)"));
        Dataset<Row> cellsWithLast = cells.join(broadcast(f.horizons()), col("cell_quarter").equalTo(col("quarter"))).drop("quarter");
        Dataset<Row> flagged = f.adopted().select("epic_key", "account_id", "cohort")
                .join(f.accounts().select("account_id", "ys", "entered", "adopted"), "account_id")
                .join(broadcast(cellsWithLast), col("epic_key").equalTo(col("cell_epic")))
                .withColumn("cohort_q", cohortQ)
                .withColumn("in_panel", inPanel)
                .withColumn("clean", EpicPanel.clean(k))
                .select(col("cell_quarter").as("quarter"), col("epic_key"), col("account_id").as("unit"), col("g"), col("t"),
                        col("base"),
                        col("in_panel").and(col("clean")).and(col("cohort_q").equalTo(col("g"))).as("treated"),
                        col("in_panel").and(col("clean")).and(not(leaves))
                                .and(control.isControl(col("cohort_q"), col("g"), col("t"))).as("in_control"),
                        col("in_panel").and(cleanOfAll).as("in_pool"),
                        EpicPanel.dy(ys, "mrr").as("dy_mrr"), EpicPanel.dy(ys, "active").as("dy_active"))
                .withColumn("kappa", col("in_control").cast("int").minus(col("in_pool").cast("int")))
                .cache();

        Dataset<Row> explicit = flagged.filter(col("treated").or(col("kappa").notEqual(0)))
                .select(col("quarter"), col("epic_key"), col("g"), col("t"), col("unit"), col("treated"), col("kappa"),
                        explode(array(
                                struct(lit("mrr").as("outcome"), col("dy_mrr").as("dy")),
                                struct(lit("active").as("outcome"), col("dy_active").as("dy")))).as("o"))
                .select(col("quarter"), col("epic_key"), col("o.outcome").as("outcome"), col("g"), col("t"), col("unit"),
                        col("treated"), col("kappa"), col("o.dy").as("dy"))
                // Read by the cells, the influences (after this method returns) and the counts.
                .localCheckpoint();

        Dataset<Row> corrections = explicit.groupBy("quarter", "epic_key", "outcome", "g", "t")
                .agg(count(when(col("treated"), lit(1))).as("n_treated"),
                        avg(when(col("treated"), col("dy"))).as("mean_treated"),
                        // Population variances: R's did divides the squared influence by n, not n - 1.
                        var_pop(when(col("treated"), col("dy"))).as("var_treated"),
                        sum(col("kappa")).as("k_n"),
                        sum(col("kappa").multiply(col("dy"))).as("k_s1"),
                        sum(col("kappa").multiply(col("dy")).multiply(col("dy"))).as("k_s2"));
        Column nControl = coalesce(col("pool_n"), lit(0L)).plus(coalesce(col("k_n"), lit(0L)));
        Column meanControl = coalesce(col("pool_s1"), lit(0.0)).plus(coalesce(col("k_s1"), lit(0.0))).divide(col("n_control"));
        Column varControl = greatest(lit(0.0), coalesce(col("pool_s2"), lit(0.0)).plus(coalesce(col("k_s2"), lit(0.0)))
                .divide(col("n_control")).minus(col("mean_control").multiply(col("mean_control"))));
        Dataset<Row> cellStats = cells.select(col("cell_quarter").as("quarter"), col("cell_epic").as("epic_key"), col("g"),
                        col("t"), col("base"))
                .crossJoin(outcomes(spark))
                .join(corrections, Cols.seq(List.of("quarter", "epic_key", "outcome", "g", "t")), "left")
                .join(broadcast(poolStats(spark, pool)), Cols.seq(List.of("base", "t", "outcome")), "left")
                .withColumn("n_treated", coalesce(col("n_treated"), lit(0L)))
                .withColumn("n_control", nControl)
                .filter(col("n_treated").gt(0).and(col("n_control").gt(0)))
                .withColumn("mean_control", meanControl)
                .withColumn("var_control", varControl)
                .withColumn("att", col("mean_treated").minus(col("mean_control")))
                .withColumn("se", sqrt(col("var_treated").divide(col("n_treated"))
                        .plus(col("var_control").divide(col("n_control")))))
                .select("quarter", "epic_key", "outcome", "g", "t", "base", "n_treated", "n_control", "mean_treated",
                        "mean_control", "var_treated", "var_control", "att", "se")
                .localCheckpoint();

        // Treated: (dy - mean_treated) / n_treated; each kappa as a control: (mean_control - dy) / n_control.
        Column psi = when(col("treated"), col("dy").minus(col("mean_treated")).divide(col("n_treated"))).otherwise(lit(0.0))
                .plus(col("kappa").multiply(col("mean_control").minus(col("dy"))).divide(col("n_control")));
        List<String> cellKey = List.of("quarter", "epic_key", "outcome", "g", "t");
        Dataset<Row> influence = explicit
                .join(cellStats.select(Cols.of(cellKey, "n_treated", "n_control", "mean_treated", "mean_control")),
                        Cols.seq(cellKey))
                .select(Cols.plus(Cols.of(cellKey, "unit"), psi.as("psi")));

        // R did: an account is in a quarter's estimation of an Epic when it has a month up to the
        // quarter's last, unless its cohort is the panel's first month (no untreated base).
        Dataset<Row> since = f.accounts().select("account_id", "since");
        Dataset<Row> cohorts = f.estimable().join(since, "account_id").filter(col("since").leq(col("last")))
                .select(col("quarter"), col("epic_key"), col("account_id").as("unit"), col("cohort"))
                .cache();
        Map<List<Object>, Map<Integer, Long>> sizes = new HashMap<>();
        cohorts.groupBy("quarter", "epic_key", "cohort").count().collectAsList().forEach(r -> sizes
                .computeIfAbsent(List.of(r.getString(0), r.getString(1)), x -> new HashMap<>()).put(r.getInt(2), r.getLong(3)));
        Map<Integer, Long> bySince = new HashMap<>();
        since.groupBy("since").count().collectAsList().forEach(r -> bySince.put(r.getInt(0), r.getLong(1)));
        Map<List<Object>, Long> leaving = new HashMap<>();
        f.adopted().filter(col("cohort").leq(first)).join(since, "account_id")
                .join(broadcast(f.horizons()), col("since").leq(col("last")))
                .groupBy("quarter", "epic_key").count().collectAsList()
                .forEach(r -> leaving.put(List.of(r.getString(0), r.getString(1)), r.getLong(2)));
        Map<List<Object>, Long> nUnits = new HashMap<>();
        Map<List<Object>, BitSet> cohortMonths = new HashMap<>();
        for (Row r : f.estimable().select("quarter", "epic_key", "cohort").distinct().collectAsList()) {
            List<Object> key = List.of(r.getString(0), r.getString(1));
            cohortMonths.computeIfAbsent(key, x -> new BitSet()).set(r.getInt(2) - first);
            int last = lastOf.get(r.getString(0));
            nUnits.computeIfAbsent(key, x -> bySince.entrySet().stream().filter(e -> e.getKey() <= last)
                    .mapToLong(Map.Entry::getValue).sum() - leaving.getOrDefault(key, 0L));
        }

        Dataset<Row> counts = counts(spark, flagged, explicit, pool, cohortMonths, a).localCheckpoint();
        flagged.unpersist();
        cells.unpersist();
        return new Result(cellStats, influence, cohorts, counts, f.epics(), sizes, nUnits, pool);
    }

    /**
     * Distinct treated and control accounts over the cells 0 <= t - g < post-months of each quarter's
     * Epic. An account that is a control of cell (g, t), t >= g, is one of (g, g) too (same base,
     * a narrower window, a later cohort), so the controls are those of the cells (g - 1, g): the
     * pool's accounts with a good month among the Epic's cohorts, corrected by the Epic's adopters.
     */
    private static Dataset<Row> counts(SparkSession spark, Dataset<Row> flagged, Dataset<Row> explicit, MonthPairSums pool,
                                       Map<List<Object>, BitSet> cohortMonths, AppConfig.Attribution a) {
        List<Row> pooled = new ArrayList<>();
        cohortMonths.forEach((key, gs) -> {
            long n = 0;
            for (Map.Entry<BitSet, Long> e : pool.goodMonths().entrySet()) {
                if (e.getKey().intersects(gs)) {
                    n += e.getValue();
                }
            }
            pooled.add(RowFactory.create(key.get(0), key.get(1), n));
        });
        Dataset<Row> fromPool = spark.createDataFrame(pooled, new StructType().add("quarter", DataTypes.StringType, false)
                .add("epic_key", DataTypes.StringType).add("pool_controls", DataTypes.LongType, false));
        Dataset<Row> adopters = flagged.filter(col("t").equalTo(col("g")))
                .groupBy("quarter", "epic_key", "unit")
                .agg(max(col("in_control").cast("int")).as("c"), max(col("in_pool").cast("int")).as("p"))
                .groupBy("quarter", "epic_key").agg(sum(col("c").minus(col("p"))).as("correction"));
        Dataset<Row> treated = explicit.filter(col("treated").and(col("t").minus(col("g")).between(0, a.postMonths() - 1)))
                .groupBy("quarter", "epic_key", "outcome").agg(countDistinct("unit").as("n_treated"));
        return treated.join(broadcast(fromPool), Cols.seq(List.of("quarter", "epic_key")))
                .join(adopters, Cols.seq(List.of("quarter", "epic_key")), "left")
                .select(col("quarter"), col("epic_key"), col("outcome"), col("n_treated"),
                        col("pool_controls").plus(coalesce(col("correction"), lit(0L))).as("n_control"));
    }

    /** One pass over the accounts: each adds itself to the pools it belongs to, draws included. */
    private static MonthPairSums pool(Dataset<Row> accounts, MonthPairSums empty, long seed) {
        if (empty.pairs() == 0) {
            return empty;
        }
        int draws = empty.draws();
        Dataset<Row> input = accounts.select(col("entered"), col("ys"),
                expr("coalesce(transform(adopted, x -> x.cohort), array())").as("cohorts"), col("account_id"));
        int parts = Math.max(1, Math.min(MAX_PARTS, input.rdd().getNumPartitions()));
        JavaRDD<MonthPairSums> partials = input.coalesce(parts).javaRDD().mapPartitions((Iterator<Row> rows) -> {
            MonthPairSums s = empty.copyEmpty();
            while (rows.hasNext()) {
                Row r = rows.next();
                List<Integer> cs = r.getList(2);
                int[] cohorts = cs.stream().mapToInt(Integer::intValue).toArray();
                // The account's weight in each draw, as MultiplierBootstrap gives it to the adopters.
                boolean[] signs = RademacherWeights.plus(seed, r.getString(3), draws);
                s.add(r.isNullAt(0) ? null : r.getInt(0), r.getJavaMap(1), cohorts, signs);
            }
            return List.of(s).iterator();
        });
        MonthPairSums total = empty.copyEmpty();
        for (MonthPairSums part : partials.collect()) {
            total.plus(part);
        }
        return total;
    }

    /** A cell's controls as its estimate used them: how many, their mean change, and the cell's base month. */
    record CellControls(long n, double mean, int base) { }

    /**
     * The pools' part of every aggregate's bootstrap draws: a control's influence on cell c is
     * (mean_control - dy) / n_control, so the pool adds, per draw b and aggregate with cell weights w_c,
     * the sum over its cells of w_c / n_control x (mean_control x W_b - V_b), W_b and V_b the pool's
     * weight and weighted-difference sums of the cell's month pair.
     *
     * @param functionals per (quarter, epic_key, outcome) its aggregates
     * @param controls    per (quarter, epic_key, outcome, g, t) the cell's controls
     */
    static MultiplierBootstrap.SharedDraws draws(MonthPairSums pool, Map<List<Object>, List<Aggregation.Functional>> functionals,
                                                 Map<List<Object>, CellControls> controls) {
        Map<List<Object>, PoolTerms> terms = new HashMap<>();
        functionals.forEach((key, fs) -> {
            int outcome = MonthPairSums.OUTCOMES.indexOf((String) key.get(2));
            for (Aggregation.Functional f : fs) {
                Map<Integer, double[]> byPair = new TreeMap<>();
                f.cellWeights().forEach((gt, w) -> {
                    int g = gt.get(0);
                    int t = gt.get(1);
                    CellControls c = controls.get(List.of(key.get(0), key.get(1), key.get(2), g, t));
                    double[] ab = byPair.computeIfAbsent(pool.pair(c.base(), t), x -> new double[2]);
                    ab[0] += w * c.mean() / c.n();
                    ab[1] -= w / c.n();
                });
                int[] pairs = byPair.keySet().stream().mapToInt(Integer::intValue).toArray();
                double[] alpha = byPair.values().stream().mapToDouble(ab -> ab[0]).toArray();
                double[] beta = byPair.values().stream().mapToDouble(ab -> ab[1]).toArray();
                terms.put(List.of(key.get(0), key.get(1), key.get(2), f.id()), new PoolTerms(outcome, pairs, alpha, beta));
            }
        });
        return new PoolDraws(pool, terms);
    }

    /** An aggregate's coefficients on its month pairs' weight sums (alpha) and weighted-difference sums (beta). */
    private record PoolTerms(int outcome, int[] pairs, double[] alpha, double[] beta) implements Serializable { }

    private record PoolDraws(MonthPairSums pool, Map<List<Object>, PoolTerms> terms) implements MultiplierBootstrap.SharedDraws {
        @Override
        public double[] draws(List<Object> rowKey, List<Object> columnKey) {
            PoolTerms t = terms.get(List.of(rowKey.get(0), rowKey.get(1), columnKey.get(0), columnKey.get(1)));
            if (t == null) {
                return null;
            }
            double[] d = new double[pool.draws()];
            for (int i = 0; i < t.pairs().length; i++) {
                int p = t.pairs()[i];
                for (int b = 1; b <= d.length; b++) {
                    d[b - 1] += t.alpha()[i] * pool.weights(p, b) + t.beta()[i] * pool.weighted(t.outcome(), p, b);
                }
            }
            return d;
        }
    }

    /** base, t, outcome, pool_n, pool_s1, pool_s2 of every month pair. */
    private static Dataset<Row> poolStats(SparkSession spark, MonthPairSums pool) {
        List<Row> rows = new ArrayList<>();
        for (int p = 0; p < pool.pairs(); p++) {
            for (int o = 0; o < MonthPairSums.OUTCOMES.size(); o++) {
                rows.add(RowFactory.create(pool.base(p), pool.t(p), MonthPairSums.OUTCOMES.get(o), pool.n(p),
                        pool.sum(o, p), pool.sumOfSquares(o, p)));
            }
        }
        return spark.createDataFrame(rows, new StructType().add("base", DataTypes.IntegerType, false)
                .add("t", DataTypes.IntegerType, false).add("outcome", DataTypes.StringType, false)
                .add("pool_n", DataTypes.LongType, false).add("pool_s1", DataTypes.DoubleType, false)
                .add("pool_s2", DataTypes.DoubleType, false));
    }

    private static Dataset<Row> outcomes(SparkSession spark) {
        return spark.createDataFrame(MonthPairSums.OUTCOMES.stream().map(o -> RowFactory.create(o)).toList(),
                new StructType().add("outcome", DataTypes.StringType, false));
    }
}

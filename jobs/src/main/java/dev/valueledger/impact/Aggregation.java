package dev.valueledger.impact;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;

/** R did's aggte (simple, group, dynamic, calendar) with cohort-size weights and analytic influence-function SEs (CONTRACT §2 Impact, §4). */
public final class Aggregation {

    // Each aggregate is a linear functional of the cell influences plus a term in the unit's
    // cohort. R's weight influence (wif, passed to get_agg_inf_func) times the ATTs reduces, for
    // weights pg_k / S over the kept cells, to (1/S) * sum over the kept cells of the unit's own
    // cohort of (ATT_k - aggregate): the part in -pg_k sums to zero. So the functionals are built
    // on the driver from the small cell table, and only the units' influences go through Spark.

    private Aggregation() { }

    /** One estimated cell ATT(g,t) with its analytic standard error. */
    public record Cell(int g, int t, double att, double se) {
        int e() {
            return t - g;
        }
    }

    /**
     * An aggregate: its point estimate, the weight of each cell's influence, and the coefficient
     * of the weight-estimation term for units of each cohort (R's wif times the ATTs, before
     * dividing by the number of units).
     */
    public record Functional(String type, Integer egt, double att, Map<List<Integer>, Double> cellWeights,
                             Map<Integer, Double> cohortTerms) {
        /** Identifier used as a column value while reducing in Spark. */
        public String id() {
            return type + ":" + (egt == null ? "overall" : egt.toString());
        }
    }

    /**
     * One line of R's aggte output (aggte.csv layout): egt is the cohort or period as in the panel
     * for group and calendar, the event time for dynamic; egt and the cell values are null for simple.
     */
    public record AggteRow(String type, String egt, Double attEgt, Double seEgt, double overallAtt, double overallSe) { }

    /** Cohort share P(G = g) among all units of the estimation, R's pg. */
    private static double pg(Map<Integer, Long> cohortSizes, long n, int g) {
        return cohortSizes.getOrDefault(g, 0L) / (double) n;
    }

    /** Weighted mean of kept cells by cohort share, with R's weight-influence term. */
    static Functional weighted(String type, Integer egt, List<Cell> kept, Map<Integer, Long> sizes, long n) {
        double s = 0;
        for (Cell c : kept) {
            s += pg(sizes, n, c.g());
        }
        double att = 0;
        Map<List<Integer>, Double> w = new LinkedHashMap<>();
        for (Cell c : kept) {
            double wk = pg(sizes, n, c.g()) / s;
            w.put(List.of(c.g(), c.t()), wk);
            att += wk * c.att();
        }
        Map<Integer, Double> terms = new LinkedHashMap<>();
        for (Cell c : kept) {
            terms.merge(c.g(), (c.att() - att) / s, Double::sum);
        }
        return new Functional(type, egt, att, w, terms);
    }

    /** Fixed-weight combination of aggregates (R passes wif = NULL for these). */
    static Functional combine(String type, Integer egt, List<Functional> parts, List<Double> coefs) {
        double att = 0;
        Map<List<Integer>, Double> w = new LinkedHashMap<>();
        Map<Integer, Double> terms = new LinkedHashMap<>();
        for (int i = 0; i < parts.size(); i++) {
            double a = coefs.get(i);
            Functional f = parts.get(i);
            att += a * f.att();
            f.cellWeights().forEach((k, v) -> w.merge(k, a * v, Double::sum));
            f.cohortTerms().forEach((k, v) -> terms.merge(k, a * v, Double::sum));
        }
        return new Functional(type, egt, att, w, terms);
    }

    /** R's simple: cohort-size-weighted mean of the cells with minE <= t - g <= maxE (minE >= 0). */
    public static Functional simple(List<Cell> cells, Map<Integer, Long> sizes, long n, int minE, int maxE) {
        List<Cell> kept = cells.stream().filter(c -> c.e() >= minE && c.e() <= maxE).toList();
        return weighted("simple", null, kept, sizes, n);
    }

    /** R's group: per cohort the mean of its post-treatment cells; overall weighted by cohort share. */
    public static List<Functional> group(List<Cell> cells, Map<Integer, Long> sizes, long n) {
        List<Functional> out = new ArrayList<>();
        List<Functional> perGroup = new ArrayList<>();
        for (int g : new TreeSet<>(cells.stream().filter(c -> c.e() >= 0).map(Cell::g).toList())) {
            List<Cell> kept = cells.stream().filter(c -> c.g() == g && c.e() >= 0).toList();
            // Equal shares within one cohort, so the weight term vanishes: R passes wif = NULL.
            Functional f = weighted("group", g, kept, sizes, n);
            perGroup.add(new Functional("group", g, f.att(), f.cellWeights(), Map.of()));
        }
        out.addAll(perGroup);
        List<Cell> groupCells = perGroup.stream().map(f -> new Cell(f.egt(), f.egt(), f.att(), 0)).toList();
        Functional overallWeights = weighted("group", null, groupCells, sizes, n);
        List<Double> coefs = perGroup.stream()
                .map(f -> overallWeights.cellWeights().get(List.of(f.egt(), f.egt()))).toList();
        Functional overall = combine("group", null, perGroup, coefs);
        out.add(new Functional("group", null, overall.att(), overall.cellWeights(), overallWeights.cohortTerms()));
        return out;
    }

    /** R's dynamic: per event time e = t - g in [minE, maxE]; overall = mean over e >= 0. */
    public static List<Functional> dynamic(List<Cell> cells, Map<Integer, Long> sizes, long n, int minE, int maxE) {
        List<Functional> out = new ArrayList<>();
        for (int e : new TreeSet<>(cells.stream().map(Cell::e).filter(e -> e >= minE && e <= maxE).toList())) {
            out.add(weighted("dynamic", e, cells.stream().filter(c -> c.e() == e).toList(), sizes, n));
        }
        List<Functional> post = out.stream().filter(f -> f.egt() >= 0).toList();
        if (!post.isEmpty()) {
            out.add(combine("dynamic", null, post, post.stream().map(f -> 1.0 / post.size()).toList()));
        }
        return out;
    }

    /** R's calendar: per period t (from the first cohort on) over cohorts treated by t; overall = mean over t. */
    public static List<Functional> calendar(List<Cell> cells, Map<Integer, Long> sizes, long n) {
        int minG = cells.stream().mapToInt(Cell::g).min().orElse(Integer.MAX_VALUE);
        List<Functional> out = new ArrayList<>();
        for (int t : new TreeSet<>(cells.stream().map(Cell::t).filter(t -> t >= minG).toList())) {
            List<Cell> kept = cells.stream().filter(c -> c.t() == t && c.g() <= t).toList();
            if (!kept.isEmpty()) {
                out.add(weighted("calendar", t, kept, sizes, n));
            }
        }
        List<Functional> parts = List.copyOf(out);
        if (parts.isEmpty()) {
            return out;
        }
        out.add(combine("calendar", null, parts, parts.stream().map(f -> 1.0 / parts.size()).toList()));
        return out;
    }

    /** The four aggregations of R's aggte on one panel, in its order. */
    public static List<Functional> all(List<Cell> cells, Map<Integer, Long> sizes, long n) {
        List<Functional> out = new ArrayList<>();
        out.add(simple(cells, sizes, n, 0, Integer.MAX_VALUE));
        out.addAll(group(cells, sizes, n));
        out.addAll(dynamic(cells, sizes, n, Integer.MIN_VALUE, Integer.MAX_VALUE));
        out.addAll(calendar(cells, sizes, n));
        return out;
    }

    /**
     * Each unit's influence on each aggregate: sum of weight x cell influence plus its cohort's
     * weight term / n. Columns: keys, agg, unit, psi; the variance of an aggregate is the sum of
     * psi^2 over units.
     *
     * @param cellInfluence keys, g, t, unit, psi (from {@link GroupTimeEffects#influence})
     * @param unitCohorts   keys, unit, cohort: every unit of the estimation once
     * @param functionals   per key values (in key-column order) its aggregates
     * @param nUnits        per key values the number of units
     */
    public static Dataset<Row> unitInfluence(SparkSession spark, Dataset<Row> cellInfluence, Dataset<Row> unitCohorts,
                                             StructType keySchema, Map<List<Object>, List<Functional>> functionals,
                                             Map<List<Object>, Long> nUnits) {
        List<String> keys = List.of(keySchema.fieldNames());
        List<Row> weightRows = new ArrayList<>();
        List<Row> termRows = new ArrayList<>();
        functionals.forEach((key, fs) -> {
            for (Functional f : fs) {
                f.cellWeights().forEach((gt, w) -> weightRows.add(keyed(key, f.id(), gt.get(0), gt.get(1), w)));
                double n = nUnits.get(key);
                f.cohortTerms().forEach((g, c) -> termRows.add(keyed(key, f.id(), g, c / n)));
            }
        });
        StructType weights = extend(keySchema, new StructType().add("agg", DataTypes.StringType, false)
                .add("g", DataTypes.IntegerType, false).add("t", DataTypes.IntegerType, false)
                .add("w", DataTypes.DoubleType, false));
        StructType terms = extend(keySchema, new StructType().add("agg", DataTypes.StringType, false)
                .add("cohort", DataTypes.IntegerType, false).add("c", DataTypes.DoubleType, false));

        List<String> cellKey = new ArrayList<>(keys);
        cellKey.add("g");
        cellKey.add("t");
        List<String> cohortKey = new ArrayList<>(keys);
        cohortKey.add("cohort");
        Dataset<Row> fromCells = cellInfluence
                .join(broadcast(spark.createDataFrame(weightRows, weights)), Cols.seq(cellKey))
                .select(Cols.plus(Cols.of(keys, "agg", "unit"),
                        col("w").multiply(col("psi")).as("v")));
        Dataset<Row> fromWeights = unitCohorts
                .join(broadcast(spark.createDataFrame(termRows, terms)), Cols.seq(cohortKey))
                .select(Cols.plus(Cols.of(keys, "agg", "unit"), col("c").as("v")));
        return fromCells.unionByName(fromWeights)
                .groupBy(Cols.of(keys, "agg", "unit"))
                .agg(sum("v").as("psi"));
    }

    /** Analytic standard error of every aggregate: sqrt(sum over units of psi^2). Columns: keys, agg, se. */
    public static Dataset<Row> analyticSe(Dataset<Row> unitInfluence, List<String> keys) {
        return unitInfluence.groupBy(Cols.of(keys, "agg"))
                .agg(sqrt(sum(col("psi").multiply(col("psi")))).as("se"));
    }

    /** R's aggte for all four types on a panel estimate, with analytic standard errors. */
    public static List<AggteRow> aggte(DidEstimator.Result r) {
        List<Cell> cells = r.rankedCells();
        List<Functional> fs = all(cells, r.cohortSizes(), r.nUnits());
        SparkSession spark = r.cells().sparkSession();
        Dataset<Row> influence = unitInfluence(spark, r.influence(), r.units(), new StructType(),
                Map.of(List.of(), fs), Map.of(List.of(), r.nUnits()));
        Map<String, Double> se = new HashMap<>();
        for (Row row : analyticSe(influence, List.of()).collectAsList()) {
            se.put(row.getString(0), row.getDouble(1));
        }
        Map<String, Functional> overall = new HashMap<>();
        fs.stream().filter(f -> f.egt() == null).forEach(f -> overall.put(f.type(), f));
        List<AggteRow> out = new ArrayList<>();
        for (Functional f : fs) {
            Functional o = overall.get(f.type());
            if (o == null) {
                continue;
            }
            double oSe = se.getOrDefault(o.id(), 0.0);
            if ("simple".equals(f.type())) {
                out.add(new AggteRow("simple", null, null, null, o.att(), oSe));
            } else if (f.egt() != null) {
                String egt = "dynamic".equals(f.type()) ? f.egt().toString() : r.label(f.egt());
                out.add(new AggteRow(f.type(), egt, f.att(), se.getOrDefault(f.id(), 0.0), o.att(), oSe));
            }
        }
        return out;
    }

    private static Row keyed(List<Object> key, Object... rest) {
        Object[] v = new Object[key.size() + rest.length];
        for (int i = 0; i < key.size(); i++) {
            v[i] = key.get(i);
        }
        System.arraycopy(rest, 0, v, key.size(), rest.length);
        return RowFactory.create(v);
    }

    private static StructType extend(StructType keys, StructType rest) {
        StructType out = new StructType();
        for (StructField f : keys.fields()) {
            out = out.add(f);
        }
        for (StructField f : rest.fields()) {
            out = out.add(f);
        }
        return out;
    }
}

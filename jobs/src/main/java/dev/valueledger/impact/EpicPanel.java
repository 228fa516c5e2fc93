package dev.valueledger.impact;

import dev.valueledger.config.AppConfig;
import dev.valueledger.pipeline.Quarter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

/** The quarter x Epic x account x month comparisons Y_t - Y_base of every quarter's and Epic's cells in one pass, clean of other Epics (CONTRACT §2 Impact). */
public final class EpicPanel {

    /** The level of accounts without a segment or plan, when those are covariates. */
    private static final String NO_LEVEL = "(none)";

    private EpicPanel() { }

    /**
     * @param comparisons quarter, epic_key, outcome (mrr | active), g, t, unit, treated, dy, x: one
     *                    row per account taking part in a cell of a quarter's estimate, as
     *                    {@link GroupTimeEffects} takes them
     * @param assignment  quarter, epic_key, account_id, cohort (0 = not treated by that Epic in the
     *                    quarter's panel): every account of each quarter's estimation of an Epic once
     * @param epics       quarter, epic_key, itt (true when cohorts come from feature-flag exposures)
     */
    public record Panel(Dataset<Row> comparisons, Dataset<Row> assignment, Dataset<Row> epics) { }

    /** Month index (year * 12 + month - 1) of the quarter's last month: its panel ends there. */
    public static int lastMonth(Quarter q) {
        return q.end().getYear() * 12 + q.end().getMonthValue() - 2;
    }

    /**
     * What both ways of building the cells share: the panel's months, each account's months and
     * adoptions, the estimable Epics and their cells, per quarter.
     *
     * @param monthly   account_id, p (month index), mrr, active as double (and the categorical covariates)
     * @param first     the panel's first month: a cohort must come after it
     * @param horizons  quarter, last (its last month)
     * @param adopted   epic_key, account_id, cohort (first adoption month), itt
     * @param estimable adopted rows joined to the quarters whose panel can estimate their cohort
     * @param epics     quarter, epic_key, itt: the Epics with an estimable cohort, per quarter
     * @param accounts  account_id, ys (month -> (mrr, active)), entered, since, the categorical
     *                  covariates, adopted (array of (epic_key, cohort)) or null
     * @param cells     cell_quarter, cell_epic, g, t, base: every group-time cell of every quarter
     */
    record Frame(Dataset<Row> monthly, int first, Dataset<Row> horizons, Dataset<Row> adopted, Dataset<Row> estimable,
                 Dataset<Row> epics, Dataset<Row> accounts, Dataset<Row> cells) { }

    /**
     * Every quarter's panel at once, the quarter a key column as the Epic is: as of a quarter the
     * panel holds the months up to its last, and cells are each adopting cohort g of an Epic with
     * t - g in [-pre-months, post-months - 1] inside it.
     */
    public static Panel build(Dataset<Row> accountMonthly, Dataset<Row> adoptions, AppConfig.Attribution a,
                              ControlGroup control, List<Quarter> quarters) {
        Frame f = frame(accountMonthly, adoptions, a, quarters);
        Column last = col("last");
        int first = f.first();
        Dataset<Row> assignment = f.epics().select("quarter", "epic_key").join(broadcast(f.horizons()), "quarter")
                .crossJoin(f.accounts().select("account_id", "since"))
                .filter(col("since").leq(last))
                .join(f.adopted().select("epic_key", "account_id", "cohort"),
                        Cols.seq(List.of("epic_key", "account_id")), "left")
                .withColumn("cohort", when(col("cohort").isNull().or(col("cohort").gt(last)), lit(0)).otherwise(col("cohort")))
                .filter(col("cohort").equalTo(0).or(col("cohort").gt(first)))
                .select("quarter", "epic_key", "account_id", "cohort")
                .cache();

        Column treated = col("cohort").equalTo(col("g"));
        // Only customers at the base month take part in a comparison of (base, t), and only accounts
        // clean of other Epics near it, treated or control alike. The cohort is the quarter's
        // (0 when after its last month), so controls are as of the quarter.
        Column comparisonWith = col("quarter").equalTo(col("cell_quarter")).and(col("epic_key").equalTo(col("cell_epic")))
                .and(col("entered").leq(col("base")))
                .and(clean(a.cleanControlMonths()))
                .and(treated.or(control.isControl(col("cohort"), col("g"), col("t"))));
        Column ys = col("ys");
        List<String> covariates = a.covariates();
        Column x = covariates.isEmpty() ? lit(null).cast("array<double>") : covariates(f.monthly(), covariates);
        Dataset<Row> comparisons = assignment.join(f.accounts(), "account_id").join(broadcast(f.cells()), comparisonWith)
                .select(col("quarter"), col("epic_key"), col("g"), col("t"), col("account_id").as("unit"), treated.as("treated"),
                        x.as("x"),
                        explode(array(
                                struct(lit("mrr").as("outcome"), dy(ys, "mrr").as("dy")),
                                struct(lit("active").as("outcome"), dy(ys, "active").as("dy")))).as("o"))
                .select(col("quarter"), col("epic_key"), col("o.outcome").as("outcome"), col("g"), col("t"), col("unit"),
                        col("treated"), col("o.dy").as("dy"), col("x"))
                .filter(col("dy").isNotNull())
                .cache();

        return new Panel(comparisons, assignment, f.epics());
    }

    /** The shared part of {@link #build} and {@link PooledControls#build}. */
    static Frame frame(Dataset<Row> accountMonthly, Dataset<Row> adoptions, AppConfig.Attribution a, List<Quarter> quarters) {
        if (quarters.isEmpty()) {
            throw new IllegalArgumentException("no quarter to estimate");
        }
        SparkSession spark = accountMonthly.sparkSession();
        Map<String, Integer> lastOf = new LinkedHashMap<>();
        quarters.forEach(q -> lastOf.put(q.label(), lastMonth(q)));
        List<Row> horizonRows = new ArrayList<>();
        lastOf.forEach((label, last) -> horizonRows.add(RowFactory.create(label, last)));
        Dataset<Row> horizons = spark.createDataFrame(horizonRows, new StructType()
                .add("quarter", DataTypes.StringType, false).add("last", DataTypes.IntegerType, false));
        int lastOfAll = Collections.max(lastOf.values());
        Column last = col("last");

        // Estimates are statistics with standard errors, computed in double; the money figure
        // derived from them (attributed_mrr) goes back to DECIMAL, rounded half-even to the cent.
        // Segment and plan are read only when they are covariates.
        List<String> categorical = a.covariates().stream().filter(c -> c.equals("segment") || c.equals("plan")).toList();
        List<Column> perMonth = new ArrayList<>(List.of(col("account_id"), Periods.monthIndex(col("month")).as("p"),
                col("mrr").cast("double").as("mrr"), col("active").cast("double").as("active")));
        List<Column> perAccount = new ArrayList<>();
        for (String c : categorical) {
            perMonth.add(coalesce(col(c), lit(NO_LEVEL)).as(c));
            perAccount.add(first(c).as(c));
        }
        Dataset<Row> monthly = accountMonthly.select(perMonth.toArray(new Column[0])).filter(col("p").leq(lastOfAll));
        Row bounds = monthly.agg(min("p")).first();
        // The panel's first month is the same in every quarter that has months at all; a quarter
        // ending before it has no estimable cohort (first < cohort <= last is empty), as a panel
        // without months (first = last) has none.
        int first = bounds.isNullAt(0) ? lastOfAll : bounds.getInt(0);

        Dataset<Row> adopted = adoptions
                .select(col("epic_key"), col("account_id"), Periods.monthIndex(col("cohort_month")).as("cohort"),
                        col("method").equalTo("exposure").as("itt"))
                .groupBy("epic_key", "account_id").agg(min("cohort").as("cohort"), max("itt").as("itt"));
        // R did: a cohort after the last month is not treated within the panel; one in the first
        // month has no untreated base and its accounts leave that Epic's estimation.
        Dataset<Row> estimable = adopted.join(broadcast(horizons), col("cohort").gt(first).and(col("cohort").leq(last)));
        Dataset<Row> epics = estimable.groupBy("quarter", "epic_key").agg(max("itt").as("itt"));

        // An account is a customer from its first month with MRR > 0 (churned ones stay customers,
        // with zeros). Before that its MRR is 0 because it was not there, and its entry, a jump of its
        // whole price, would read as an effect or a pre-trend: adopters are customers before they
        // adopt, so all their entries fall before their cohort (issue 4 truth study). Entry only
        // counts as entered <= base < t <= last, so reading it over all quarters' months changes
        // nothing; an account is in a quarter's panel when it has a month up to the quarter's last.
        perAccount.add(0, min(when(col("mrr").gt(0), col("p"))).as("entered"));
        perAccount.add(1, min(col("p")).as("since"));
        Dataset<Row> accounts = monthly.groupBy("account_id")
                .agg(map_from_entries(collect_list(struct(col("p"), struct(col("mrr"), col("active"))))).as("ys"),
                        perAccount.toArray(new Column[0]))
                .join(adopted.groupBy("account_id").agg(collect_list(struct(col("epic_key"), col("cohort"))).as("adopted")),
                        Cols.seq(List.of("account_id")), "left");

        Dataset<Row> cells = estimable.select(col("quarter").as("cell_quarter"), col("epic_key").as("cell_epic"),
                        col("cohort").as("g"), col("last")).distinct()
                .withColumn("e", explode(sequence(lit(-a.preMonths()), lit(a.postMonths() - 1))))
                .withColumn("t", col("g").plus(col("e")))
                .filter(col("t").gt(first).and(col("t").leq(last)))
                .withColumn("base", when(col("t").geq(col("g")), col("g").minus(1)).otherwise(col("t").minus(1)))
                .drop("e", "last");
        return new Frame(monthly, first, horizons, adopted, estimable, epics.select("quarter", "epic_key", "itt"), accounts, cells);
    }

    /**
     * The account's covariates in a cell, as of its base month, without intercept, in the order
     * configured: segment and plan as indicators of every level but the first (sorted; a missing
     * value is a level of its own), tenure as months since its first MRR, pre_mrr as its MRR at base.
     * The levels are the panel's few distinct values, read once.
     */
    static Column covariates(Dataset<Row> monthly, List<String> names) {
        List<Column> xs = new ArrayList<>();
        for (String name : names) {
            switch (name) {
                case "segment", "plan" -> {
                    List<String> levels = new ArrayList<>();
                    monthly.select(col(name)).distinct().collectAsList()
                            .forEach(r -> levels.add(r.getString(0)));
                    Collections.sort(levels);
                    levels.stream().skip(1).forEach(l -> xs.add(when(col(name).equalTo(l), 1.0).otherwise(0.0)));
                }
                case "tenure" -> xs.add(col("base").minus(col("entered")).cast("double"));
                case "pre_mrr" -> xs.add(element_at(col("ys"), col("base")).getField("mrr"));
                default -> throw new IllegalArgumentException("unknown covariate " + name);
            }
        }
        return array(xs.toArray(new Column[0]));
    }

    /** Y_t - Y_base of one outcome from an account's month -> (mrr, active) map. */
    static Column dy(Column ys, String outcome) {
        return element_at(ys, col("t")).getField(outcome).minus(element_at(ys, col("base")).getField(outcome));
    }

    /**
     * An account is clean for Epic e's cell (g, t) unless it adopted another Epic in a month from
     * k months before the earlier of (base, t) to k months after the later: its difference
     * Y_t - Y_base may carry that Epic's effect (or its anticipation). CONTRACT §2 leaves such
     * accounts out of the controls; they leave the treated too, because a rule on one side only
     * compares treated carrying other Epics' effects with controls carrying none, and adopters of
     * one Epic adopt others more often (truth study: +10 to +20 EUR of bias, docs/truth-study.md).
     */
    static Column clean(int k) {
        return not(expr("coalesce(exists(adopted, x -> x.epic_key <> epic_key"
                + " AND x.cohort BETWEEN least(base, t) - " + k + " AND greatest(base, t) + " + k + "), false)"));
    }
}

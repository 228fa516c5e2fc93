package dev.valueledger.impact;

import dev.valueledger.UserError;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/** {@code valueledger estimate}: ATT(g,t) and R's aggregations on a user's panel, as attgt.csv and aggte.csv in R did's layout (CONTRACT §4). */
public final class EstimateCommand {

    private EstimateCommand() { }

    public static void run(SparkSession spark, EstimateOptions o) {
        Dataset<Row> panel = read(spark, o.panel());
        List<String> needed = new ArrayList<>(List.of(o.unit(), o.time(), o.outcome(), o.cohort()));
        needed.addAll(o.covariates());
        for (String c : needed) {
            if (!Arrays.asList(panel.columns()).contains(c)) {
                throw new UserError("panel " + o.panel() + " has no column '" + c + "'; its columns are "
                        + String.join(", ", panel.columns()));
            }
        }
        checkBalanced(panel, o);
        DidEstimator.Result r = new DidEstimator(o.unit(), o.time(), o.outcome(), o.cohort(), o.control(), o.covariates())
                .estimate(panel);
        if (o.control() == ControlGroup.NEVER_TREATED && !r.cohortSizes().containsKey(0)) {
            throw new UserError("panel " + o.panel() + " has no never-treated unit (" + o.cohort()
                    + " = 0); use --control not-yet");
        }
        List<Aggregation.Cell> cells = r.rankedCells();
        if (cells.isEmpty()) {
            throw new UserError("panel " + o.panel() + " has no estimable group-time cell: it needs treated units"
                    + " first treated after the first period and controls");
        }
        List<String> attgt = new ArrayList<>(List.of("group,t,att,se"));
        for (Aggregation.Cell c : cells) {
            attgt.add(String.join(",", r.label(c.g()), r.label(c.t()), num(c.att()), num(c.se())));
        }
        List<String> aggte = new ArrayList<>(List.of("type,egt,att_egt,se_egt,overall_att,overall_se"));
        for (Aggregation.AggteRow a : Aggregation.aggte(r)) {
            String egt = a.egt() == null ? "NA" : a.egt();
            aggte.add(String.join(",", a.type(), egt, a.attEgt() == null ? "NA" : num(a.attEgt()),
                    a.seEgt() == null ? "NA" : num(a.seEgt()), num(a.overallAtt()), num(a.overallSe())));
        }
        write(spark, o.out(), "attgt.csv", attgt);
        write(spark, o.out(), "aggte.csv", aggte);
    }

    /** CSV (header, types inferred) or Parquet, by the file's extension. */
    static Dataset<Row> read(SparkSession spark, String file) {
        String lower = file.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".parquet")) {
            return spark.read().parquet(file);
        }
        if (lower.endsWith(".csv") || lower.endsWith(".csv.gz")) {
            return spark.read().option("header", "true").option("inferSchema", "true").option("nullValue", "NA").csv(file);
        }
        throw new UserError("panel " + file + " is neither .csv (.csv.gz) nor .parquet");
    }

    /**
     * Every unit observed once in every period with an outcome, and one cohort per unit: the
     * estimator differences each unit's own outcomes, so a gap would silently drop it.
     */
    static void checkBalanced(Dataset<Row> panel, EstimateOptions o) {
        Column unit = DidEstimator.column(o.unit());
        Column time = DidEstimator.column(o.time());
        long periods = panel.select(time).filter(time.isNotNull()).distinct().count();
        Dataset<Row> perUnit = panel.filter(unit.isNotNull()).groupBy(unit.as("unit"))
                .agg(count(lit(1)).as("rows"), countDistinct(time).as("periods"),
                        count(DidEstimator.column(o.outcome())).as("outcomes"),
                        min(DidEstimator.column(o.cohort()).cast("string")).as("min_cohort"),
                        max(DidEstimator.column(o.cohort()).cast("string")).as("max_cohort"));
        Row v = perUnit.agg(
                sum(when(col("rows").notEqual(periods).or(col("periods").notEqual(periods)), 1).otherwise(0)),
                first(when(col("rows").notEqual(periods).or(col("periods").notEqual(periods)), col("unit").cast("string")), true),
                sum(when(col("outcomes").notEqual(col("rows")), 1).otherwise(0)),
                first(when(col("outcomes").notEqual(col("rows")), col("unit").cast("string")), true),
                sum(when(col("min_cohort").notEqual(col("max_cohort")), 1).otherwise(0)),
                first(when(col("min_cohort").notEqual(col("max_cohort")), col("unit").cast("string")), true)).first();
        long nullKeys = panel.filter(unit.isNull().or(time.isNull())).count();
        if (nullKeys > 0) {
            throw new UserError("panel " + o.panel() + ": " + nullKeys + " rows have no " + o.unit() + " or " + o.time());
        }
        if (!v.isNullAt(0) && v.getLong(0) > 0) {
            throw new UserError("panel " + o.panel() + " is not balanced: " + v.getLong(0) + " units (e.g. "
                    + o.unit() + " = " + v.getString(1) + ") are not observed exactly once in each of the "
                    + periods + " values of " + o.time());
        }
        if (!v.isNullAt(2) && v.getLong(2) > 0) {
            throw new UserError("panel " + o.panel() + ": " + v.getLong(2) + " units (e.g. " + o.unit() + " = "
                    + v.getString(3) + ") have a missing " + o.outcome());
        }
        if (!v.isNullAt(4) && v.getLong(4) > 0) {
            throw new UserError("panel " + o.panel() + ": " + v.getLong(4) + " units (e.g. " + o.unit() + " = "
                    + v.getString(5) + ") change " + o.cohort() + " over time; a unit has one cohort");
        }
    }

    private static String num(double d) {
        return Double.toString(d);
    }

    /** One small CSV file through Hadoop's FileSystem, so the folder may be local or remote. */
    private static void write(SparkSession spark, String dir, String name, List<String> lines) {
        Path path = new Path(dir, name);
        try {
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            try (OutputStream out = fs.create(path, true)) {
                out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UserError("cannot write " + path + ": " + e.getMessage(), e);
        }
    }
}

package dev.valueledger.quality;

import dev.valueledger.config.AppConfig;
import dev.valueledger.ingest.Source;
import dev.valueledger.ingest.SourceValidation;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * The checks every run records in {@code data_quality_results} (CONTRACT §3): quarantine shares
 * against their thresholds, duplicates collapsed, statuses no mapping names (CONTRACT §2),
 * references between sources, and the MRR identity that movements sum to the change in MRR.
 */
public final class DataQuality {

    public static final TableSpec SPEC = TableSpec.gold("data_quality_results",
                    "One row per run and check: what was measured, against which threshold, and whether it blocked publication (CONTRACT §3).")
            .column("run_id", "Run that made the check (pipeline_runs.run_id)")
            .column("check_name", "What was checked, e.g. quarantine_share, orphan_reference, unmapped_status, mrr_movements_identity")
            .column("table_name", "Source or table the check is about")
            .column("status", "pass, warn (non-blocking check that did not hold) or fail (blocking: the run is failed)")
            .column("observed", "Measured value: a share for quarantine_share, else a count of offending rows")
            .column("threshold", "Largest value that passes; null for checks that only report")
            .column("blocking", "True when a failure stops publication and fails the run")
            .column("details", "What to look at: offending values (at most ten), or counts by reason")
            .live()
            .build();

    private static final StructType SCHEMA = StructType.fromDDL(
            "check_name STRING, table_name STRING, status STRING, observed DOUBLE, threshold DOUBLE, blocking BOOLEAN, details STRING");

    private DataQuality() { }

    /** Quarantine share (blocking, CONTRACT §1.3) and exact duplicates collapsed, per source. */
    public static List<Check> ingest(Map<Source, SourceValidation.Counts> counts, AppConfig cfg) {
        List<Check> out = new ArrayList<>();
        counts.forEach((s, c) -> {
            double threshold = cfg.quarantine().thresholdFor(s.sourceName());
            out.add(Check.of("quarantine_share", s.sourceName(), c.quarantinedShare() <= threshold, c.quarantinedShare(),
                    threshold, true, String.format(Locale.ROOT, "%d of %d records; by reason %s", c.quarantined(), c.read(), c.byReason())));
            out.add(Check.of("exact_duplicates_collapsed", s.sourceName(), true, c.collapsed(), null, false,
                    c.collapsed() + " extra identical copies dropped"));
        });
        return out;
    }

    /**
     * Rows of {@code child} whose {@code childKey} is set but names no row of {@code parent}: reported,
     * not blocking, since the figures stay computable (the row counts under its own key).
     */
    public static Check orphans(String childName, Dataset<Row> child, String childKey, String parentName,
                                Dataset<Row> parent, String parentKey) {
        Dataset<Row> orphans = child.filter(col(childKey).isNotNull())
                .join(parent.select(col(parentKey).as("_parent_key")).distinct(),
                        col(childKey).equalTo(col("_parent_key")), "left_anti")
                .select(col(childKey).as("k")).distinct();
        List<Row> sample = orphans.orderBy("k").limit(10).collectAsList();
        long n = sample.size() < 10 ? sample.size() : orphans.count();
        String details = n == 0 ? "" : childName + "." + childKey + " values with no " + parentName + "." + parentKey + ": "
                + sample.stream().map(r -> r.getString(0)).collect(Collectors.joining(", ")) + (n > 10 ? ", ..." : "");
        return Check.of("orphan_reference", childName + "." + childKey + " -> " + parentName, n == 0, n, 0.0, false, details);
    }

    /** Workflow statuses no mapping names; they count as active until configured (CONTRACT §2). */
    public static Check unmappedStatuses(Dataset<Row> unmapped) {
        // Ties broken by name: the ten named must not depend on which executor answered first.
        List<Row> rows = unmapped.orderBy(col("occurrences").desc(), col("status")).limit(10).collectAsList();
        long n = rows.size() < 10 ? rows.size() : unmapped.count();
        String details = rows.stream().map(r -> r.get(0) + " (" + r.get(1) + ")").collect(Collectors.joining(", "));
        return Check.of("unmapped_status", "work_item_transitions", n == 0, n, 0.0, false,
                n == 0 ? "" : "counted as active; map them in valueledger.status-categories: " + details);
    }

    /** Movements sum exactly to the change in MRR on every row (CONTRACT §2 MRR movements); blocking. */
    public static Check movementsIdentity(Dataset<Row> monthly) {
        Column sumOfMovements = col("new").plus(col("reactivation")).plus(col("expansion")).plus(col("contraction")).plus(col("churn"));
        Row r = monthly.agg(count(lit(1)), sum(when(sumOfMovements.notEqual(col("mrr_end").minus(col("mrr_start"))), 1).otherwise(0))).head();
        long bad = r.isNullAt(1) ? 0 : r.getLong(1);
        return Check.of("mrr_movements_identity", "mrr_movements_monthly", bad == 0, bad, 0.0, true,
                bad == 0 ? r.getLong(0) + " month x segment rows tie out" : bad + " rows where movements do not sum to mrr_end - mrr_start");
    }

    /** Largest change of a table's row count against the last good run that passes without a warning. */
    static final double ROW_COUNT_CHANGE = 0.5;

    /**
     * A curated table's key (its TableSpec key) is never null and never repeated (blocking), and its
     * row count against the last good run's (a warning beyond a {@value #ROW_COUNT_CHANGE} change:
     * worth a look, not proof of an error).
     *
     * @param previousRows the table's rows after the last successful run, if recorded
     */
    public static List<Check> keysAndCount(TableSpec spec, Dataset<Row> table, Optional<Double> previousRows) {
        Column anyNull = spec.key().stream().map(k -> col(k).isNull()).reduce(Column::or).orElseThrow(
                () -> new IllegalArgumentException(spec.name() + " has no key"));
        Row r = table.agg(count(lit(1)), countDistinct(struct(spec.key().stream().map(functions::col).toArray(Column[]::new))),
                sum(when(anyNull, 1).otherwise(0))).head();
        long rows = r.getLong(0);
        long repeated = rows - r.getLong(1);
        long nulls = r.isNullAt(2) ? 0 : r.getLong(2);
        List<Check> out = new ArrayList<>();
        out.add(Check.of("key_unique", spec.name(), repeated == 0 && nulls == 0, repeated + nulls, 0.0, true,
                "key (" + String.join(", ", spec.key()) + "): " + rows + " rows, " + repeated + " repeated, " + nulls + " with a null part"));
        double change = previousRows.filter(p -> p > 0).map(p -> Math.abs(rows - p) / p).orElse(0.0);
        out.add(Check.of("row_count", spec.name(), change <= ROW_COUNT_CHANGE, rows, null, false,
                previousRows.map(p -> String.format(Locale.ROOT, "%d rows; %.0f after the last good run (%+.1f%%)", rows, p,
                        p > 0 ? 100 * (rows - p) / p : 0.0)).orElse(rows + " rows; no earlier good run to compare with")));
        return out;
    }

    /** Each table's row count as the last successful run recorded it (its row_count checks). */
    public static Map<String, Double> rowCountsOf(Dataset<Row> qualityResults, String runId) {
        Map<String, Double> out = new java.util.TreeMap<>();
        qualityResults.filter(col("run_id").equalTo(runId).and(col("check_name").equalTo("row_count")))
                .select("table_name", "observed").collectAsList().forEach(r -> out.put(r.getString(0), r.getDouble(1)));
        return out;
    }

    /**
     * Every team-month's cost is shared out exactly (CONTRACT §2 Cost, issue 5 invariant): the
     * allocated costs of its Epics and of unallocated work sum to the team's cost to the cent, and
     * the effort shares to exactly 1 where the team had active item-days; blocking.
     */
    public static Check costAllocation(Dataset<Row> epicCost) {
        Dataset<Row> teamMonths = epicCost.groupBy("team_id", "month").agg(
                sum("allocated_cost").as("allocated"), min("team_cost").as("cost_low"), max("team_cost").as("cost_high"),
                sum("effort_share").as("shares"), sum("active_item_days").as("days"));
        Column off = col("allocated").notEqual(col("cost_high")).or(col("cost_low").notEqual(col("cost_high")))
                .or(col("days").gt(0).and(col("shares").notEqual(lit(java.math.BigDecimal.ONE))));
        // One pass counts both; the offending team-months are only looked up when there are some.
        Row counts = teamMonths.agg(count(lit(1)), sum(when(off, 1).otherwise(0))).head();
        long nBad = counts.isNullAt(1) ? 0 : counts.getLong(1);
        List<Row> bad = nBad == 0 ? List.of() : teamMonths.filter(off).orderBy(col("team_id"), col("month")).limit(10)
                .select(concat_ws(" ", col("team_id"), col("month"))).collectAsList();
        return Check.of("cost_allocation_ties", "epic_cost_monthly", nBad == 0, nBad, 0.0, true,
                nBad == 0 ? counts.getLong(0) + " team-months: allocated + unallocated = team cost to the cent, shares sum to 1"
                        : "team-months that do not tie (first ten): " + bad.stream().map(r -> r.getString(0)).collect(Collectors.joining(", ")));
    }

    /**
     * Every quarter's revenue reconciles (CONTRACT §3 invariants: movements tie to the invoice lines
     * to the cent, attributed MRR never exceeds realised growth); blocking.
     */
    public static Check reconciliation(Dataset<Row> reconciliation) {
        List<Row> off = reconciliation.filter(col("reconciles").equalTo(false)).select("quarter").orderBy("quarter").collectAsList();
        String quarters = off.stream().map(r -> r.getString(0)).collect(Collectors.joining(", "));
        return Check.of("revenue_reconciles", "revenue_reconciliation", off.isEmpty(), off.size(), 0.0, true,
                off.isEmpty() ? "every quarter ties out" : "quarters that do not reconcile: " + quarters);
    }

    public static Dataset<Row> toRows(SparkSession spark, List<Check> checks) {
        List<Row> rows = new ArrayList<>();
        for (Check c : checks) {
            rows.add(RowFactory.create(c.checkName(), c.tableName(), c.status(), c.observed(), c.threshold(), c.blocking(), c.details()));
        }
        return spark.createDataFrame(rows, SCHEMA);
    }
}

package dev.valueledger.pipeline;

import dev.valueledger.delivery.Delivery;
import dev.valueledger.delivery.DeliveryInputs;
import dev.valueledger.delivery.DeliveryTables;
import dev.valueledger.delivery.DoraMetrics;
import dev.valueledger.delivery.EpicDelivery;
import dev.valueledger.delivery.EpicDimension;
import dev.valueledger.delivery.FlowMetrics;
import dev.valueledger.delivery.IncidentLinks;
import dev.valueledger.delivery.PullRequestDelivery;
import dev.valueledger.delivery.TeamDimension;
import dev.valueledger.finance.EpicCost;
import dev.valueledger.finance.EpicRoi;
import dev.valueledger.finance.Finance;
import dev.valueledger.finance.RevenueReconciliation;
import dev.valueledger.finance.TeamValueQuarter;
import dev.valueledger.impact.EpicImpact;
import dev.valueledger.ingest.IngestTables;
import dev.valueledger.ingest.Source;
import dev.valueledger.outcomes.EpicOutcomeScorecard;
import dev.valueledger.outcomes.EventDays;
import dev.valueledger.outcomes.OkrAttainment;
import dev.valueledger.outcomes.OkrProgress;
import dev.valueledger.outcomes.OutcomeInputs;
import dev.valueledger.product.Adoption;
import dev.valueledger.product.AdoptionWithin;
import dev.valueledger.product.FeatureAdoptionWeekly;
import dev.valueledger.publish.ParallelWrites;
import dev.valueledger.publish.TableSpec;
import dev.valueledger.quality.Check;
import dev.valueledger.quality.DataQuality;
import dev.valueledger.revenue.AccountMonthPanel;
import dev.valueledger.revenue.AccountMrr;
import dev.valueledger.revenue.InvoiceTotals;
import dev.valueledger.revenue.MrrContributions;
import dev.valueledger.revenue.MrrMovements;
import dev.valueledger.revenue.OneTimeRevenue;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.LogicalRDD;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.apache.spark.sql.functions.col;

/**
 * Computes and publishes the curated tables of CONTRACT §3 for the given quarters from silver,
 * stage by stage in the order they depend on each other: delivery, revenue, adoption, impact,
 * outcomes, finance. As-of tables are replaced whole, quarter tables only in the run's quarters.
 */
public final class GoldStage {

    /** Delta version per table written, and the data-quality checks made along the way. */
    public record Result(Map<TableSpec, Long> versions, List<Check> checks) { }

    private final RunContext ctx;
    private final List<Quarter> quarters;
    private final List<String> labels;
    private final Map<TableSpec, Long> versions = new LinkedHashMap<>();
    private final List<Check> checks = new ArrayList<>();
    private final List<Dataset<Row>> kept = new ArrayList<>();
    private final Map<Source, Long> silverRows;
    private final Map<Source, Dataset<Row>> silverTables = new EnumMap<>(Source.class);

    /**
     * Silver tables of at most this many rows are read from Delta once per run and held in memory
     * (spilling to disk when short). Every query that reads a Delta table first asks Delta for the
     * table's files, a Spark query and job of its own (over a third of the driver's CPU at scale 1),
     * and the gold stages read the same small silver tables in query after query. Product events,
     * the one large source, are still read from Delta where used.
     */
    static final long HELD_SILVER_ROWS = 1_000_000L;

    private GoldStage(RunContext ctx, List<Quarter> quarters, Map<Source, Long> silverRows) {
        this.ctx = ctx;
        this.quarters = List.copyOf(quarters);
        this.labels = quarters.stream().map(Quarter::label).toList();
        this.silverRows = Map.copyOf(silverRows);
    }

    /**
     * @param silverRows rows this run wrote to each source's silver table; a source missing here
     *                   was absent from the input and its silver table written empty
     */
    public static Result run(RunContext ctx, List<Quarter> quarters, Map<Source, Long> silverRows) {
        GoldStage g = new GoldStage(ctx, quarters, silverRows);
        try {
            g.references();
            Dataset<Row> dimEpic = g.delivery();
            Revenue revenue = g.revenue();
            Product product = g.adoption(dimEpic);
            Dataset<Row> impact = g.impact(revenue.panel(), product.cohorts());
            Dataset<Row> okrAttainment = g.outcomes(dimEpic, revenue.panel(), product.firstUse());
            g.finance(dimEpic, revenue, product.cohorts(), impact, okrAttainment);
            g.tableChecks();
        } finally {
            g.kept.forEach(GoldStage::release);
        }
        return new Result(Map.copyOf(g.versions), List.copyOf(g.checks));
    }

    /** What the revenue stage hands on: contributions, account MRR, the account x month panel, movements. */
    private record Revenue(Dataset<Row> contributions, Dataset<Row> accountMrr, Dataset<Row> panel,
                           Dataset<Row> movementsAccount, Dataset<Row> movementsMonthly) { }

    /** Whether a source's silver table is small enough to hold; a source absent from the input has an empty one. */
    static boolean held(Source s, Map<Source, Long> silverRows) {
        return silverRows.getOrDefault(s, 0L) <= HELD_SILVER_ROWS;
    }

    /** A source's silver table, read once per run; held in memory when small (see {@link #HELD_SILVER_ROWS}). */
    private Dataset<Row> silver(Source s) {
        return silverTables.computeIfAbsent(s, x -> {
            Dataset<Row> read = ctx.lake().read(IngestTables.silver(x));
            return held(x, silverRows) ? keep(read) : read;
        });
    }

    private Dataset<Row> gold(TableSpec spec) {
        return ctx.lake().read(spec).filter(col("quarter").isin(labels.toArray()));
    }

    /**
     * Computes an intermediate once and cuts its lineage: later stages reuse it many times, and
     * without the cut every consumer would re-analyse (and re-run) the whole plan behind it.
     */
    private Dataset<Row> keep(Dataset<Row> df) {
        Dataset<Row> k = df.localCheckpoint();
        kept.add(k);
        return k;
    }

    /**
     * Frees what {@link #keep} held. A local checkpoint's blocks belong to the RDD under its plan, which
     * Spark's cache manager does not track: {@code Dataset.unpersist} alone leaves them in memory until
     * the cleaner collects them after some later garbage collection.
     */
    static void release(Dataset<Row> held) {
        if (held.queryExecution().logical() instanceof LogicalRDD checkpointed) {
            checkpointed.rdd().unpersist(true);
        }
        held.unpersist();
    }

    private Quarter last() {
        return quarters.get(quarters.size() - 1);
    }

    /** Keys that point at nothing: reported, since each figure still counts under its own key. */
    private void references() {
        checks.add(DataQuality.orphans("work_items", silver(Source.WORK_ITEMS), "team_id", "teams", silver(Source.TEAMS), "team_id"));
        checks.add(DataQuality.orphans("work_items", silver(Source.WORK_ITEMS), "epic_key", "epics", silver(Source.EPICS), "epic_key"));
        checks.add(DataQuality.orphans("epics", silver(Source.EPICS), "team_id", "teams", silver(Source.TEAMS), "team_id"));
        checks.add(DataQuality.orphans("work_item_transitions", silver(Source.WORK_ITEM_TRANSITIONS), "item_key", "work_items",
                silver(Source.WORK_ITEMS), "item_key"));
        checks.add(DataQuality.orphans("deployments", silver(Source.DEPLOYMENTS), "team_id", "teams", silver(Source.TEAMS), "team_id"));
        checks.add(DataQuality.orphans("invoice_lines", silver(Source.INVOICE_LINES), "account_id", "accounts",
                silver(Source.ACCOUNTS), "account_id"));
        checks.add(DataQuality.orphans("product_events", silver(Source.PRODUCT_EVENTS), "account_id", "accounts",
                silver(Source.ACCOUNTS), "account_id"));
    }

    /** Flow, DORA and Epic delivery; returns dim_epic with the derived release dates. */
    private Dataset<Row> delivery() {
        DeliveryInputs in = new DeliveryInputs(silver(Source.TEAMS), silver(Source.EPICS), silver(Source.WORK_ITEMS),
                silver(Source.WORK_ITEM_TRANSITIONS), silver(Source.PULL_REQUESTS), silver(Source.DEPLOYMENTS),
                silver(Source.INCIDENTS));
        DeliveryTables t = Delivery.compute(in, ctx.cfg(), quarters, this::keep);
        checks.add(DataQuality.unmappedStatuses(t.unmappedStatuses()));
        write(Map.of(TeamDimension.SPEC, t.dimTeam(), EpicDimension.SPEC, t.dimEpic(), EpicDelivery.SPEC, t.epicDelivery(),
                IncidentLinks.SPEC, t.incidentLinks(), PullRequestDelivery.SPEC, t.pullRequestDelivery(),
                FlowMetrics.SPEC, t.teamFlowQuarter(), DoraMetrics.SPEC, t.teamDoraQuarter()));
        ctx.progress().report("delivery", "flow, DORA and Epic delivery for " + String.join(", ", labels));
        return keep(ctx.lake().read(EpicDimension.SPEC));
    }

    private Revenue revenue() {
        Dataset<Row> contributions = keep(MrrContributions.compute(silver(Source.INVOICE_LINES), silver(Source.FX_RATES), ctx.cfg()));
        Dataset<Row> accountMrr = keep(AccountMrr.compute(contributions));
        String lastMonth = last().end().minusMonths(1).format(DateTimeFormatter.ofPattern("yyyy-MM"));
        Dataset<Row> panel = keep(AccountMonthPanel.build(accountMrr, silver(Source.ACCOUNTS), lastMonth));
        Dataset<Row> movementsAccount = keep(MrrMovements.perAccount(panel, ctx.cfg()));
        Dataset<Row> movementsMonthly = keep(MrrMovements.monthly(panel, ctx.cfg()));
        write(Map.of(MrrContributions.TABLE, contributions, MrrMovements.ACCOUNT, movementsAccount,
                MrrMovements.MONTHLY, movementsMonthly));
        checks.add(DataQuality.movementsIdentity(gold(MrrMovements.MONTHLY)));
        ctx.progress().report("revenue", "MRR and its movements for " + String.join(", ", labels));
        return new Revenue(contributions, accountMrr, panel, movementsAccount, movementsMonthly);
    }

    /** What the adoption stage hands on: each account's cohort per Epic, and its first use of each Epic. */
    private record Product(Dataset<Row> cohorts, Dataset<Row> firstUse) { }

    /** Descriptive adoption tables; returns the cohorts for the impact estimate and the first uses for the outcomes. */
    private Product adoption(Dataset<Row> dimEpic) {
        Dataset<Row> epics = dimEpic.select(col("epic_key"), col("feature_keys"), col("released_at"));
        Dataset<Row> events = silver(Source.PRODUCT_EVENTS);
        // First uses are one pass over all events; three tables read them.
        Dataset<Row> featureFirstUse = keep(Adoption.featureFirstUse(epics, events));
        Dataset<Row> firstUse = Adoption.firstUseOf(featureFirstUse);
        write(Map.of(FeatureAdoptionWeekly.TABLE, FeatureAdoptionWeekly.compute(epics, events, featureFirstUse, ctx.cfg()),
                AdoptionWithin.table(ctx.cfg()), AdoptionWithin.compute(epics, events, firstUse, ctx.cfg())));
        ctx.progress().report("product", "feature adoption of every released Epic");
        return new Product(keep(Adoption.cohortsOf(epics, firstUse, silver(Source.FEATURE_EXPOSURES))), firstUse);
    }

    /** Effect of every Epic as of each quarter; epic_impact itself is written once finance has reconciled it. */
    private Dataset<Row> impact(Dataset<Row> panel, Dataset<Row> adoptions) {
        // All quarters in one pass, the quarter a key column: one set of Spark jobs, not one per quarter.
        EpicImpact.Result result = EpicImpact.compute(panel, adoptions, ctx.cfg(), quarters);
        write(Map.of(EpicImpact.EPIC_IMPACT_EVENT_STUDY, result.eventStudy(), EpicImpact.EPIC_IMPACT_ATTGT, result.attgt()));
        ctx.progress().report("impact", "effect of every Epic on MRR and retention, with intervals");
        return keep(result.impact());
    }

    /** Outcome scorecards and OKR progress; returns OKR attainment per team and quarter. */
    private Dataset<Row> outcomes(Dataset<Row> dimEpic, Dataset<Row> panel, Dataset<Row> firstUse) {
        Dataset<Row> events = silver(Source.PRODUCT_EVENTS);
        // The events summed per day once for every outcome window of both tables; only the windows' first and
        // last days read the events again, each table's named-event windows in one join (WindowActivity).
        OutcomeInputs in = new OutcomeInputs(dimEpic, events, panel, silver(Source.OKRS),
                silver(Source.OKR_CHECKINS), gold(FlowMetrics.SPEC), gold(DoraMetrics.SPEC), firstUse,
                EventDays.of(events, this::keep));
        write(Map.of(EpicOutcomeScorecard.SPEC, EpicOutcomeScorecard.compute(in, ctx.cfg(), quarters),
                OkrProgress.SPEC, OkrProgress.compute(in, ctx.cfg(), quarters)));
        ctx.progress().report("outcomes", "Epic outcome scorecards and OKR progress");
        return OkrAttainment.perTeamQuarter(gold(OkrProgress.SPEC));
    }

    private void finance(Dataset<Row> dimEpic, Revenue revenue, Dataset<Row> adoptions, Dataset<Row> impact,
                         Dataset<Row> okrAttainment) {
        Dataset<Row> invoiceLines = silver(Source.INVOICE_LINES);
        Dataset<Row> fx = silver(Source.FX_RATES);
        Finance.Tables t = Finance.compute(new Finance.Inputs(silver(Source.WORK_ITEMS), silver(Source.WORK_ITEM_TRANSITIONS),
                silver(Source.TEAM_COSTS), fx, dimEpic, impact, adoptions, revenue.movementsAccount(),
                revenue.movementsMonthly(), revenue.contributions(), revenue.accountMrr(),
                OneTimeRevenue.monthly(invoiceLines, fx, ctx.cfg()), InvoiceTotals.monthly(invoiceLines, fx, ctx.cfg()),
                okrAttainment), ctx.cfg(), quarters, this::keep);
        write(Map.of(EpicCost.TABLE, t.epicCostMonthly(), EpicImpact.EPIC_IMPACT, t.epicImpact(), EpicRoi.TABLE, t.epicRoi(),
                TeamValueQuarter.TABLE, t.teamValueQuarter(), RevenueReconciliation.TABLE, t.revenueReconciliation()));
        checks.add(DataQuality.reconciliation(gold(RevenueReconciliation.TABLE)));
        checks.add(DataQuality.costAllocation(gold(EpicCost.TABLE)));
        ctx.progress().report("finance", "cost per Epic, capitalisation, ROI, team value and revenue reconciliation");
    }

    /** Keys and row counts of every curated table as this run leaves it, counts against the last good run's. */
    private void tableChecks() {
        Map<String, Double> previous = Publication.lastSuccess(ctx.lake())
                .filter(p -> ctx.lake().exists(DataQuality.SPEC))
                .map(p -> DataQuality.rowCountsOf(ctx.lake().read(DataQuality.SPEC), p.runId()))
                .orElse(Map.of());
        Map<TableSpec, Supplier<List<Check>>> perTable = new LinkedHashMap<>();
        versions.keySet().stream().sorted(java.util.Comparator.comparing(TableSpec::name)).forEach(spec -> perTable.put(spec,
                () -> DataQuality.keysAndCount(spec, ctx.lake().readVersion(spec, versions.get(spec)),
                        java.util.Optional.ofNullable(previous.get(spec.name())))));
        ParallelWrites.run(ctx.cfg().parallelWrites(), perTable).values().forEach(checks::addAll);
    }

    /**
     * Writes a stage's tables, a few at once: a quarter-partitioned table gets the run's quarters
     * replaced and keeps the others, an as-of table is replaced whole.
     */
    private void write(Map<TableSpec, Dataset<Row>> tables) {
        Map<TableSpec, Supplier<Long>> writes = new LinkedHashMap<>();
        tables.entrySet().stream().sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(TableSpec::name)))
                .forEach(e -> writes.put(e.getKey(), () -> e.getKey().partitionedByQuarter()
                        ? ctx.lake().replaceQuarters(e.getKey(), e.getValue(), labels, ctx.runId())
                        : ctx.lake().overwrite(e.getKey(), e.getValue(), ctx.runId())));
        versions.putAll(ParallelWrites.run(ctx.cfg().parallelWrites(), writes));
    }
}

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
import dev.valueledger.ingest.IngestTables;
import dev.valueledger.ingest.Source;
import dev.valueledger.impact.EpicImpact;
import dev.valueledger.product.Adoption;
import dev.valueledger.product.AdoptionWithin;
import dev.valueledger.product.FeatureAdoptionWeekly;
import dev.valueledger.publish.TableSpec;
import dev.valueledger.quality.Check;
import dev.valueledger.quality.DataQuality;
import dev.valueledger.revenue.AccountMonthPanel;
import dev.valueledger.revenue.AccountMrr;
import dev.valueledger.revenue.MrrContributions;
import dev.valueledger.revenue.MrrMovements;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * Computes and publishes the curated tables of CONTRACT §3 for the given quarters from silver:
 * as-of tables are replaced whole, quarter tables only in the quarters of the run. Returns the
 * Delta version written per table.
 */
public final class GoldStage {

    private final RunContext ctx;
    private final List<Quarter> quarters;
    private final List<String> labels;
    private final Map<String, Long> versions = new LinkedHashMap<>();
    private final List<Check> checks = new ArrayList<>();

    /** Delta version per table written, and the data-quality checks made along the way. */
    public record Result(Map<String, Long> versions, List<Check> checks) { }

    private GoldStage(RunContext ctx, List<Quarter> quarters) {
        this.ctx = ctx;
        this.quarters = List.copyOf(quarters);
        this.labels = quarters.stream().map(Quarter::label).toList();
    }

    public static Result run(RunContext ctx, List<Quarter> quarters) {
        GoldStage g = new GoldStage(ctx, quarters);
        g.references();
        Dataset<Row> epics = g.delivery();
        g.revenueAndProduct(epics);
        return new Result(Map.copyOf(g.versions), List.copyOf(g.checks));
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

    private Dataset<Row> silver(Source s) {
        return ctx.lake().read(IngestTables.silver(s));
    }

    private Quarter last() {
        return quarters.get(quarters.size() - 1);
    }

    /** Flow, DORA and Epic delivery; returns the Epics with their derived release dates. */
    private Dataset<Row> delivery() {
        DeliveryInputs in = new DeliveryInputs(silver(Source.TEAMS), silver(Source.EPICS), silver(Source.WORK_ITEMS),
                silver(Source.WORK_ITEM_TRANSITIONS), silver(Source.PULL_REQUESTS), silver(Source.DEPLOYMENTS),
                silver(Source.INCIDENTS));
        DeliveryTables asOf = Delivery.compute(in, ctx.cfg(), quarters);
        checks.add(DataQuality.unmappedStatuses(asOf.unmappedStatuses()));
        overwrite(TeamDimension.SPEC, asOf.dimTeam());
        overwrite(EpicDimension.SPEC, asOf.dimEpic());
        overwrite(EpicDelivery.SPEC, asOf.epicDelivery());
        overwrite(IncidentLinks.SPEC, asOf.incidentLinks());
        overwrite(PullRequestDelivery.SPEC, asOf.pullRequestDelivery());
        replace(FlowMetrics.SPEC, asOf.teamFlowQuarter());
        replace(DoraMetrics.SPEC, asOf.teamDoraQuarter());
        ctx.progress().report("delivery", "flow, DORA and Epic delivery for " + String.join(", ", labels));
        return ctx.lake().read(EpicDimension.SPEC).select(col("epic_key"), col("feature_keys"), col("released_at"));
    }

    private void revenueAndProduct(Dataset<Row> epics) {
        Dataset<Row> contributions = MrrContributions.compute(silver(Source.INVOICE_LINES), silver(Source.FX_RATES), ctx.cfg())
                .persist(StorageLevel.MEMORY_AND_DISK());
        String lastMonth = last().end().minusMonths(1).format(DateTimeFormatter.ofPattern("yyyy-MM"));
        Dataset<Row> panel = AccountMonthPanel.build(AccountMrr.compute(contributions), silver(Source.ACCOUNTS), lastMonth)
                .persist(StorageLevel.MEMORY_AND_DISK());
        replace(MrrContributions.TABLE, contributions);
        replace(MrrMovements.MONTHLY, MrrMovements.monthly(panel, ctx.cfg()));
        checks.add(DataQuality.movementsIdentity(ctx.lake().read(MrrMovements.MONTHLY)));
        replace(MrrMovements.ACCOUNT, MrrMovements.perAccount(panel, ctx.cfg()));
        ctx.progress().report("revenue", "MRR and its movements for " + String.join(", ", labels));

        Dataset<Row> events = silver(Source.PRODUCT_EVENTS);
        replace(FeatureAdoptionWeekly.TABLE, FeatureAdoptionWeekly.compute(epics, events, ctx.cfg()));
        overwrite(AdoptionWithin.table(ctx.cfg()), AdoptionWithin.compute(epics, events, ctx.cfg()));
        ctx.progress().report("product", "feature adoption of every released Epic");

        Dataset<Row> adoptions = Adoption.cohorts(epics, events, silver(Source.FEATURE_EXPOSURES))
                .persist(StorageLevel.MEMORY_AND_DISK());
        List<EpicImpact.Result> impacts = quarters.stream()
                .map(q -> EpicImpact.compute(panel, adoptions, ctx.cfg(), q)).toList();
        replace(EpicImpact.EPIC_IMPACT, impacts.stream().map(EpicImpact.Result::impact).reduce(Dataset::unionByName).orElseThrow());
        replace(EpicImpact.EPIC_IMPACT_EVENT_STUDY, impacts.stream().map(EpicImpact.Result::eventStudy).reduce(Dataset::unionByName).orElseThrow());
        replace(EpicImpact.EPIC_IMPACT_ATTGT, impacts.stream().map(EpicImpact.Result::attgt).reduce(Dataset::unionByName).orElseThrow());
        ctx.progress().report("impact", "effect of every Epic on MRR and retention, with intervals");
        adoptions.unpersist();
        contributions.unpersist();
        panel.unpersist();
    }

    private void overwrite(TableSpec spec, Dataset<Row> df) {
        versions.put(spec.name(), ctx.lake().overwrite(spec, df, ctx.runId()));
    }

    private void replace(TableSpec spec, Dataset<Row> df) {
        versions.put(spec.name(), ctx.lake().replaceQuarters(spec, df, labels, ctx.runId()));
    }
}

package dev.valueledger.delivery;

import dev.valueledger.config.AppConfig;
import dev.valueledger.pipeline.Quarter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** Computes every delivery table: as-of dimensions, Epic delivery and traceability links, and the team × quarter Flow and DORA tables (CONTRACT §2 Flow Framework, DORA; §3). */
public final class Delivery {

    private Delivery() { }

    /** As-of tables (all data) plus the team × quarter tables for quarter q only. */
    public static DeliveryTables compute(DeliveryInputs in, AppConfig cfg, Quarter q) {
        return compute(in, cfg, List.of(q));
    }

    /**
     * As-of tables plus the team × quarter tables of every given quarter (one row per team and
     * quarter). The item lifecycle, pull-request delivery and incident links feed every table and
     * quarter: one row per item, pull request or incident, worth computing once.
     */
    public static DeliveryTables compute(DeliveryInputs in, AppConfig cfg, List<Quarter> quarters) {
        return compute(in, cfg, quarters, UnaryOperator.identity());
    }

    /**
     * As {@link #compute(DeliveryInputs, AppConfig, List)}; {@code reuse} materialises the
     * intermediates every table reads (flow items, item lifecycle, pull-request delivery, incident
     * links), so the caller decides how: the pipeline computes each once and cuts its lineage.
     */
    public static DeliveryTables compute(DeliveryInputs in, AppConfig cfg, List<Quarter> quarters, UnaryOperator<Dataset<Row>> reuse) {
        Dataset<Row> flowItems = reuse.apply(FlowItemTypes.flowItems(in.workItems(), in.epics(), cfg));
        Dataset<Row> lifecycle = reuse.apply(ItemLifecycle.of(flowItems, in.transitions(), cfg));
        Dataset<Row> pullRequestDelivery = reuse.apply(PullRequestDelivery.of(PullRequestLinks.of(in.pullRequests()), in.deployments(), cfg));
        Dataset<Row> incidentLinks = reuse.apply(IncidentLinks.of(in.incidents(), in.deployments(), cfg));
        Dataset<Row> release = EpicRelease.of(in.epics(), flowItems, pullRequestDelivery);
        Dataset<Row> dimTeam = TeamDimension.of(in.teams());
        return new DeliveryTables(
                dimTeam,
                EpicDimension.of(in.epics(), release, cfg),
                EpicDelivery.of(in.epics(), lifecycle, release, pullRequestDelivery, in.deployments(), cfg),
                union(quarters, q -> FlowMetrics.teamQuarter(dimTeam, lifecycle, cfg, q)),
                union(quarters, q -> DoraMetrics.teamQuarter(dimTeam, in.deployments(), pullRequestDelivery, in.incidents(), incidentLinks, cfg, q)),
                incidentLinks,
                pullRequestDelivery,
                StatusCategories.unmapped(in.workItems(), in.transitions(), cfg));
    }

    private static Dataset<Row> union(List<Quarter> quarters, Function<Quarter, Dataset<Row>> perQuarter) {
        return quarters.stream().map(perQuarter).reduce(Dataset::unionByName)
                .orElseThrow(() -> new IllegalArgumentException("no quarter to compute"));
    }
}

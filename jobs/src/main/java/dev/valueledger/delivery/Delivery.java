package dev.valueledger.delivery;

import dev.valueledger.config.AppConfig;
import dev.valueledger.pipeline.Quarter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Computes every delivery table: as-of dimensions, Epic delivery and traceability links, and the team × quarter Flow and DORA tables (CONTRACT §2 Flow Framework, DORA; §3). */
public final class Delivery {

    private Delivery() { }

    /** As-of tables (all data) plus the team × quarter tables for quarter q only. */
    public static DeliveryTables compute(DeliveryInputs in, AppConfig cfg, Quarter q) {
        Dataset<Row> flowItems = FlowItemTypes.flowItems(in.workItems(), in.epics(), cfg);
        Dataset<Row> lifecycle = ItemLifecycle.of(flowItems, in.transitions(), cfg);
        Dataset<Row> pullRequestDelivery = PullRequestDelivery.of(PullRequestLinks.of(in.pullRequests()), in.deployments(), cfg);
        Dataset<Row> incidentLinks = IncidentLinks.of(in.incidents(), in.deployments(), cfg);
        Dataset<Row> release = EpicRelease.of(in.epics(), flowItems, pullRequestDelivery);
        Dataset<Row> dimTeam = TeamDimension.of(in.teams());
        return new DeliveryTables(
                dimTeam,
                EpicDimension.of(in.epics(), release, cfg),
                EpicDelivery.of(in.epics(), lifecycle, release, pullRequestDelivery, in.deployments(), cfg),
                FlowMetrics.teamQuarter(dimTeam, lifecycle, cfg, q),
                DoraMetrics.teamQuarter(dimTeam, in.deployments(), pullRequestDelivery, in.incidents(), incidentLinks, cfg, q),
                incidentLinks,
                pullRequestDelivery,
                StatusCategories.unmapped(in.workItems(), in.transitions(), cfg));
    }
}

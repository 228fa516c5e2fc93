package dev.valueledger.pipeline;

import dev.valueledger.config.AppConfig;
import dev.valueledger.delivery.DoraMetrics;
import dev.valueledger.delivery.EpicDelivery;
import dev.valueledger.delivery.EpicDimension;
import dev.valueledger.delivery.FlowMetrics;
import dev.valueledger.delivery.IncidentLinks;
import dev.valueledger.delivery.PullRequestDelivery;
import dev.valueledger.delivery.TeamDimension;
import dev.valueledger.finance.EpicCost;
import dev.valueledger.finance.EpicRoi;
import dev.valueledger.finance.RevenueReconciliation;
import dev.valueledger.finance.TeamValueQuarter;
import dev.valueledger.impact.EpicImpact;
import dev.valueledger.outcomes.EpicOutcomeScorecard;
import dev.valueledger.outcomes.OkrProgress;
import dev.valueledger.product.AdoptionWithin;
import dev.valueledger.product.FeatureAdoptionWeekly;
import dev.valueledger.publish.TableSpec;
import dev.valueledger.revenue.MrrContributions;
import dev.valueledger.revenue.MrrMovements;

import java.util.ArrayList;
import java.util.List;

/**
 * The curated tables of CONTRACT §3 that GoldStage writes: all of them are published to readers
 * pinned to a run's version; the quarter-sliced ones are what a close freezes and a restatement compares.
 */
public final class GoldTables {

    // As-of tables (dimensions, delivery, adoption within N days) are versioned by a close too but carry
    // no quarter to compare; run-scoped tables (pipeline_runs, quarantine, data_quality_results) are history.

    private GoldTables() { }

    /** Every gold table partitioned by quarter that GoldStage writes; each has a key. */
    public static List<TableSpec> quarterSliced() {
        return List.of(FlowMetrics.SPEC, DoraMetrics.SPEC,
                MrrContributions.TABLE, MrrMovements.ACCOUNT, MrrMovements.MONTHLY,
                FeatureAdoptionWeekly.TABLE,
                EpicImpact.EPIC_IMPACT, EpicImpact.EPIC_IMPACT_EVENT_STUDY, EpicImpact.EPIC_IMPACT_ATTGT,
                EpicOutcomeScorecard.SPEC, OkrProgress.SPEC,
                EpicCost.TABLE, EpicRoi.TABLE, TeamValueQuarter.TABLE, RevenueReconciliation.TABLE);
    }

    /** Every curated table GoldStage writes, as-of tables included: the gold tables readers see through pinned views. */
    public static List<TableSpec> published(AppConfig cfg) {
        List<TableSpec> all = new ArrayList<>(List.of(TeamDimension.SPEC, EpicDimension.SPEC, EpicDelivery.SPEC,
                IncidentLinks.SPEC, PullRequestDelivery.SPEC, AdoptionWithin.table(cfg)));
        all.addAll(quarterSliced());
        return all;
    }
}

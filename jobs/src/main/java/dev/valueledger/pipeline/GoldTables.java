package dev.valueledger.pipeline;

import dev.valueledger.delivery.DoraMetrics;
import dev.valueledger.delivery.FlowMetrics;
import dev.valueledger.finance.EpicCost;
import dev.valueledger.finance.EpicRoi;
import dev.valueledger.finance.RevenueReconciliation;
import dev.valueledger.finance.TeamValueQuarter;
import dev.valueledger.impact.EpicImpact;
import dev.valueledger.outcomes.EpicOutcomeScorecard;
import dev.valueledger.outcomes.OkrProgress;
import dev.valueledger.product.FeatureAdoptionWeekly;
import dev.valueledger.publish.TableSpec;
import dev.valueledger.revenue.MrrContributions;
import dev.valueledger.revenue.MrrMovements;

import java.util.List;

/** The quarter-sliced curated tables of CONTRACT §3, whose figures a quarter close freezes and a restatement compares by key. */
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
}

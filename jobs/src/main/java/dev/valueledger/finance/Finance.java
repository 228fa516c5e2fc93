package dev.valueledger.finance;

import dev.valueledger.config.AppConfig;
import dev.valueledger.impact.AttributionCredit;
import dev.valueledger.pipeline.Quarter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.ZoneOffset;
import java.util.List;
import java.util.function.UnaryOperator;

/** The finance tables of the run's quarters from silver and the revenue, delivery and impact tables, in the order they depend on each other (CONTRACT §2 Cost, ROI, Attributed MRR; §3 epic_cost_monthly, epic_roi, team_value_quarter, revenue_reconciliation). */
public final class Finance {

    /**
     * What the finance tables read.
     *
     * @param workItems        silver work_items
     * @param transitions      silver work_item_transitions
     * @param teamCosts        silver team_costs
     * @param fxRates          silver fx_rates
     * @param dimEpic          dim_epic (released_at derived)
     * @param epicImpact       epic_impact rows of the quarters as {@code impact.EpicImpact} computes them (unscaled)
     * @param adoptions        {@code product.Adoption.cohorts}
     * @param movementsAccount mrr_movements_account rows
     * @param movementsMonthly mrr_movements_monthly rows
     * @param contributions    mrr_contributions rows
     * @param accountMrr       {@code revenue.AccountMrr.compute}
     * @param oneTime          {@code revenue.OneTimeRevenue.monthly}
     * @param invoiceTotals    {@code revenue.InvoiceTotals.monthly}
     * @param okrAttainment    team_id, quarter, okr_attainment (may be empty)
     */
    public record Inputs(Dataset<Row> workItems, Dataset<Row> transitions, Dataset<Row> teamCosts, Dataset<Row> fxRates,
                         Dataset<Row> dimEpic, Dataset<Row> epicImpact, Dataset<Row> adoptions,
                         Dataset<Row> movementsAccount, Dataset<Row> movementsMonthly, Dataset<Row> contributions,
                         Dataset<Row> accountMrr, Dataset<Row> oneTime, Dataset<Row> invoiceTotals,
                         Dataset<Row> okrAttainment) { }

    /**
     * Rows of {@link EpicCost#TABLE} (every month up to the last quarter's end; publish the run's
     * quarters), epic_impact reconciled ({@code EpicImpact.EPIC_IMPACT}), {@link EpicRoi#TABLE},
     * {@link TeamValueQuarter#TABLE} and {@link RevenueReconciliation#TABLE}, none with run_id.
     */
    public record Tables(Dataset<Row> epicCostMonthly, Dataset<Row> epicImpact, Dataset<Row> epicRoi,
                         Dataset<Row> teamValueQuarter, Dataset<Row> revenueReconciliation) { }

    private Finance() { }

    public static Tables compute(Inputs in, AppConfig cfg, List<Quarter> quarters) {
        return compute(in, cfg, quarters, UnaryOperator.identity());
    }

    /**
     * As {@link #compute(Inputs, AppConfig, List)}; {@code reuse} materialises the intermediates that
     * several tables read (item segments, cost, credit, ROI), so the caller decides how: the pipeline
     * computes each once and cuts its lineage, a test may pass them through.
     */
    public static Tables compute(Inputs in, AppConfig cfg, List<Quarter> quarters, UnaryOperator<Dataset<Row>> reuse) {
        Quarter last = quarters.get(quarters.size() - 1);
        // Work still in progress is costed up to the end of the last quarter the run covers.
        java.time.Instant asOf = last.end().atStartOfDay(ZoneOffset.UTC).toInstant();
        Dataset<Row> segments = reuse.apply(ActiveItemDays.segments(in.workItems(), in.transitions(), cfg, asOf));
        Dataset<Row> itemDays = ActiveItemDays.ofSegments(segments);
        Dataset<Row> policy = Capitalisation.policy(in.dimEpic(), in.workItems(), in.transitions(), cfg);
        Dataset<Row> cost = reuse.apply(EpicCost.compute(segments, in.teamCosts(), in.fxRates(), policy, cfg));

        AttributionCredit.Result applied = AttributionCredit.apply(in.epicImpact(), in.adoptions(), in.movementsAccount(), cfg);
        AttributionCredit.Result credit = new AttributionCredit.Result(reuse.apply(applied.impact()), reuse.apply(applied.quarters()));
        Dataset<Row> roi = reuse.apply(EpicRoi.compute(cost, credit.impact(), in.dimEpic(), quarters, cfg));
        Dataset<Row> team = TeamValueQuarter.compute(cost, itemDays, in.dimEpic(), roi, in.okrAttainment(), quarters, cfg);
        Dataset<Row> reconciliation = RevenueReconciliation.compute(in.movementsMonthly(), in.contributions(),
                in.accountMrr(), in.oneTime(), in.invoiceTotals(), credit.quarters(), quarters, cfg);
        return new Tables(cost, credit.impact(), roi, team, reconciliation);
    }
}

package dev.valueledger.outcomes;

import dev.valueledger.product.Adoption;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.function.UnaryOperator;

/** The inputs of the outcome scorecards and OKR progress (CONTRACT §1.1, §1.2): dim_epic, silver product_events, okrs and okr_checkins, the revenue.AccountMonthPanel rows (account_id, month, mrr), and the quarters' team_flow_quarter and team_dora_quarter rows, each account's first use of each Epic (product.Adoption.firstUse) and the events per day (EventDays). */
public record OutcomeInputs(Dataset<Row> dimEpic, Dataset<Row> productEvents, Dataset<Row> accountMonthPanel,
                            Dataset<Row> okrs, Dataset<Row> okrCheckins, Dataset<Row> teamFlowQuarter,
                            Dataset<Row> teamDoraQuarter, Dataset<Row> firstUse, EventDays eventDays) {

    /** First uses and event days derived from the Epics and events; the pipeline passes the ones it computed once. */
    public OutcomeInputs(Dataset<Row> dimEpic, Dataset<Row> productEvents, Dataset<Row> accountMonthPanel,
                         Dataset<Row> okrs, Dataset<Row> okrCheckins, Dataset<Row> teamFlowQuarter,
                         Dataset<Row> teamDoraQuarter) {
        this(dimEpic, productEvents, accountMonthPanel, okrs, okrCheckins, teamFlowQuarter, teamDoraQuarter,
                Adoption.firstUse(dimEpic, productEvents), EventDays.of(productEvents, UnaryOperator.identity()));
    }
}

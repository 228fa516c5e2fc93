package dev.valueledger.outcomes;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What the outcome scorecards and OKR progress read (CONTRACT §1.1, §1.2, §2): dim_epic rows,
 * silver product_events, okrs and okr_checkins, the account x month panel
 * ({@code revenue.AccountMonthPanel}: account_id, month, mrr, active), and the team_flow_quarter
 * and team_dora_quarter rows of the quarters run; optional sources may be empty.
 */
public record OutcomeInputs(Dataset<Row> dimEpic, Dataset<Row> productEvents, Dataset<Row> accountMonthPanel,
                            Dataset<Row> okrs, Dataset<Row> okrCheckins, Dataset<Row> teamFlowQuarter,
                            Dataset<Row> teamDoraQuarter) { }

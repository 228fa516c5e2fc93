package dev.valueledger.outcomes;

import dev.valueledger.config.AppConfig;
import dev.valueledger.pipeline.Quarter;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.inline;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

/** okr_progress: each key result of the quarter's OKRs with its actual from the pipeline's team, revenue or product figures, else the latest check-in, and its attainment (CONTRACT §1.2, §2 Outcome attainment, §3). */
public final class OkrProgress {

    public static final String NO_DATA = "no_data";
    public static final String CHECKIN = "checkin";
    public static final String NONE = "none";
    private static final String DORA_TABLE = "pipeline:team_dora_quarter";
    private static final String FLOW_TABLE = "pipeline:team_flow_quarter";

    public static final TableSpec SPEC = TableSpec.gold("okr_progress",
                    "Progress of every key result of the quarter's team objectives (CONTRACT §1.2 okrs, §2 Outcome attainment)")
            .column("quarter", "Quarter of the objective (okrs.quarter, YYYY-Qn); only the quarters of the run")
            .column("objective_id", "Objective (okrs.objective_id)")
            .column("objective", "Objective text (okrs.objective)")
            .column("kr_id", "Key result (okrs.key_results.kr_id)")
            .column("description", "Key result text (okrs.key_results.description)")
            .column("team_id", "Team that owns the objective (okrs.team_id)")
            .column("metric", "Key result metric: a delivery metric (deployment_frequency, lead_time_p50_hours, change_failure_rate, flow_time_p50_days, flow_velocity), "
                    + "an outcome metric (mrr, churn_rate, adoption_rate, active_accounts, event:<name>, defined as in epic_outcome_scorecard.metric over the quarter), or anything else (read from okr_checkins)")
            .column("direction", "increase | decrease (okrs.key_results.direction): which way is better")
            .column("baseline", "Declared baseline (okrs.key_results.baseline)")
            .column("target", "Declared target (okrs.key_results.target)")
            .column("actual", "The team's quarter figure for delivery metrics: deployment_frequency = team_dora_quarter.deployment_frequency_per_week, lead_time_p50_hours and change_failure_rate = team_dora_quarter's, "
                    + "flow_time_p50_days and flow_velocity = team_flow_quarter's (CONTRACT §2 DORA, Flow Framework); "
                    + "outcome metrics measured over [quarter start, quarter end): mrr = total MRR of the quarter's last month (reporting currency), churn_rate = share of accounts paying at the end of the month before the quarter that reach MRR 0 by the quarter's last month, "
                    + "active_accounts = accounts with any event in the 28 days before the quarter end, adoption_rate = adopting / active accounts at the quarter end for the linked Epics (only when there are linked Epics), event:<name> = events named <name> in the quarter / accounts with any event in it; "
                    + "where the pipeline has no figure (or the metric is not one of these): the value of the latest okr_checkins row dated in the quarter; null when there is none")
            .column("attainment", "(actual - baseline) / (target - baseline) for increase, (baseline - actual) / (baseline - target) for decrease (CONTRACT §2 Outcome attainment); null when target = baseline or a figure is missing; not clamped")
            .column("epic_keys", "Linked Epics, sorted: the key result's epic_keys plus the Epics whose key_results name this kr_id (dim_epic.key_results)")
            .column("status", "no_data when there is no actual; inconclusive when baseline or target is missing, target = baseline or the target is not in the declared direction from the baseline; "
                    + "else achieved (attainment >= 1), partial (>= 0.5) or missed (< 0.5)")
            .column("actual_source", "Where actual comes from: pipeline:<table> (team_dora_quarter, team_flow_quarter, mrr_movements_monthly for mrr, mrr_movements_account for churn_rate, product_events for active_accounts, adoption_rate and event:<name>), checkin, or none")
            .column("checkin_date", "Date of the okr_checkins row used when actual_source is checkin; null otherwise")
            .column("currency", "Reporting currency of baseline, target and actual when metric is mrr; null otherwise")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .partitionBy("quarter")
            .key("quarter", "objective_id", "kr_id")
            .build();

    private OkrProgress() { }

    /** One row per key result of every objective whose quarter is one of {@code quarters}. */
    public static Dataset<Row> compute(OutcomeInputs in, AppConfig cfg, List<Quarter> quarters) {
        Dataset<Row> quarterRows = QuarterFrame.of(in.okrs().sparkSession(), quarters);
        Column noEpics = array().cast("array<string>");
        Dataset<Row> servingEpics = in.dimEpic()
                .select(col("epic_key"), explode(col("key_results")).as("served_kr"))
                .groupBy(col("served_kr"))
                .agg(collect_set(col("epic_key")).as("serving_epics"));
        Dataset<Row> krs = in.okrs().join(quarterRows, "quarter")
                .select(col("quarter"), col("quarter_start"), col("quarter_end"), col("objective_id"), col("objective"),
                        // inline, not explode + field access: the plan reuses these rows in three joins, and
                        // Spark 3.5's column pruning breaks on a generated struct shared by self-joins.
                        col("team_id"), inline(col("key_results")))
                .withColumnRenamed("epic_keys", "declared_epics")
                .withColumn("baseline", col("baseline").cast(OutcomeMeasure.VALUE_TYPE))
                .withColumn("target", col("target").cast(OutcomeMeasure.VALUE_TYPE))
                .join(servingEpics, col("kr_id").equalTo(col("served_kr")), "left")
                .withColumn("epic_keys", array_sort(array_distinct(
                        concat(coalesce(col("declared_epics"), noEpics), coalesce(col("serving_epics"), noEpics)))))
                .withColumn("probe_id", concat_ws("|", col("quarter"), col("objective_id"), col("kr_id")));

        Dataset<Row> withFigures = krs
                .join(doraFigures(in), col("team_id").equalTo(col("d_team")).and(col("quarter").equalTo(col("d_quarter"))), "left")
                .join(flowFigures(in), col("team_id").equalTo(col("f_team")).and(col("quarter").equalTo(col("f_quarter"))), "left")
                .join(outcomeFigures(krs, in, cfg), col("probe_id").equalTo(col("o_probe")), "left")
                .join(latestCheckins(krs, in.okrCheckins()),
                        col("quarter").equalTo(col("c_quarter")).and(col("kr_id").equalTo(col("c_kr"))), "left");

        Column metric = col("metric");
        Column pipelineValue = deliveryValue(metric).cast(OutcomeMeasure.VALUE_TYPE);
        Column pipelineFigure = coalesce(pipelineValue, col("outcome_value"));
        Column pipelineSource = when(metric.isin("deployment_frequency", "lead_time_p50_hours", "change_failure_rate"), lit(DORA_TABLE))
                .when(metric.isin("flow_time_p50_days", "flow_velocity"), lit(FLOW_TABLE))
                .when(metric.equalTo(OutcomeMeasure.MRR), lit("pipeline:mrr_movements_monthly"))
                .when(metric.equalTo(OutcomeMeasure.CHURN_RATE), lit("pipeline:mrr_movements_account"))
                .otherwise(lit("pipeline:product_events"));
        Column actual = coalesce(pipelineFigure, col("checkin_value"));
        Column attainment = Attainment.of(col("actual"), col("baseline"), col("target"), col("direction"));
        Column planned = Attainment.plannedGain(col("baseline"), col("target"), col("direction"));
        Column status = when(col("actual").isNull(), lit(NO_DATA))
                .when(col("baseline").isNull().or(col("target").isNull()).or(planned.leq(0)), lit(Attainment.INCONCLUSIVE))
                .otherwise(Attainment.band(attainment));

        return withFigures
                .withColumn("actual", actual)
                .withColumn("actual_source", when(pipelineFigure.isNotNull(), pipelineSource)
                        .when(col("checkin_value").isNotNull(), lit(CHECKIN)).otherwise(lit(NONE)))
                .select(col("quarter"), col("objective_id"), col("objective"), col("kr_id"), col("description"),
                        col("team_id"), col("metric"), col("direction"), col("baseline"), col("target"), col("actual"),
                        attainment.as("attainment"), col("epic_keys"), status.as("status"), col("actual_source"),
                        when(col("actual_source").equalTo(CHECKIN), col("checkin_date")).as("checkin_date"),
                        when(metric.equalTo(OutcomeMeasure.MRR), lit(cfg.reportingCurrency())).as("currency"));
    }

    private static Column deliveryValue(Column metric) {
        return when(metric.equalTo("deployment_frequency"), col("deployment_frequency_per_week"))
                .when(metric.equalTo("lead_time_p50_hours"), col("lead_time_p50_hours"))
                .when(metric.equalTo("change_failure_rate"), col("change_failure_rate"))
                .when(metric.equalTo("flow_time_p50_days"), col("flow_time_p50_days"))
                .when(metric.equalTo("flow_velocity"), col("flow_velocity"));
    }

    private static Dataset<Row> doraFigures(OutcomeInputs in) {
        return in.teamDoraQuarter().select(col("team_id").as("d_team"), col("quarter").as("d_quarter"),
                col("deployment_frequency_per_week"), col("lead_time_p50_hours"), col("change_failure_rate"));
    }

    private static Dataset<Row> flowFigures(OutcomeInputs in) {
        return in.teamFlowQuarter().select(col("team_id").as("f_team"), col("quarter").as("f_quarter"),
                col("flow_time_p50_days"), col("flow_velocity"));
    }

    /** o_probe, outcome_value: outcome metrics measured over the quarter (adoption only for key results with linked Epics). */
    private static Dataset<Row> outcomeFigures(Dataset<Row> krs, OutcomeInputs in, AppConfig cfg) {
        Column measurable = OutcomeMeasure.isOutcomeMetric(col("metric"))
                .and(col("metric").notEqual(OutcomeMeasure.ADOPTION_RATE).or(size(col("epic_keys")).gt(0)));
        Dataset<Row> probes = krs.filter(measurable)
                .select(col("probe_id"), col("metric"), col("quarter_start").as("from_ts"), col("quarter_end").as("to_ts"),
                        col("epic_keys").as("adoption_epics"));
        return OutcomeMeasure.of(probes, in, cfg)
                .select(col("probe_id").as("o_probe"), col("value").as("outcome_value"));
    }

    /** c_quarter, c_kr, checkin_value, checkin_date: the latest check-in of each key result dated within its quarter. */
    private static Dataset<Row> latestCheckins(Dataset<Row> krs, Dataset<Row> checkins) {
        Dataset<Row> periods = krs.select(col("quarter").as("c_quarter"), col("kr_id").as("c_kr"),
                col("quarter_start"), col("quarter_end")).distinct();
        return checkins
                .join(periods, col("kr_id").equalTo(col("c_kr"))
                        .and(col("date").geq(col("quarter_start"))).and(col("date").lt(col("quarter_end"))))
                .groupBy(col("c_quarter"), col("c_kr"))
                .agg(max(struct(col("date"), col("value"))).as("latest"))
                .select(col("c_quarter"), col("c_kr"), col("latest.value").as("checkin_value"),
                        col("latest.date").as("checkin_date"));
    }
}

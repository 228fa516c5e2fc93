package dev.valueledger.delivery;

import dev.valueledger.config.AppConfig;
import dev.valueledger.pipeline.Quarter;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/** team_flow_quarter: Flow Framework velocity, time, efficiency, load and distribution per team for one quarter (CONTRACT §2 Flow Framework, §3). */
public final class FlowMetrics {

    public static final TableSpec SPEC = TableSpec.gold("team_flow_quarter",
                    "Flow Framework metrics per team and quarter over the team's work items done in the quarter (CONTRACT §2 Flow Framework)")
            .column("team_id", "Team (dim_team.team_id); every team of dim_team has a row, with velocity 0 when nothing was done")
            .column("quarter", "Quarter YYYY-Qn in which the items were done (done_at, UTC; fiscal quarters when configured)")
            .column("flow_velocity", "Flow velocity: work items (Epics excluded) done in the quarter; done = last transition into a done status, else resolved_at; reopened items are not done")
            .column("flow_time_p50_days", "Flow time p50 in days: done_at - started_at (first transition into active or waiting), exact percentile with linear interpolation over items done in the quarter that started; null when none")
            .column("flow_time_p85_days", "Flow time p85 in days, as flow_time_p50_days")
            .column("flow_load", "Flow load: mean over the quarter's UTC days of the team's items started before the next midnight and not done before it (all the team's items, done in the quarter or not)")
            .column("flow_efficiency", "Flow efficiency: sum of time in active statuses within [start, done] / sum of flow time, over items done in the quarter that started; waiting time is not active; null when there is no flow time")
            .column("share_feature", "Flow distribution: share of flow_velocity whose flow item type is feature (Epic investment_category, else configured type/label rules); null when velocity is 0")
            .column("share_defect", "Flow distribution: share of flow_velocity of type defect; null when velocity is 0")
            .column("share_risk", "Flow distribution: share of flow_velocity of type risk; null when velocity is 0")
            .column("share_debt", "Flow distribution: share of flow_velocity of type debt; null when velocity is 0")
            .column("share_innovation", "Share of flow_velocity under Epics whose investment_category is innovation (exploration time); null when velocity is 0")
            .column("items_never_started", "Items done in the quarter that never entered an active or waiting status: counted in velocity and distribution, not in flow time or efficiency")
            .column("story_points_done", "Sum of story_points of the items done in the quarter (null story points count as 0)")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .partitionBy("quarter")
            .key("team_id", "quarter")
            .build();

    private FlowMetrics() { }

    /** One row per team of {@code teams} for quarter {@code q}, from {@link ItemLifecycle#of} rows. */
    public static Dataset<Row> teamQuarter(Dataset<Row> teams, Dataset<Row> lifecycle, AppConfig cfg, Quarter q) {
        Column flowDays = col("flow_time_seconds").divide(86400.0);
        Column measured = col("flow_time_seconds").isNotNull();
        Column velocity = count(lit(1));
        Dataset<Row> done = lifecycle
                .filter(col("done_at").isNotNull()
                        .and(Quarter.labelOf(col("done_at"), cfg.fiscalYearStartMonth()).equalTo(q.label())))
                .groupBy("team_id")
                .agg(velocity.as("_velocity"),
                        percentile(flowDays, lit(0.5)).as("flow_time_p50_days"),
                        percentile(flowDays, lit(0.85)).as("flow_time_p85_days"),
                        sum(when(measured, col("active_seconds"))).as("_active"),
                        sum(when(measured, col("flow_time_seconds"))).as("_flow"),
                        share("feature", velocity), share("defect", velocity), share("risk", velocity),
                        share("debt", velocity), share("innovation", velocity),
                        count_if(col("started_at").isNull()).as("_never_started"),
                        sum(coalesce(col("story_points"), lit(0.0))).as("_points"));

        return teams.select("team_id")
                .join(done, "team_id", "left")
                .join(FlowLoad.teamQuarter(lifecycle, q), "team_id", "left")
                .select(col("team_id"),
                        lit(q.label()).as("quarter"),
                        coalesce(col("_velocity"), lit(0L)).as("flow_velocity"),
                        col("flow_time_p50_days"),
                        col("flow_time_p85_days"),
                        coalesce(col("flow_load"), lit(0.0)).as("flow_load"),
                        when(col("_flow").gt(0), col("_active").divide(col("_flow"))).as("flow_efficiency"),
                        col("share_feature"), col("share_defect"), col("share_risk"), col("share_debt"),
                        col("share_innovation"),
                        coalesce(col("_never_started"), lit(0L)).as("items_never_started"),
                        coalesce(col("_points"), lit(0.0)).as("story_points_done"));
    }

    private static Column share(String type, Column velocity) {
        return count_if(col("flow_item_type").equalTo(type)).divide(velocity).as("share_" + type);
    }
}

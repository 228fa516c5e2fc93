package dev.valueledger.delivery;

import dev.valueledger.config.AppConfig;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/** epic_delivery: how each Epic was delivered, from its items' flow, pull requests and deployments (CONTRACT §2 Flow Framework, DORA; §3). */
public final class EpicDelivery {

    public static final TableSpec SPEC = TableSpec.gold("epic_delivery",
                    "Delivery of each Epic as of the run: its items' flow, pull requests and production deployments (CONTRACT §2)")
            .column("epic_key", "Epic (dim_epic.epic_key)")
            .column("team_id", "Team that owns the Epic")
            .column("started_at", "First start of any of its items (first transition into an active or waiting status), UTC")
            .column("done_at", "Last done_at of its items once every item is done (last transition into done, else resolved_at; reopened items are not done); null while any item is not done or it has none")
            .column("released_at", "dim_epic.released_at (declared, else first production deployment of a linked PR, else items done)")
            .column("released_at_source", "declared | first_production_deployment | items_done | null")
            .column("items_total", "Work items under the Epic (the Epic itself is not a flow item)")
            .column("items_done", "Its items that are done as of the run")
            .column("story_points_done", "Sum of story_points of its done items (null points count as 0)")
            .column("flow_time_p50_days", "Flow time p50 in days (done_at - started_at) over its done items that started, exact percentile with linear interpolation")
            .column("lead_time_days", "Epic lead time in days: released_at - the Epic's created_at (from request to customers); null when not released")
            .column("flow_efficiency", "Sum of active time within [start, done] / sum of flow time over its done items that started; null when no flow time")
            .column("prs_merged", "Merged pull requests linked to its items (explicit item_keys, else keys in title/branch)")
            .column("deployments", "Distinct successful production deployments whose commit_shas contain the merge commit of one of those pull requests")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .key("epic_key")
            .build();

    private EpicDelivery() { }

    /**
     * One row per Epic. {@code lifecycle} is {@link ItemLifecycle#of}, {@code release} is
     * {@link EpicRelease#of}, {@code pullRequestDelivery} is {@link PullRequestDelivery#of}.
     */
    public static Dataset<Row> of(Dataset<Row> epics, Dataset<Row> lifecycle, Dataset<Row> release,
                                  Dataset<Row> pullRequestDelivery, Dataset<Row> deployments, AppConfig cfg) {
        Column done = col("done_at").isNotNull();
        Column measured = col("flow_time_seconds").isNotNull();
        Dataset<Row> flow = lifecycle.filter(col("epic_key").isNotNull()).groupBy("epic_key").agg(
                min(col("started_at")).as("started_at"),
                when(count(col("done_at")).equalTo(count(lit(1))), max(col("done_at"))).as("done_at"),
                count(lit(1)).as("_items"),
                count(col("done_at")).as("_done"),
                sum(when(done, coalesce(col("story_points"), lit(0.0)))).as("_points"),
                percentile(col("flow_time_seconds").divide(86400.0), lit(0.5)).as("flow_time_p50_days"),
                sum(when(measured, col("active_seconds"))).as("_active"),
                sum(when(measured, col("flow_time_seconds"))).as("_flow"));

        Dataset<Row> epicOfItem = lifecycle.filter(col("epic_key").isNotNull()).select("item_key", "epic_key");
        Dataset<Row> epicPrs = pullRequestDelivery.filter(col("merged_at").isNotNull())
                .select(col("pr_id"), col("merge_commit_sha"), explode(col("item_keys")).as("item_key"))
                .join(epicOfItem, "item_key")
                .select("epic_key", "pr_id", "merge_commit_sha").distinct();
        Dataset<Row> prCounts = epicPrs.groupBy("epic_key").agg(countDistinct(col("pr_id")).as("_prs"));
        Dataset<Row> shipped = ProductionDeployments.successful(deployments, cfg)
                .select(col("deployment_id"), explode(col("commit_shas")).as("_sha"));
        Dataset<Row> deployCounts = epicPrs.join(shipped, epicPrs.col("merge_commit_sha").equalTo(shipped.col("_sha")))
                .groupBy("epic_key").agg(countDistinct(col("deployment_id")).as("_deployments"));

        return epics.select("epic_key", "team_id", "created_at")
                .join(flow, "epic_key", "left")
                .join(release, "epic_key", "left")
                .join(prCounts, "epic_key", "left")
                .join(deployCounts, "epic_key", "left")
                .select(col("epic_key"), col("team_id"), col("started_at"), col("done_at"),
                        col("released_at"), col("released_at_source"),
                        coalesce(col("_items"), lit(0L)).as("items_total"),
                        coalesce(col("_done"), lit(0L)).as("items_done"),
                        coalesce(col("_points"), lit(0.0)).as("story_points_done"),
                        col("flow_time_p50_days"),
                        Durations.days(col("created_at"), col("released_at")).as("lead_time_days"),
                        when(col("_flow").gt(0), col("_active").divide(col("_flow"))).as("flow_efficiency"),
                        coalesce(col("_prs"), lit(0L)).as("prs_merged"),
                        coalesce(col("_deployments"), lit(0L)).as("deployments"));
    }
}

package dev.valueledger.delivery;

import dev.valueledger.config.AppConfig;
import dev.valueledger.pipeline.Quarter;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.coalesce;

/** pull_request_delivery: each pull request's first successful production deployment and lead time for changes (CONTRACT §2 DORA). */
public final class PullRequestDelivery {

    public static final TableSpec SPEC = TableSpec.gold("pull_request_delivery",
                    "Every pull request with its linked work items and the first successful production deployment that carried its merge commit (CONTRACT §2 DORA lead time)")
            .column("pr_id", "Pull request (pull_requests.pr_id)")
            .column("repo", "Repository of the pull request")
            .column("item_keys", "Work items the pull request is linked to: pull_requests.item_keys when given, else every [A-Z][A-Z0-9]+-\\d+ in title and branch")
            .column("link_method", "How item_keys were found: explicit (item_keys given) | title_branch_pattern (keys in title/branch) | none")
            .column("created_at", "When the pull request was opened (UTC)")
            .column("first_commit_at", "First commit of the pull request (UTC), null when unknown")
            .column("merged_at", "When the pull request was merged (UTC), null when not merged")
            .column("merge_commit_sha", "Merge commit of the pull request")
            .column("deployment_id", "First successful production deployment (by finished_at) whose commit_shas contain merge_commit_sha; null when never deployed")
            .column("deployed_at", "finished_at of that deployment (UTC)")
            .column("lead_time_from", "Start of the lead time: first_commit_at, else created_at")
            .column("lead_time_hours", "Lead time for changes in hours: deployed_at - first_commit_at (else created_at); null when never deployed (counted nowhere in lead time)")
            .column("team_id", "Team of the delivering deployment: the pull request's team for DORA (CONTRACT §2)")
            .column("quarter", "Quarter of the delivering deployment's finished_at: the pull request's quarter for DORA")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .key("pr_id")
            .build();

    private PullRequestDelivery() { }

    /** One row per pull request of {@link PullRequestLinks#of}, deployed or not. */
    public static Dataset<Row> of(Dataset<Row> linkedPullRequests, Dataset<Row> deployments, AppConfig cfg) {
        Dataset<Row> shipped = ProductionDeployments.successful(deployments, cfg)
                .select(col("deployment_id"), col("team_id"), col("finished_at").as("deployed_at"),
                        explode(col("commit_shas")).as("_sha"));
        Dataset<Row> merged = linkedPullRequests.filter(col("merge_commit_sha").isNotNull())
                .select(col("pr_id").as("_pr"), col("merge_commit_sha").as("_merge"));
        Dataset<Row> firstDeployment = merged
                .join(shipped, merged.col("_merge").equalTo(shipped.col("_sha")))
                .withColumn("_rank", row_number().over(Window.partitionBy("_pr")
                        .orderBy(col("deployed_at"), col("deployment_id"))))
                .filter(col("_rank").equalTo(1))
                .select(col("_pr"), col("deployment_id"), col("team_id"), col("deployed_at"));

        Column start = coalesce(col("first_commit_at"), col("created_at"));
        Dataset<Row> prs = linkedPullRequests.select("pr_id", "repo", "item_keys", "link_method", "created_at",
                "first_commit_at", "merged_at", "merge_commit_sha");
        return prs.join(firstDeployment, prs.col("pr_id").equalTo(firstDeployment.col("_pr")), "left")
                .drop("_pr")
                .withColumn("lead_time_from", when(col("deployment_id").isNull(), lit(null).cast("string"))
                        .when(col("first_commit_at").isNotNull(), "first_commit_at").otherwise("created_at"))
                .withColumn("lead_time_hours", Durations.hours(start, col("deployed_at")))
                .withColumn("quarter", Quarter.labelOf(col("deployed_at"), cfg.fiscalYearStartMonth()));
    }
}

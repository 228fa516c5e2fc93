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
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.when;

/** team_dora_quarter: DORA deployment frequency, lead time, change failure rate, time to restore and performance level per team for one quarter (CONTRACT §2 DORA, §3). */
public final class DoraMetrics {

    /** Deployments per week at or above which a team deploys at least daily (2023 elite: on demand). */
    static final double ELITE_DEPLOYS_PER_WEEK = 7.0;
    static final double HIGH_DEPLOYS_PER_WEEK = 1.0;
    /** Once per month of average length (365.25 / 12 days). */
    static final double MEDIUM_DEPLOYS_PER_WEEK = 7.0 / 30.4375;
    static final double ELITE_LEAD_HOURS = 24.0;
    static final double HIGH_LEAD_HOURS = 24.0 * 7;
    static final double MEDIUM_LEAD_HOURS = 24.0 * 30;
    static final double ELITE_CFR = 0.05;
    static final double HIGH_CFR = 0.10;
    static final double MEDIUM_CFR = 0.15;
    static final double ELITE_RESTORE_HOURS = 1.0;
    static final double HIGH_RESTORE_HOURS = 24.0;
    static final double MEDIUM_RESTORE_HOURS = 24.0 * 7;

    public static final TableSpec SPEC = TableSpec.gold("team_dora_quarter",
                    "DORA software delivery metrics per team and quarter (CONTRACT §2 DORA)")
            .column("team_id", "Team (dim_team.team_id); every team of dim_team has a row")
            .column("quarter", "Quarter YYYY-Qn: deployments by finished_at, incidents by resolved_at, pull requests by their delivering deployment")
            .column("deployments", "Successful production deployments (environment matched without regard to case) of the team that finished in the quarter")
            .column("deployment_frequency_per_week", "Deployment frequency: deployments / (days in the quarter / 7)")
            .column("lead_time_p50_hours", "Lead time for changes p50 in hours: first successful production deployment holding the PR's merge commit - first_commit_at (else created_at); linear-interpolation percentile over PRs the team's deployments delivered in the quarter")
            .column("lead_time_p85_hours", "Lead time for changes p85 in hours, as lead_time_p50_hours")
            .column("change_failure_rate", "Change failure rate: the quarter's successful production deployments linked to at least one incident (explicitly or as nearest prior deployment, each deployment once) / deployments; null when deployments is 0")
            .column("time_to_restore_p50_hours", "Time to restore p50 in hours: resolved_at - started_at of the team's incidents resolved in the quarter, exact percentile with linear interpolation; null when none")
            .column("performance_level", "DORA performance level, 2023 Accelerate State of DevOps Report clusters: the weakest of the four metrics' levels"
                    + " (elite, high, medium, low; thresholds in docs/delivery.md); a metric without data is left out; null without a successful production deployment")
            .column("prs_deployed", "Pull requests whose first successful production deployment was one of the team's in the quarter (the lead time population)")
            .column("deployments_with_incident", "Numerator of change_failure_rate: the quarter's successful production deployments linked to at least one incident")
            .column("incidents_resolved", "Incidents of the team resolved in the quarter (the time to restore population)")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .partitionBy("quarter")
            .key("team_id", "quarter")
            .build();

    private DoraMetrics() { }

    /**
     * One row per team of {@code teams} for quarter {@code q}, from the raw deployments and
     * incidents and the outputs of {@link PullRequestDelivery#of} and {@link IncidentLinks#of}.
     */
    public static Dataset<Row> teamQuarter(Dataset<Row> teams, Dataset<Row> deployments, Dataset<Row> pullRequestDelivery,
                                           Dataset<Row> incidents, Dataset<Row> incidentLinks, AppConfig cfg, Quarter q) {
        int fiscal = cfg.fiscalYearStartMonth();
        Dataset<Row> causing = incidentLinks.filter(col("deployment_id").isNotNull())
                .select(col("deployment_id").as("_caused")).distinct();
        Dataset<Row> shipped = ProductionDeployments.successful(deployments, cfg)
                .filter(Quarter.labelOf(col("finished_at"), fiscal).equalTo(q.label()));
        Dataset<Row> deploys = shipped
                .join(causing, shipped.col("deployment_id").equalTo(causing.col("_caused")), "left")
                .groupBy("team_id")
                .agg(count(lit(1)).as("_deployments"), count_if(col("_caused").isNotNull()).as("_failed"));

        Dataset<Row> leadTimes = pullRequestDelivery
                .filter(col("deployment_id").isNotNull().and(col("quarter").equalTo(q.label())))
                .groupBy("team_id")
                .agg(percentile(col("lead_time_hours"), lit(0.5)).as("lead_time_p50_hours"),
                        percentile(col("lead_time_hours"), lit(0.85)).as("lead_time_p85_hours"),
                        count(lit(1)).as("_prs"));

        Dataset<Row> restores = incidents
                .filter(col("resolved_at").isNotNull()
                        .and(Quarter.labelOf(col("resolved_at"), fiscal).equalTo(q.label())))
                .groupBy("team_id")
                .agg(percentile(Durations.hours(col("started_at"), col("resolved_at")), lit(0.5))
                                .as("time_to_restore_p50_hours"),
                        count(lit(1)).as("_incidents"));

        Column deploymentsCount = coalesce(col("_deployments"), lit(0L));
        Column failed = coalesce(col("_failed"), lit(0L));
        return teams.select("team_id")
                .join(deploys, "team_id", "left")
                .join(leadTimes, "team_id", "left")
                .join(restores, "team_id", "left")
                .select(col("team_id"),
                        lit(q.label()).as("quarter"),
                        deploymentsCount.as("deployments"),
                        deploymentsCount.divide(q.days() / 7.0).as("deployment_frequency_per_week"),
                        col("lead_time_p50_hours"),
                        col("lead_time_p85_hours"),
                        when(deploymentsCount.gt(0), failed.divide(deploymentsCount)).as("change_failure_rate"),
                        col("time_to_restore_p50_hours"),
                        failed.as("deployments_with_incident"),
                        coalesce(col("_prs"), lit(0L)).as("prs_deployed"),
                        coalesce(col("_incidents"), lit(0L)).as("incidents_resolved"))
                .withColumn("performance_level", performanceLevel());
    }

    /**
     * Weakest of the four metric levels (4 = elite ... 1 = low); {@code least} skips the nulls of
     * metrics without data, which is the documented gap rule.
     */
    static Column performanceLevel() {
        Column frequency = col("deployment_frequency_per_week");
        Column frequencyLevel = when(frequency.geq(ELITE_DEPLOYS_PER_WEEK), 4)
                .when(frequency.geq(HIGH_DEPLOYS_PER_WEEK), 3)
                .when(frequency.geq(MEDIUM_DEPLOYS_PER_WEEK), 2).otherwise(1);
        Column lead = col("lead_time_p50_hours");
        Column leadLevel = when(lead.isNull(), lit(null).cast("int"))
                .when(lead.lt(ELITE_LEAD_HOURS), 4).when(lead.leq(HIGH_LEAD_HOURS), 3)
                .when(lead.leq(MEDIUM_LEAD_HOURS), 2).otherwise(1);
        Column cfr = col("change_failure_rate");
        Column cfrLevel = when(cfr.isNull(), lit(null).cast("int"))
                .when(cfr.leq(ELITE_CFR), 4).when(cfr.leq(HIGH_CFR), 3)
                .when(cfr.leq(MEDIUM_CFR), 2).otherwise(1);
        Column restore = col("time_to_restore_p50_hours");
        Column restoreLevel = when(restore.isNull(), lit(null).cast("int"))
                .when(restore.lt(ELITE_RESTORE_HOURS), 4).when(restore.lt(HIGH_RESTORE_HOURS), 3)
                .when(restore.leq(MEDIUM_RESTORE_HOURS), 2).otherwise(1);
        Column weakest = least(frequencyLevel, leadLevel, cfrLevel, restoreLevel);
        return when(col("deployments").equalTo(0), lit(null).cast("string"))
                .when(weakest.equalTo(4), "elite").when(weakest.equalTo(3), "high")
                .when(weakest.equalTo(2), "medium").otherwise("low");
    }
}

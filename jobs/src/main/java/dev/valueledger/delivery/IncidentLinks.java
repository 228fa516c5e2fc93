package dev.valueledger.delivery;

import dev.valueledger.config.AppConfig;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

/** incident_deployment_links: the deployment each incident is attributed to, explicit or the nearest prior successful production deployment of its service (CONTRACT §2 DORA). */
public final class IncidentLinks {

    public static final String EXPLICIT = "explicit";
    public static final String NEAREST_PRIOR_DEPLOYMENT = "nearest_prior_deployment";

    public static final TableSpec SPEC = TableSpec.gold("incident_deployment_links",
                    "Every incident with the deployment it is attributed to and how the link was made (CONTRACT §2 DORA change failure rate)")
            .column("incident_id", "Incident (incidents.incident_id)")
            .column("service", "Service the incident hit")
            .column("team_id", "Team of the incident (its time to restore counts for this team)")
            .column("started_at", "When the incident started (UTC)")
            .column("resolved_at", "When the incident was resolved (UTC), null while open")
            .column("deployment_id", "Deployment the incident is attributed to: caused_by_deployment_id, else the last successful production deployment of the same service finished before started_at; null when neither exists")
            .column("link_method", "explicit (caused_by_deployment_id) | nearest_prior_deployment | null when the incident is linked to no deployment")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .key("incident_id")
            .build();

    private IncidentLinks() { }

    /** One row per incident. */
    public static Dataset<Row> of(Dataset<Row> incidents, Dataset<Row> deployments, AppConfig cfg) {
        Dataset<Row> prior = ProductionDeployments.successful(deployments, cfg)
                .select(col("deployment_id").as("_prior"), col("service").as("_service"), col("finished_at").as("_finished"));
        Dataset<Row> unexplained = incidents.filter(col("caused_by_deployment_id").isNull())
                .select(col("incident_id").as("_incident"), col("service"), col("started_at"));
        Dataset<Row> nearest = unexplained
                .join(prior, unexplained.col("service").equalTo(prior.col("_service"))
                        .and(prior.col("_finished").lt(unexplained.col("started_at"))))
                .withColumn("_rank", row_number().over(Window.partitionBy("_incident")
                        .orderBy(col("_finished").desc(), col("_prior").desc())))
                .filter(col("_rank").equalTo(1))
                .select(col("_incident"), col("_prior"));

        Dataset<Row> base = incidents.select("incident_id", "service", "team_id", "started_at", "resolved_at",
                "caused_by_deployment_id");
        return base.join(nearest, base.col("incident_id").equalTo(nearest.col("_incident")), "left")
                .withColumn("deployment_id", coalesce(col("caused_by_deployment_id"), col("_prior")))
                .withColumn("link_method", when(col("caused_by_deployment_id").isNotNull(), lit(EXPLICIT))
                        .when(col("_prior").isNotNull(), lit(NEAREST_PRIOR_DEPLOYMENT)))
                .drop("_incident", "_prior", "caused_by_deployment_id");
    }
}

package dev.valueledger.delivery;

import dev.valueledger.config.AppConfig;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/** dim_epic: each Epic with its investment category, shipped features, release date and source, and anticipated outcome (CONTRACT §1.1, §3). */
public final class EpicDimension {

    public static final TableSpec SPEC = TableSpec.gold("dim_epic", "Epics and their anticipated outcomes (CONTRACT §1.1)")
            .column("epic_key", "Epic (epics.epic_key)")
            .column("title", "Epic title")
            .column("team_id", "Team that owns the Epic")
            .column("investment_category", "feature | defect | risk | debt (Flow Framework item types) | innovation; the flow item type of the Epic's items")
            .column("feature_keys", "Product analytics feature_key values the Epic ships")
            .column("released_at", "When customers got it (UTC): declared, else first successful production deployment containing the merge commit of a PR linked to one of its items, else the last resolved_at of its items once all are resolved")
            .column("released_at_source", "declared | first_production_deployment | items_done | null when no source applies")
            .column("outcome_metric", "Outcome metric: mrr, churn_rate, adoption_rate, active_accounts or event:<name>")
            .column("outcome_direction", "increase | decrease")
            .column("outcome_baseline", "Outcome baseline as declared; null means measured over the window before release")
            .column("outcome_target", "Outcome target as declared")
            .column("outcome_window_days", "Outcome window in days: declared, else the configured default (outcomes.default-window-days); null when the Epic declares no outcome")
            .column("outcome_hypothesis", "Hypothesis the outcome tests")
            .column("key_results", "kr_id values the Epic serves")
            .column("capitalizable", "Declared override of the capitalisation policy; null means the policy decides")
            .column("status", "Epic workflow status as received")
            .column("created_at", "When the Epic was created (UTC)")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .key("epic_key")
            .build();

    private EpicDimension() { }

    /** {@code release} is {@link EpicRelease#of}. */
    public static Dataset<Row> of(Dataset<Row> epics, Dataset<Row> release, AppConfig cfg) {
        return epics.drop("released_at")
                .join(release, "epic_key", "left")
                .select(col("epic_key"), col("title"), col("team_id"), col("investment_category"), col("feature_keys"),
                        col("released_at"), col("released_at_source"),
                        col("outcome.metric").as("outcome_metric"),
                        col("outcome.direction").as("outcome_direction"),
                        col("outcome.baseline").as("outcome_baseline"),
                        col("outcome.target").as("outcome_target"),
                        when(col("outcome").isNotNull(),
                                coalesce(col("outcome.window_days"), lit(cfg.outcomes().defaultWindowDays()))).as("outcome_window_days"),
                        col("outcome.hypothesis").as("outcome_hypothesis"),
                        col("key_results"), col("capitalizable"), col("status"), col("created_at"));
    }
}

package dev.valueledger.delivery;

import dev.valueledger.config.AppConfig;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import static dev.valueledger.delivery.StatusCategories.ACTIVE;
import static dev.valueledger.delivery.StatusCategories.DONE;
import static dev.valueledger.delivery.StatusCategories.WAITING;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/** Per flow item: started_at, done_at, flow time and active time within [start, done] (CONTRACT §2 Status categories, Flow Framework). */
public final class ItemLifecycle {

    private ItemLifecycle() { }

    /**
     * Adds started_at, done_at, flow_time_seconds and active_seconds to the flow items (see
     * {@link FlowItemTypes#flowItems}). An item starts at its first transition into active or
     * waiting; it is done at its last transition into done, else at resolved_at; it is not done
     * when its last transition leaves done (reopened), whatever resolved_at says, and a
     * transition after resolved_at into a status outside done also reopens it. Flow and active
     * time are null for items not done or never started.
     */
    public static Dataset<Row> of(Dataset<Row> flowItems, Dataset<Row> transitions, AppConfig cfg) {
        WindowSpec order = Window.partitionBy("item_key").orderBy(col("changed_at"), col("to_status"));
        // Each transition opens a stretch in its to_status that lasts until the item's next transition.
        Dataset<Row> stretches = transitions
                .select(col("item_key"), col("changed_at"), col("to_status"),
                        StatusCategories.category(col("to_status"), cfg).as("to_category"),
                        StatusCategories.category(col("from_status"), cfg).as("from_category"))
                .withColumn("until", lead(col("changed_at"), 1).over(order));

        Dataset<Row> milestones = stretches.groupBy("item_key").agg(
                min(when(col("to_category").isin(ACTIVE, WAITING), col("changed_at"))).as("started_at"),
                max(when(col("to_category").equalTo(DONE), col("changed_at"))).as("last_done_transition_at"),
                // the latest transition, ties on changed_at broken by to_status as in `order`
                max(struct(col("changed_at"), col("to_status"), col("to_category"), col("from_category"))).as("last"));

        // Leaving done: the last transition lands outside done after the item had been done, by a
        // transition into done or by a resolved_at earlier than that last transition.
        Column reopened = col("last.to_category").notEqual(DONE)
                .and(col("last.from_category").equalTo(DONE)
                        .or(col("last_done_transition_at").isNotNull())
                        .or(col("resolved_at").lt(col("last.changed_at"))));
        Dataset<Row> dated = flowItems.join(milestones, "item_key", "left")
                .withColumn("done_at", when(coalesce(reopened, lit(false)), lit(null).cast("timestamp"))
                        .otherwise(coalesce(col("last_done_transition_at"), col("resolved_at"))))
                .drop("last_done_transition_at", "last");

        Column measurable = col("started_at").isNotNull().and(col("done_at").isNotNull());
        Dataset<Row> bounds = dated.filter(measurable)
                .select(col("item_key"), col("started_at").as("_start"), col("done_at").as("_done"));
        Column from = greatest(col("changed_at"), col("_start"));
        Column to = least(coalesce(col("until"), col("_done")), col("_done"));
        Dataset<Row> active = stretches.filter(col("to_category").equalTo(ACTIVE))
                .join(bounds, "item_key")
                .groupBy("item_key")
                .agg(sum(greatest(Durations.seconds(from, to), lit(0.0))).as("_active_seconds"));

        return dated.join(active, "item_key", "left")
                .withColumn("flow_time_seconds", Durations.seconds(col("started_at"), col("done_at")))
                .withColumn("active_seconds", when(measurable, coalesce(col("_active_seconds"), lit(0.0))))
                .drop("_active_seconds");
    }
}

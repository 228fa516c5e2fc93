package dev.valueledger.delivery;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

/** When each Epic reached customers and how that was established: declared, first production deployment of a linked PR, or its items done (CONTRACT §1.1 released_at). */
public final class EpicRelease {

    public static final String DECLARED = "declared";
    public static final String FIRST_PRODUCTION_DEPLOYMENT = "first_production_deployment";
    public static final String ITEMS_DONE = "items_done";

    private EpicRelease() { }

    /**
     * Columns epic_key, released_at, released_at_source (null, null when no source applies).
     * {@code workItems} are the Epics' items (item_key, epic_key, resolved_at);
     * {@code pullRequestDelivery} is {@link PullRequestDelivery#of}. The items_done fallback is the
     * last resolved_at of the Epic's items and applies only once every item is resolved: an Epic
     * with open items is not done.
     */
    public static Dataset<Row> of(Dataset<Row> epics, Dataset<Row> workItems, Dataset<Row> pullRequestDelivery) {
        Dataset<Row> items = workItems.filter(col("epic_key").isNotNull())
                .select(col("item_key"), col("epic_key"), col("resolved_at"));
        Dataset<Row> deliveredItems = pullRequestDelivery.filter(col("deployed_at").isNotNull())
                .select(explode(col("item_keys")).as("item_key"), col("deployed_at"));
        Dataset<Row> firstDeployment = deliveredItems.join(items, "item_key")
                .groupBy("epic_key").agg(min(col("deployed_at")).as("_first_deployment"));
        Dataset<Row> itemsDone = items.groupBy("epic_key").agg(
                when(count(col("resolved_at")).equalTo(count(lit(1))), max(col("resolved_at"))).as("_items_done"));

        Column declared = col("released_at");
        return epics.select(col("epic_key"), declared)
                .join(firstDeployment, "epic_key", "left")
                .join(itemsDone, "epic_key", "left")
                .select(col("epic_key"),
                        coalesce(declared, col("_first_deployment"), col("_items_done")).as("released_at"),
                        when(declared.isNotNull(), lit(DECLARED))
                                .when(col("_first_deployment").isNotNull(), lit(FIRST_PRODUCTION_DEPLOYMENT))
                                .when(col("_items_done").isNotNull(), lit(ITEMS_DONE))
                                .as("released_at_source"));
    }
}

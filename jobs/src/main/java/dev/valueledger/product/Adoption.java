package dev.valueledger.product;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;

/**
 * Which accounts adopted each Epic and when: the first event with one of the Epic's feature keys
 * on or after its release, or, where feature flags expose the feature, the first {@code on}
 * exposure (CONTRACT §2 Adoption, Impact: cohort g).
 */
public final class Adoption {

    public static final String METHOD_ADOPTION = "adoption";
    public static final String METHOD_EXPOSURE = "exposure";

    private Adoption() { }

    /** epic_key, released_at, feature_key: one row per released Epic and each distinct feature it ships. */
    public static Dataset<Row> epicFeatures(Dataset<Row> epics) {
        // An Epic without released_at has no adoption yet, and explode drops Epics without features.
        return epics.filter(col("released_at").isNotNull())
                .select(col("epic_key"), col("released_at"), explode(array_distinct(col("feature_keys"))).as("feature_key"));
    }

    /**
     * epic_key, feature_key, account_id, adopted_at: an account's first event with the feature key
     * on or after the Epic's release (events before release do not count).
     */
    public static Dataset<Row> featureFirstUse(Dataset<Row> epics, Dataset<Row> events) {
        Dataset<Row> uses = events.filter(col("feature_key").isNotNull())
                .select(col("feature_key").as("used_feature"), col("account_id"), col("timestamp"));
        return epicFeatures(epics)
                .join(uses, col("feature_key").equalTo(col("used_feature"))
                        .and(col("timestamp").geq(col("released_at"))))
                .groupBy(col("epic_key"), col("feature_key"), col("account_id"))
                .agg(min(col("timestamp")).as("adopted_at"));
    }

    /**
     * epic_key, account_id, feature_key, adopted_at: an account's first event with any of the
     * Epic's feature keys on or after release, and which feature it was (ties: the smaller key).
     */
    public static Dataset<Row> firstUse(Dataset<Row> epics, Dataset<Row> events) {
        return firstUseOf(featureFirstUse(epics, events));
    }

    /** {@link #firstUse} from {@link #featureFirstUse} rows already computed (the pipeline computes them once). */
    public static Dataset<Row> firstUseOf(Dataset<Row> featureFirstUse) {
        return earliest(featureFirstUse, "adopted_at");
    }

    /**
     * epic_key, account_id, feature_key, adopted_at, cohort_month ('YYYY-MM'), method: the treated
     * accounts of every released Epic and their cohort. For an Epic whose features appear in
     * feature_exposures, the treated are the accounts with an {@code on} exposure, adopted_at is
     * that first exposure and method is 'exposure' (intention to treat: assignment, not use);
     * otherwise adopted_at is the first use and method is 'adoption'.
     */
    public static Dataset<Row> cohorts(Dataset<Row> epics, Dataset<Row> events, Dataset<Row> exposures) {
        return cohortsOf(epics, firstUse(epics, events), exposures);
    }

    /** {@link #cohorts} from the Epics' {@link #firstUse} rows already computed. */
    public static Dataset<Row> cohortsOf(Dataset<Row> epics, Dataset<Row> firstUse, Dataset<Row> exposures) {
        Dataset<Row> exposed = epicFeatures(epics)
                .join(exposures.select(col("feature_key").as("exposed_feature"), col("account_id"),
                                lower(col("variant")).as("variant"), col("exposed_at")),
                        col("feature_key").equalTo(col("exposed_feature")));
        Dataset<Row> exposureEpics = exposed.select(col("epic_key").as("flagged_epic")).distinct();
        Dataset<Row> assigned = earliest(exposed.filter(col("variant").equalTo("on")), "exposed_at")
                .withColumnRenamed("exposed_at", "adopted_at")
                .withColumn("method", lit(METHOD_EXPOSURE));
        Dataset<Row> used = firstUse
                .join(exposureEpics, col("epic_key").equalTo(col("flagged_epic")), "left_anti")
                .withColumn("method", lit(METHOD_ADOPTION));
        return used.unionByName(assigned)
                .withColumn("cohort_month", date_format(col("adopted_at"), "yyyy-MM"))
                .select(col("epic_key"), col("account_id"), col("feature_key"), col("adopted_at"),
                        col("cohort_month"), col("method"));
    }

    /** Per epic and account, the row with the earliest {@code at} and its feature_key. */
    private static Dataset<Row> earliest(Dataset<Row> rows, String at) {
        Column first = min(struct(col(at), col("feature_key"))).as("first");
        return rows.groupBy(col("epic_key"), col("account_id")).agg(first)
                .select(col("epic_key"), col("account_id"), col("first.feature_key").as("feature_key"),
                        col("first." + at).as(at));
    }
}

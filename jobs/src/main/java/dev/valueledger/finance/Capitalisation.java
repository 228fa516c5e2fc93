package dev.valueledger.finance;

import dev.valueledger.config.AppConfig;
import dev.valueledger.delivery.ItemLifecycle;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.Locale;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

/** Which Epic cost is capitalisable: policy category or the Epic's override, and only active time between the Epic's start and its release (CONTRACT §2 Cost: capitalisable cost). */
public final class Capitalisation {

    /** The Epic's investment category is in capitalisation.categories and it declares no override. */
    public static final String POLICY_CATEGORY = "policy_category";
    /** The Epic declares capitalizable = true, whatever its category. */
    public static final String OVERRIDE_TRUE = "epic_override_true";
    /** The Epic declares capitalizable = false, whatever its category. */
    public static final String OVERRIDE_FALSE = "epic_override_false";
    /** Category outside the policy and no override. */
    public static final String NOT_CAPITALIZABLE_CATEGORY = "not_capitalizable_category";
    /** Capitalisable Epic, but none of the row's active time lies between its start and release. */
    public static final String OUTSIDE_WINDOW = "outside_development_window";
    /** Keep-the-lights-on work on items without an Epic: never capitalised. */
    public static final String UNALLOCATED = "unallocated_work";
    /** The items name an Epic that epics does not hold: no policy can apply. */
    public static final String UNKNOWN_EPIC = "unknown_epic";

    private Capitalisation() { }

    /**
     * Per Epic: epic_key, capitalizable_by_policy (BOOLEAN), policy_rule (one of the first four
     * rules above), development_start (first start of any of its items: first transition into
     * active or waiting) and development_end (released_at; null while unreleased, so all time
     * after the start is development). {@code dimEpic} is dim_epic (epic_key,
     * investment_category, capitalizable, released_at derived per CONTRACT §1.1).
     */
    public static Dataset<Row> policy(Dataset<Row> dimEpic, Dataset<Row> workItems, Dataset<Row> transitions, AppConfig cfg) {
        Object[] categories = cfg.capitalisation().categories().stream()
                .map(c -> c.trim().toLowerCase(Locale.ROOT)).sorted().toArray();
        Dataset<Row> epicItems = workItems.filter(col("epic_key").isNotNull())
                .select(col("item_key"), col("epic_key"), col("resolved_at"));
        Dataset<Row> starts = ItemLifecycle.of(epicItems, transitions, cfg)
                .groupBy(col("epic_key")).agg(min(col("started_at")).as("development_start"));
        Column inPolicy = categories.length == 0 ? lit(false)
                : coalesce(lower(trim(col("investment_category"))).isin(categories), lit(false));
        Column rule = when(col("capitalizable").equalTo(true), lit(OVERRIDE_TRUE))
                .when(col("capitalizable").equalTo(false), lit(OVERRIDE_FALSE))
                .when(inPolicy, lit(POLICY_CATEGORY))
                .otherwise(lit(NOT_CAPITALIZABLE_CATEGORY));
        return dimEpic.join(starts, "epic_key", "left")
                .select(col("epic_key"), coalesce(col("capitalizable"), inPolicy).as("capitalizable_by_policy"),
                        rule.as("policy_rule"), col("development_start"), col("released_at").as("development_end"));
    }

    /**
     * Microseconds of the active stretch [segStart, segEnd) that fall inside the development
     * window [development_start, development_end) of rows joined to {@link #policy}; 0 when the
     * Epic is not capitalisable or has not started.
     */
    public static Column capitalizableMicros(Column segStart, Column segEnd) {
        Column from = greatest(segStart, col("development_start"));
        Column to = least(segEnd, coalesce(col("development_end"), segEnd));
        Column overlap = greatest(unix_micros(to).minus(unix_micros(from)), lit(0L));
        return when(coalesce(col("capitalizable_by_policy"), lit(false)).and(col("development_start").isNotNull()), overlap)
                .otherwise(lit(0L));
    }

    /**
     * The rule that applied to a cost row: the Epic's policy rule, unless it is capitalisable and
     * no active time of the row lies in its development window (then {@value #OUTSIDE_WINDOW}).
     */
    public static Column rule(Column epicKey, Column policyRule, Column capitalizableMicros) {
        return when(epicKey.equalTo(EpicCost.UNALLOCATED), lit(UNALLOCATED))
                .when(policyRule.isNull(), lit(UNKNOWN_EPIC))
                .when(policyRule.isin(OVERRIDE_TRUE, POLICY_CATEGORY).and(capitalizableMicros.leq(0)), lit(OUTSIDE_WINDOW))
                .otherwise(policyRule);
    }
}

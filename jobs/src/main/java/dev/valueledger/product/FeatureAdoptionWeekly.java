package dev.valueledger.product;

import dev.valueledger.config.AppConfig;
import dev.valueledger.pipeline.Quarter;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

/** Weekly adoption rate of each Epic's features among active accounts, with Wilson intervals (CONTRACT §2 Adoption, §3 feature_adoption_weekly). */
public final class FeatureAdoptionWeekly {

    public static final TableSpec TABLE = TableSpec.gold("feature_adoption_weekly",
                    "Share of active accounts that have adopted each feature of each released Epic, week by week (CONTRACT §2 Adoption)")
            .column("epic_key", "Epic that ships the feature (epics.epic_key)")
            .column("feature_key", "Product analytics feature key listed in the Epic's feature_keys")
            .column("week_start", "Monday (UTC) starting the week; the rate is read at d = week_start + 7 days, the end of the week")
            .column("adopting_accounts", "Active accounts at d whose first event with the feature on or after released_at is before d (CONTRACT §2 Adoption; counting only active accounts keeps the rate a proportion)")
            .column("active_accounts", "Accounts with any product event in the 28 days (adoption.active-window-days) before d")
            .column("adoption_rate", "adopting_accounts / active_accounts; null when no account is active")
            .column("adoption_rate_ci_low", "Lower bound of the Wilson score interval of adoption_rate at attribution.confidence-level")
            .column("adoption_rate_ci_high", "Upper bound of the Wilson score interval of adoption_rate at attribution.confidence-level")
            .column("quarter", "Quarter of week_start (YYYY-Qn, fiscal when configured)")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .partitionBy("quarter")
            .key("epic_key", "feature_key", "week_start")
            .build();

    private FeatureAdoptionWeekly() { }

    /**
     * One row per released Epic, feature and week from the release week to the week of the last
     * event. All weeks come from one grid built with sequence/explode, so the cost is one pass
     * over the events whatever the number of Epics and weeks.
     */
    public static Dataset<Row> compute(Dataset<Row> epics, Dataset<Row> events, AppConfig cfg) {
        return compute(epics, events, Adoption.featureFirstUse(epics, events), cfg);
    }

    /** As {@link #compute(Dataset, Dataset, AppConfig)} with {@link Adoption#featureFirstUse} rows already computed. */
    public static Dataset<Row> compute(Dataset<Row> epics, Dataset<Row> events, Dataset<Row> featureFirstUse, AppConfig cfg) {
        double z = Wilson.z(cfg.attribution().confidenceLevel());
        Dataset<Row> active = activeAccountWeeks(events, cfg.adoption().activeWindowDays());

        Dataset<Row> lastWeek = events.agg(max(monday(col("timestamp"))).as("last_week"));
        Column releaseWeek = monday(col("released_at"));
        Dataset<Row> grid = Adoption.epicFeatures(epics).crossJoin(lastWeek)
                // sequence() rejects a stop before its start: a release after the last event has no weeks yet.
                .filter(releaseWeek.leq(col("last_week")))
                .select(col("epic_key"), col("feature_key"),
                        explode(sequence(releaseWeek, col("last_week"), expr("INTERVAL 7 DAYS"))).as("week_start"));

        Dataset<Row> activeCounts = active.groupBy(col("week_start").as("active_week"))
                .agg(count(lit(1)).as("active_accounts"));
        Dataset<Row> adoptions = featureFirstUse
                .select(col("epic_key").as("a_epic"), col("feature_key").as("a_feature"),
                        col("account_id").as("a_account"), col("adopted_at"));
        Dataset<Row> adoptingCounts = active
                .join(adoptions, col("account_id").equalTo(col("a_account"))
                        .and(col("adopted_at").lt(date_add(col("week_start"), 7))))
                .groupBy(col("a_epic"), col("a_feature"), col("week_start").as("adopting_week"))
                .agg(count(lit(1)).as("adopting"));

        Column adopting = coalesce(col("adopting"), lit(0L));
        Column activeAccounts = coalesce(col("active_accounts"), lit(0L));
        return grid
                .join(activeCounts, col("week_start").equalTo(col("active_week")), "left")
                .join(adoptingCounts, col("epic_key").equalTo(col("a_epic"))
                        .and(col("feature_key").equalTo(col("a_feature")))
                        .and(col("week_start").equalTo(col("adopting_week"))), "left")
                .select(col("epic_key"), col("feature_key"), col("week_start"),
                        adopting.as("adopting_accounts"), activeAccounts.as("active_accounts"),
                        when(activeAccounts.gt(0), adopting.cast("double").divide(activeAccounts)).as("adoption_rate"),
                        Wilson.low(adopting, activeAccounts, z).as("adoption_rate_ci_low"),
                        Wilson.high(adopting, activeAccounts, z).as("adoption_rate_ci_high"),
                        Quarter.labelOf(col("week_start"), cfg.fiscalYearStartMonth()).as("quarter"));
    }

    /**
     * account_id, week_start: the weeks at whose end d = week_start + 7 the account is active, i.e.
     * has an event in [d - windowDays, d). Both bounds fall on midnights, so an event's UTC day
     * decides: a day e makes active the Mondays in [e - 6, e + windowDays - 7].
     */
    static Dataset<Row> activeAccountWeeks(Dataset<Row> events, int windowDays) {
        Column first = monday(col("day"));
        Column last = monday(date_add(col("day"), windowDays - 7));
        return events.select(col("account_id"), to_date(col("timestamp")).as("day")).distinct()
                .filter(last.geq(first))
                .select(col("account_id"), explode(sequence(first, last, expr("INTERVAL 7 DAYS"))).as("week_start"))
                .distinct();
    }

    /** Monday on or before a date or timestamp (UTC), as a DATE. */
    static Column monday(Column dateOrTimestamp) {
        return to_date(date_trunc("week", dateOrTimestamp));
    }
}

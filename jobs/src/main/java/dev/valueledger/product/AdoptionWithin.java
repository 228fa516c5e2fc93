package dev.valueledger.product;

import dev.valueledger.config.AppConfig;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.make_dt_interval;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/** Per Epic, the share of eligible accounts adopting within 30 and 90 days of release, with Wilson intervals (CONTRACT §2 Adoption figures). */
public final class AdoptionWithin {

    /** The table for the default windows (adoption.within-days = [30, 90]); see {@link #table(AppConfig)}. */
    public static final TableSpec TABLE = table(List.of(30, 90));

    private AdoptionWithin() { }

    /** The epic_adoption table for the configured windows: one group of four columns per window. */
    public static TableSpec table(AppConfig cfg) {
        return table(cfg.adoption().withinDays());
    }

    static TableSpec table(List<Integer> withinDays) {
        TableSpec.Builder b = TableSpec.gold("epic_adoption",
                        "Share of eligible accounts adopting each released Epic within N days of release (CONTRACT §2 Adoption figures)")
                .column("epic_key", "Epic (epics.epic_key)")
                .column("released_at", "When customers got the Epic (epics.released_at, UTC)")
                .column("eligible_accounts", "Accounts with any product event in the 28 days (adoption.active-window-days) before released_at");
        for (int n : withinDays) {
            b.column("adopted_" + n + "d", "Eligible accounts whose first event with one of the Epic's feature keys on or after released_at is less than " + n + " days after it (CONTRACT §2 Adoption)")
                    .column("rate_" + n + "d", "adopted_" + n + "d / eligible_accounts; null without eligible accounts")
                    .column("rate_" + n + "d_ci_low", "Lower bound of the Wilson score interval of rate_" + n + "d at attribution.confidence-level")
                    .column("rate_" + n + "d_ci_high", "Upper bound of the Wilson score interval of rate_" + n + "d at attribution.confidence-level");
        }
        return b.column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
                .key("epic_key")
                .build();
    }

    /**
     * One row per released Epic. Only eligible accounts count in the numerator, so each figure is
     * a proportion of the same accounts; a window that has not fully elapsed yet counts the
     * adoptions seen so far.
     */
    public static Dataset<Row> compute(Dataset<Row> epics, Dataset<Row> events, AppConfig cfg) {
        return compute(epics, events, Adoption.firstUse(epics, events), cfg);
    }

    /** As {@link #compute(Dataset, Dataset, AppConfig)} with the Epics' {@link Adoption#firstUse} rows already computed. */
    public static Dataset<Row> compute(Dataset<Row> epics, Dataset<Row> events, Dataset<Row> firstUse, AppConfig cfg) {
        double z = Wilson.z(cfg.attribution().confidenceLevel());
        Dataset<Row> released = epics.filter(col("released_at").isNotNull())
                .select(col("epic_key"), col("released_at"));
        Column window = make_dt_interval(lit(cfg.adoption().activeWindowDays()));
        // The window's start is computed once per Epic, not once per event and Epic pair of the range join.
        Dataset<Row> eligible = released.withColumn("eligible_from", col("released_at").minus(window))
                .join(events.select(col("account_id"), col("timestamp")),
                        col("timestamp").geq(col("eligible_from")).and(col("timestamp").lt(col("released_at"))))
                .select(col("epic_key").as("e_epic"), col("account_id").as("e_account"))
                .distinct();
        Dataset<Row> adoptions = firstUse
                .select(col("epic_key").as("a_epic"), col("account_id").as("a_account"), col("adopted_at"));
        Dataset<Row> joined = released
                .join(eligible, col("epic_key").equalTo(col("e_epic")), "left")
                .join(adoptions, col("e_epic").equalTo(col("a_epic")).and(col("e_account").equalTo(col("a_account"))), "left");

        List<Column> aggs = new ArrayList<>();
        for (int n : cfg.adoption().withinDays()) {
            Column within = col("adopted_at").lt(col("released_at").plus(make_dt_interval(lit(n))));
            aggs.add(sum(when(within, 1).otherwise(0)).cast("long").as("adopted_" + n + "d"));
        }
        Dataset<Row> counted = joined.groupBy(col("epic_key"), col("released_at"))
                .agg(count(col("e_account")).as("eligible_accounts"), aggs.toArray(new Column[0]));

        List<Column> out = new ArrayList<>(List.of(col("epic_key"), col("released_at"), col("eligible_accounts")));
        Column n = col("eligible_accounts");
        for (int d : cfg.adoption().withinDays()) {
            Column k = col("adopted_" + d + "d");
            out.add(k);
            out.add(when(n.gt(0), k.cast("double").divide(n)).as("rate_" + d + "d"));
            out.add(Wilson.low(k, n, z).as("rate_" + d + "d_ci_low"));
            out.add(Wilson.high(k, n, z).as("rate_" + d + "d_ci_high"));
        }
        return counted.select(out.toArray(new Column[0]));
    }
}

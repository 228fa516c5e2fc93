package dev.valueledger.product;

import dev.valueledger.config.AppConfig;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.make_dt_interval;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.unix_micros;
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
        int windowDays = cfg.adoption().activeWindowDays();
        Dataset<Row> released = epics.filter(col("released_at").isNotNull())
                .select(col("epic_key"), col("released_at"))
                // Computed once per Epic, not once per pair of the join below.
                .withColumn("eligible_from", col("released_at").minus(make_dt_interval(lit(windowDays))));
        // An account with events is eligible for an Epic unless one of its quiet spells holds the whole
        // window [eligible_from, released_at). Only spells longer than the window can, about one or two
        // per account, so Epics are paired with those instead of with every event (which grows with
        // events x Epics: a tenth of the product stage at scale 4).
        // Small (a few rows per account) and read three times: computed once.
        Dataset<Row> quiet = quietSpells(events, windowDays).localCheckpoint();
        Column holds = coalesce(col("after").lt(col("eligible_from")), lit(true))
                .and(coalesce(col("before").geq(col("released_at")), lit(true)));
        Dataset<Row> missed = released.join(quiet, holds)
                .groupBy(col("epic_key").as("m_epic")).agg(count(lit(1)).as("missed"));
        // Every account with events has exactly one spell before its first.
        Dataset<Row> withEvents = quiet.filter(col("after").isNull()).agg(count(lit(1)).as("accounts"));
        Dataset<Row> eligibleAdopters = firstUse.select(col("epic_key"), col("account_id").as("a_account"), col("adopted_at"))
                .join(released, "epic_key")
                .join(quiet, col("a_account").equalTo(col("account_id")).and(holds), "left_anti");

        List<Column> aggs = new ArrayList<>();
        for (int n : cfg.adoption().withinDays()) {
            Column within = col("adopted_at").lt(col("released_at").plus(make_dt_interval(lit(n))));
            aggs.add(sum(when(within, 1).otherwise(0)).cast("long").as("adopted_" + n + "d"));
        }
        Dataset<Row> adopted = eligibleAdopters.groupBy(col("epic_key").as("a_epic")).agg(aggs.get(0),
                aggs.subList(1, aggs.size()).toArray(new Column[0]));
        List<Column> counts = new ArrayList<>(List.of(col("epic_key"), col("released_at"),
                col("accounts").minus(coalesce(col("missed"), lit(0L))).as("eligible_accounts")));
        for (int n : cfg.adoption().withinDays()) {
            counts.add(coalesce(col("adopted_" + n + "d"), lit(0L)).as("adopted_" + n + "d"));
        }
        Dataset<Row> counted = released.crossJoin(withEvents)
                .join(missed, col("epic_key").equalTo(col("m_epic")), "left")
                .join(adopted, col("epic_key").equalTo(col("a_epic")), "left")
                .select(counts.toArray(new Column[0]));

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

    /**
     * account_id, after, before: the open stretches between an account's consecutive events (after
     * null before its first, before null after its last) that last longer than {@code windowDays}.
     * Events of one day are one block: a spell inside a day is shorter than any window.
     */
    static Dataset<Row> quietSpells(Dataset<Row> events, int windowDays) {
        Dataset<Row> days = events.groupBy(col("account_id"), to_date(col("timestamp")).as("day"))
                .agg(min(col("timestamp")).as("first_at"), max(col("timestamp")).as("last_at"));
        WindowSpec byDay = Window.partitionBy(col("account_id")).orderBy(col("day"));
        // Each active day closes the spell since the previous one; the last also opens the one after it.
        Column before = struct(col("previous_last").as("after"), col("first_at").as("before"));
        Column afterLast = struct(col("last_at").as("after"), lit(null).cast("timestamp").as("before"));
        Dataset<Row> spells = days.select(col("account_id"), col("first_at"), col("last_at"),
                        lag(col("last_at"), 1).over(byDay).as("previous_last"), lead(col("first_at"), 1).over(byDay).as("next_first"))
                .select(col("account_id"), explode(when(col("next_first").isNull(), array(before, afterLast))
                        .otherwise(array(before))).as("s"))
                .select(col("account_id"), col("s.after").as("after"), col("s.before").as("before"));
        // A spell can hold the window only if it is longer; the join's condition decides exactly.
        long window = windowDays * 86_400_000_000L;
        return spells.filter(col("after").isNull().or(col("before").isNull())
                        .or(unix_micros(col("before")).minus(unix_micros(col("after"))).gt(window)));
    }
}

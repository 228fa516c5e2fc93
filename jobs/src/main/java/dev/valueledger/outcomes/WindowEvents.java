package dev.valueledger.outcomes;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

/**
 * Product events in time windows [lower_ts, to_ts), timestamp-exact: the accounts with an event in each window and the
 * count of its named event (OutcomeMeasure's active accounts and event:&lt;name&gt;, CONTRACT §2 Outcome attainment).
 */
final class WindowEvents {

    private WindowEvents() { }

    /*
     * Why not a range join of events with windows: each event lies in dozens of windows, so that join made ~10^8 rows
     * at scale 1. A window splits into whole UTC days [from_day, to_day) and at most two partial days (the days of
     * lower_ts and to_ts unless they are midnights). Whole days are read from per-day totals: an account's events
     * before a day are a running sum, so its events in the whole days are two look-ups whatever the window's length.
     * Only the events of the partial days are compared with the exact bounds.
     */

    /** probe_id, account_id: each account with at least one event in the window of probe_id. */
    static Dataset<Row> activeAccounts(Dataset<Row> windows, Dataset<Row> events) {
        Dataset<Row> perDay = events.groupBy(col("account_id"), to_date(col("timestamp")).as("day"))
                .agg(count(lit(1)).as("n"));
        Dataset<Row> bounds = wholeDays(windows).select(col("probe_id"), col("from_day"), col("to_day"));
        Dataset<Row> lookups = bounds.select(col("probe_id"), col("from_day").as("day"), lit(-1L).as("sign"))
                .unionByName(bounds.select(col("probe_id"), col("to_day").as("day"), lit(1L).as("sign")));
        Dataset<Row> marks = perDay.select(col("account_id")).distinct()
                .crossJoin(broadcast(lookups.select(col("day")).distinct()))
                .select(col("account_id"), col("day"), lit(null).cast("long").as("n"), lit(0).as("ord"));
        // A mark sorts before its day's total, so its running sum counts the account's events of earlier days only.
        WindowSpec upToRow = Window.partitionBy(col("account_id")).orderBy(col("day"), col("ord"))
                .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
        Dataset<Row> before = perDay.withColumn("ord", lit(1)).unionByName(marks)
                .withColumn("before", coalesce(sum(col("n")).over(upToRow), lit(0L)))
                .filter(col("ord").equalTo(0))
                .select(col("account_id"), col("day"), col("before"));
        Dataset<Row> inWholeDays = before.join(broadcast(lookups), "day")
                .groupBy(col("probe_id"), col("account_id"))
                .agg(sum(col("sign").multiply(col("before"))).as("n"))
                .filter(col("n").gt(0))
                .select(col("probe_id"), col("account_id"));

        Dataset<Row> inPartialDays = onPartialDays(windows, events).select(col("probe_id"), col("account_id"));
        return inWholeDays.unionByName(inPartialDays).distinct();
    }

    /** probe_id, named_events: the events named event_name in the window, for each window with an event_name. */
    static Dataset<Row> namedEvents(Dataset<Row> windows, Dataset<Row> events) {
        Dataset<Row> named = windows.filter(col("event_name").isNotNull());
        Dataset<Row> perDay = events.groupBy(col("event"), to_date(col("timestamp")).as("day"))
                .agg(count(lit(1)).as("n"));
        // Few windows times their days: the whole days are listed rather than looked up.
        Dataset<Row> windowDays = wholeDays(named)
                .select(col("probe_id"), col("event_name"),
                        explode(sequence(col("from_day"), date_sub(col("to_day"), 1))).as("w_day"));
        Dataset<Row> inWholeDays = perDay
                .join(broadcast(windowDays), col("event").equalTo(col("event_name")).and(col("day").equalTo(col("w_day"))))
                .select(col("probe_id"), col("n"));
        Dataset<Row> inPartialDays = onPartialDays(windows, events).select(col("probe_id"), col("named").as("n"));
        return inWholeDays.unionByName(inPartialDays)
                .groupBy(col("probe_id"))
                .agg(sum(col("n")).as("named_events"));
    }

    /** The windows with from_day (first midnight at or after lower_ts) and to_day (last midnight at or before to_ts), where from_day &lt; to_day. */
    private static Dataset<Row> wholeDays(Dataset<Row> windows) {
        Column fromDay = when(isMidnight(col("lower_ts")), to_date(col("lower_ts")))
                .otherwise(date_add(to_date(col("lower_ts")), 1));
        return windows.withColumn("from_day", fromDay)
                .withColumn("to_day", to_date(col("to_ts")))
                .filter(col("from_day").lt(col("to_day")));
    }

    /** The windows once per partial day p_day: the day of lower_ts and of to_ts, unless a midnight (to_ts's day then lies outside). */
    private static Dataset<Row> partialDays(Dataset<Row> windows) {
        Dataset<Row> w = windows.select(col("probe_id"), col("lower_ts"), col("to_ts"), col("event_name"));
        return w.filter(not(isMidnight(col("lower_ts")))).withColumn("p_day", to_date(col("lower_ts")))
                .unionByName(w.filter(not(isMidnight(col("to_ts")))).withColumn("p_day", to_date(col("to_ts"))))
                .distinct();
    }

    /**
     * probe_id, account_id, named: each account with an event on the window's partial days within the exact bounds,
     * and how many of them are named event_name. Both figures read this one result (Spark reuses its shuffle), so the
     * events are joined with the partial days once.
     */
    private static Dataset<Row> onPartialDays(Dataset<Row> windows, Dataset<Row> events) {
        return events.select(col("account_id"), col("event"), col("timestamp"))
                .join(broadcast(partialDays(windows)), to_date(col("timestamp")).equalTo(col("p_day"))
                        .and(col("timestamp").geq(col("lower_ts"))).and(col("timestamp").lt(col("to_ts"))))
                .groupBy(col("probe_id"), col("account_id"))
                .agg(count_if(col("event").equalTo(col("event_name"))).as("named"));
    }

    private static Column isMidnight(Column ts) {
        return ts.equalTo(to_date(ts).cast("timestamp"));
    }
}

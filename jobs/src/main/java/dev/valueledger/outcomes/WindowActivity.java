package dev.valueledger.outcomes;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.make_dt_interval;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

/**
 * Product events in time windows [lower_ts, to_ts), timestamp-exact, read from the per-day {@link EventDays}: the
 * accounts with an event in each window and the events of a name in it (OutcomeMeasure's active accounts and
 * event:&lt;name&gt;, CONTRACT §2 Adoption, Outcome attainment).
 */
final class WindowActivity {

    /*
     * Why not a join of events with windows: each event lies in dozens of windows, so that join grows with events x
     * windows (10^8 rows at scale 1). Here a window costs its first and last day's gaps and named events, and a
     * handful of rows of per-day totals, whatever the number of events.
     */

    private WindowActivity() { }

    /**
     * probe_id, accounts: the accounts with an event in [lower_ts, to_ts) of each window (probe_id, lower_ts, to_ts)
     * with lower_ts &lt; to_ts; 0 when none.
     */
    static Dataset<Row> accounts(Dataset<Row> windows, EventDays days, Dataset<Row> events) {
        Dataset<Row> w = windows.filter(col("lower_ts").lt(col("to_ts")))
                .select(col("probe_id"), col("lower_ts"), col("to_ts"),
                        to_date(col("lower_ts")).as("from_day"), to_date(col("to_ts")).as("to_day"));
        Column withinADay = col("from_day").equalTo(col("to_day"));
        return accountsAcrossDays(w.filter(not(withinADay)), days)
                .unionByName(accountsWithinADay(w.filter(withinADay), events));
    }

    /**
     * Accounts with events minus those with a gap spanning the window. A gap that starts before the window's first
     * day and ends after its last spans it whatever the hour, so those are counted per pair of days; only the gaps
     * starting on the first day or ending on the last are compared with the window's bounds.
     */
    private static Dataset<Row> accountsAcrossDays(Dataset<Row> w, EventDays days) {
        Dataset<Row> spanningWholeDays = days.gapCells()
                .join(broadcast(w), col("lo_day").lt(col("from_day")).and(col("hi_day").gt(col("to_day"))))
                .select(col("probe_id"), col("gaps").as("n"));
        // Each gap under the day it starts and the day it ends, so one join on the day finds both edges.
        Dataset<Row> gapEdges = days.gaps().select(col("lo"), col("hi"), col("lo_day"),
                explode(array(struct(col("lo_day").as("day"), lit(true).as("starts")),
                        struct(col("hi_day").as("day"), lit(false).as("starts")))).as("e"));
        Dataset<Row> windowEdges = w.select(col("probe_id"), col("lower_ts"), col("to_ts"), col("from_day"),
                explode(array(struct(col("from_day").as("w_day"), lit(true).as("w_starts")),
                        struct(col("to_day").as("w_day"), lit(false).as("w_starts")))).as("we"));
        Column spans = when(col("e.starts"), col("lo").lt(col("lower_ts")))
                .otherwise(col("lo_day").lt(col("from_day")))
                .and(col("hi").geq(col("to_ts")));
        Dataset<Row> spanningAnEdge = gapEdges
                .join(broadcast(windowEdges), col("e.day").equalTo(col("we.w_day")).and(col("e.starts").equalTo(col("we.w_starts"))))
                .filter(spans)
                .select(col("probe_id"), lit(1L).as("n"));
        Dataset<Row> silent = spanningWholeDays.unionByName(spanningAnEdge)
                .groupBy(col("probe_id").as("s_probe"))
                .agg(sum(col("n")).as("silent"));
        // Every account has exactly one gap after its last event.
        Dataset<Row> withEvents = days.gapCells().filter(col("hi_day").equalTo(to_date(lit(EventDays.AFTER_ALL))))
                .agg(coalesce(sum(col("gaps")), lit(0L)).as("with_events"));
        return w.select(col("probe_id")).crossJoin(withEvents)
                .join(silent, col("probe_id").equalTo(col("s_probe")), "left")
                .select(col("probe_id"), col("with_events").minus(coalesce(col("silent"), lit(0L))).as("accounts"));
    }

    /**
     * A window within one day needs the events themselves, as silences within a day are not kept. The pipeline's
     * windows span days (the active window, window_days, quarters), so none reaches this join.
     */
    private static Dataset<Row> accountsWithinADay(Dataset<Row> w, Dataset<Row> events) {
        return events.select(col("account_id"), col("timestamp"))
                .join(broadcast(w), to_date(col("timestamp")).equalTo(col("from_day"))
                        .and(col("timestamp").geq(col("lower_ts"))).and(col("timestamp").lt(col("to_ts"))))
                .groupBy(col("probe_id"))
                .agg(countDistinct(col("account_id")).as("accounts"));
    }

    /**
     * probe_id, named_events: the events named event_name in [lower_ts, to_ts) of each window (probe_id, lower_ts,
     * to_ts, event_name) with one; whole days from the day's count, the first and last day from the events of
     * {@code events} (event, timestamp) on those days.
     */
    static Dataset<Row> namedEvents(Dataset<Row> windows, EventDays days, Dataset<Row> events) {
        Dataset<Row> w = windows.filter(col("event_name").isNotNull().and(col("lower_ts").lt(col("to_ts"))))
                .select(col("probe_id"), col("event_name"), col("lower_ts"), col("to_ts"),
                        to_date(col("lower_ts")).as("from_day"), to_date(col("to_ts")).as("to_day"));
        Dataset<Row> wholeDays = days.dayEvents()
                .join(broadcast(w), col("event").equalTo(col("event_name"))
                        .and(col("day").gt(col("from_day"))).and(col("day").lt(col("to_day"))))
                .select(col("probe_id"), col("n"));
        // A window's first and last day (one day when they coincide): each event there is compared with the
        // bounds. The join's keys are the name and the day, so an event meets only the windows that start or
        // end on its day.
        Dataset<Row> edges = w.select(col("probe_id"), col("event_name"), col("lower_ts"), col("to_ts"),
                explode(array_distinct(array(col("from_day"), col("to_day")))).as("edge_day"));
        Dataset<Row> onEdges = events.select(col("event"), col("timestamp"))
                .join(broadcast(edges), col("event").equalTo(col("event_name"))
                        .and(to_date(col("timestamp")).equalTo(col("edge_day")))
                        .and(col("timestamp").geq(col("lower_ts"))).and(col("timestamp").lt(col("to_ts"))))
                .select(col("probe_id"), lit(1L).as("n"));
        return wholeDays.unionByName(onEdges)
                .groupBy(col("probe_id"))
                .agg(sum(col("n")).as("named_events"));
    }

    /**
     * probe_id, account_id: the rows of {@code pairs} (probe_id, account_id, to_ts) whose account had an event in
     * the {@code windowDays} days before to_ts. Only a gap longer than the window can span it, and an account has
     * few (before its first event, after its last, before it came back); a silence within a day never spans a
     * window of a day or more.
     */
    static Dataset<Row> activeAmong(Dataset<Row> pairs, EventDays days, int windowDays) {
        Column width = make_dt_interval(lit(windowDays));
        Dataset<Row> longGaps = days.gaps().filter(col("hi").gt(col("lo").plus(width)))
                .select(col("account_id").as("g_account"), col("lo"), col("hi"));
        return pairs.join(longGaps, col("account_id").equalTo(col("g_account"))
                        .and(col("lo").lt(col("to_ts").minus(width))).and(col("hi").geq(col("to_ts"))), "left_anti")
                .select(col("probe_id"), col("account_id"));
    }
}

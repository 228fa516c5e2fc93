package dev.valueledger.delivery;

import dev.valueledger.pipeline.Quarter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.sql.Date;
import java.util.Map;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;

class FlowLoadTest extends DeliveryTestBase {

    private static final Quarter Q = Quarter.parse("2025-Q2", 1);

    /** Lifecycle rows as ItemLifecycle yields them, reduced to what flow load reads. */
    private Dataset<Row> items() {
        return df("item_key STRING, team_id STRING, started_at TIMESTAMP, done_at TIMESTAMP",
                // started before the quarter, done April 3rd 10:00: in progress at the end of Apr 1 and Apr 2 -> 2
                row("L-1", "T1", ts("2025-03-20T00:00:00Z"), ts("2025-04-03T10:00:00Z")),
                // started April 10th 23:59:59 UTC, done exactly at midnight April 12th: Apr 10, Apr 11 -> 2
                row("L-2", "T1", ts("2025-04-10T23:59:59Z"), ts("2025-04-12T00:00:00Z")),
                // started and done within one day: never in progress at a day's end -> 0
                row("L-3", "T1", ts("2025-05-05T08:00:00Z"), ts("2025-05-05T17:00:00Z")),
                // started June 29th 23:30 at -01:00 = June 30th 00:30 UTC, open: June 30 only -> 1
                row("L-4", "T1", ts("2025-06-29T23:30:00-01:00"), null),
                // never started: no load
                row("L-5", "T1", null, ts("2025-05-01T00:00:00Z")),
                // started after the quarter -> 0
                row("L-6", "T1", ts("2025-07-01T00:00:00Z"), null),
                // other team: open all quarter -> 91
                row("L-7", "T2", ts("2025-01-01T00:00:00Z"), null));
    }

    @Test
    void meanOfDailyLoadsOverTheQuarter() {
        Map<String, Row> out = byKey(FlowLoad.teamQuarter(items(), Q), "team_id");
        // Q2 2025 has 30 + 31 + 30 = 91 days; T1: (2 + 2 + 0 + 1) / 91
        assertEquals(5.0 / 91.0, out.get("T1").<Double>getAs("flow_load"), EPS);
        assertEquals(1.0, out.get("T2").<Double>getAs("flow_load"), EPS);
    }

    @Test
    void agreesWithCountingEveryDayOfTheQuarter() {
        // Independent check: explode the quarter's days and count, per day, the items started
        // before the next midnight and not done before it; then average over the days.
        Dataset<Row> days = spark().range(1).select(explode(sequence(lit(Date.valueOf(Q.start())),
                lit(Date.valueOf(Q.end().minusDays(1))))).as("day"));
        Dataset<Row> items = items();
        Dataset<Row> teams = items.select("team_id").distinct();
        org.apache.spark.sql.Column nextMidnight = to_timestamp(date_add(col("day"), 1));
        Dataset<Row> daily = teams.crossJoin(days)
                .join(items.filter(col("started_at").isNotNull()), "team_id")
                .groupBy("team_id", "day")
                .agg(count(when(col("started_at").lt(nextMidnight)
                        .and(coalesce(col("done_at").geq(nextMidnight), lit(true))), lit(1))).as("load"))
                .groupBy("team_id").agg(avg(col("load")).as("expected"));
        Map<String, Row> expected = byKey(daily, "team_id");
        Map<String, Row> actual = byKey(FlowLoad.teamQuarter(items, Q), "team_id");
        for (String team : expected.keySet()) {
            assertEquals(expected.get(team).<Double>getAs("expected"), actual.get(team).<Double>getAs("flow_load"), EPS, team);
        }
    }
}

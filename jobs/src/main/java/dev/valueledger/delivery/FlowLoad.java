package dev.valueledger.delivery;

import dev.valueledger.pipeline.Quarter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.sql.Date;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

/** Flow load per team in a quarter: mean over the quarter's UTC days of items started before the next midnight and not done before it (CONTRACT §2 Flow Framework). */
public final class FlowLoad {

    private FlowLoad() { }

    /**
     * Columns team_id, flow_load for the teams with any item in progress during the quarter.
     * Rather than exploding items over days, each item contributes the number of quarter days d
     * with started_at < midnight(d+1) and not done_at < midnight(d+1), i.e. the dates from
     * date(started_at) to date(done_at) - 1 (or to the quarter's end when not done); the sum of
     * those counts over the quarter's day count is the mean of the daily loads.
     */
    public static Dataset<Row> teamQuarter(Dataset<Row> lifecycle, Quarter q) {
        Column firstDay = greatest(to_date(col("started_at")), lit(Date.valueOf(q.start())));
        Column lastQuarterDay = lit(Date.valueOf(q.end().minusDays(1)));
        Column lastDay = when(col("done_at").isNull(), lastQuarterDay)
                .otherwise(least(lastQuarterDay, date_sub(to_date(col("done_at")), 1)));
        Column loadDays = greatest(datediff(lastDay, firstDay).plus(1), lit(0));
        return lifecycle.filter(col("started_at").isNotNull())
                .groupBy("team_id")
                .agg(sum(loadDays).divide((double) q.days()).as("flow_load"));
    }
}

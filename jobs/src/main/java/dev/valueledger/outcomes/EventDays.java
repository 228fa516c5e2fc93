package dev.valueledger.outcomes;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import java.time.Instant;
import java.util.function.UnaryOperator;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

/**
 * The product events summed up per UTC day, once per run, for every outcome window to read (OutcomeMeasure's
 * active accounts, adoption and event:&lt;name&gt; figures, CONTRACT §2 Adoption, Outcome attainment).
 *
 * @param gaps      account_id, lo, hi, lo_day, hi_day: each stretch (lo, hi) in which an account had no event
 *                  between two UTC days with events (its last event of the one, its first of the next), and
 *                  before its first and after its last event (lo = {@link #BEFORE_ALL}, hi = {@link #AFTER_ALL});
 *                  an account has no event in a window exactly when one of its gaps spans it, unless the window
 *                  lies within one day (silences within a day are not kept)
 * @param gapCells  lo_day, hi_day, gaps: the number of gaps per pair of days they start and end on
 * @param dayEvents day, event, n: the number of events of each name per day (the first and last day of a window
 *                  are counted from the events themselves, see {@link WindowActivity#namedEvents})
 */
public record EventDays(Dataset<Row> gaps, Dataset<Row> gapCells, Dataset<Row> dayEvents) {

    /** Bounds of the gaps open at either end, so that one comparison covers open and closed gaps alike. */
    static final Instant BEFORE_ALL = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant AFTER_ALL = Instant.parse("9999-12-31T00:00:00Z");

    /**
     * Reads {@code productEvents} (silver) once; {@code reuse} is applied to each table read by several windows
     * and measures (the pipeline computes them once and cuts their lineage).
     */
    public static EventDays of(Dataset<Row> productEvents, UnaryOperator<Dataset<Row>> reuse) {
        Column ts = col("timestamp");
        // Each event twice, once under its account and once under its name, so that a single scan and shuffle
        // give both the account-days and the named-event days (the key that does not apply is null; neither
        // column is nullable in silver). Only fixed-width aggregates: a list of timestamps per key made Spark
        // sort every exploded row by its key once a task held more than 128 keys (docs/benchmark.md, stop 18).
        Dataset<Row> perKey = reuse.apply(productEvents
                .select(to_date(ts).as("day"), ts, explode(array(
                        struct(col("account_id").as("k_account"), lit(null).cast("string").as("k_event")),
                        struct(lit(null).cast("string").as("k_account"), col("event").as("k_event")))).as("k"))
                .groupBy(col("day"), col("k.k_account").as("account_id"), col("k.k_event").as("event"))
                .agg(count(lit(1)).as("n"), min(ts).as("first_ts"), max(ts).as("last_ts")));

        WindowSpec byAccount = Window.partitionBy(col("account_id")).orderBy(col("day"));
        Column gapAfter = struct(col("last_ts").as("lo"), coalesce(col("next_first_ts"), lit(AFTER_ALL)).as("hi"));
        Column gapBefore = struct(lit(BEFORE_ALL).as("lo"), col("first_ts").as("hi"));
        Dataset<Row> gaps = reuse.apply(perKey.filter(col("account_id").isNotNull())
                .withColumn("next_first_ts", lead(col("first_ts"), 1).over(byAccount))
                .withColumn("first_day", lag(col("day"), 1).over(byAccount).isNull())
                .select(col("account_id"),
                        explode(when(col("first_day"), array(gapBefore, gapAfter)).otherwise(array(gapAfter))).as("g"))
                .select(col("account_id"), col("g.lo").as("lo"), col("g.hi").as("hi"),
                        to_date(col("g.lo")).as("lo_day"), to_date(col("g.hi")).as("hi_day")));
        Dataset<Row> gapCells = reuse.apply(gaps.groupBy(col("lo_day"), col("hi_day")).agg(count(lit(1)).as("gaps")));
        Dataset<Row> dayEvents = reuse.apply(perKey.filter(col("event").isNotNull())
                .select(col("day"), col("event"), col("n")));
        return new EventDays(gaps, gapCells, dayEvents);
    }
}

package dev.valueledger.finance;

import dev.valueledger.config.AppConfig;
import dev.valueledger.delivery.StatusCategories;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import java.sql.Timestamp;
import java.time.Instant;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

/** Time each work item spent in active statuses per calendar month (UTC), exact to the microsecond (CONTRACT §2 Status categories, Cost: active item-days). */
public final class ActiveItemDays {

    static final double MICROS_PER_DAY = 86_400_000_000.0;

    private ActiveItemDays() { }

    /**
     * One row per stretch an item spent in an active status, cut at month boundaries: item_key,
     * team_id, epic_key, type, labels, month ('YYYY-MM'), seg_start, seg_end, active_micros. A
     * stretch lasts from its transition to the item's next transition; the last one ends at
     * resolved_at when that comes later, else at {@code asOf} (work still going on is counted up
     * to the end of the period the run covers). Rows typed Epic are not work on the Epic.
     */
    public static Dataset<Row> segments(Dataset<Row> workItems, Dataset<Row> transitions, AppConfig cfg, Instant asOf) {
        Column cutoff = lit(Timestamp.from(asOf));
        WindowSpec order = Window.partitionBy("item_key").orderBy(col("changed_at"), col("to_status"));
        Dataset<Row> items = workItems.filter(not(lower(trim(col("type"))).equalTo("epic")))
                .select(col("item_key"), col("team_id"), col("epic_key"), col("type"), col("labels"), col("resolved_at"));
        Column resolvedLater = when(col("resolved_at").gt(col("changed_at")), col("resolved_at"));
        Dataset<Row> stretches = transitions
                .select(col("item_key"), col("changed_at"),
                        StatusCategories.category(col("to_status"), cfg).as("category"),
                        lead(col("changed_at"), 1).over(order).as("next_at"))
                .filter(col("category").equalTo(StatusCategories.ACTIVE))
                .join(items, "item_key")
                .withColumn("from_at", col("changed_at"))
                .withColumn("to_at", least(coalesce(col("next_at"), resolvedLater, cutoff), cutoff))
                .filter(col("to_at").gt(col("from_at")));

        // Months the stretch touches: from the month of its start to the month of its last instant.
        Column months = sequence(date_trunc("MONTH", col("from_at")),
                date_trunc("MONTH", col("to_at").minus(expr("INTERVAL 1 MICROSECOND"))), expr("INTERVAL 1 MONTH"));
        return stretches.withColumn("month_start", explode(months))
                .withColumn("seg_start", greatest(col("from_at"), col("month_start")))
                .withColumn("seg_end", least(col("to_at"), col("month_start").plus(expr("INTERVAL 1 MONTH"))))
                .select(col("item_key"), col("team_id"), col("epic_key"), col("type"), col("labels"),
                        date_format(col("month_start"), "yyyy-MM").as("month"), col("seg_start"), col("seg_end"),
                        unix_micros(col("seg_end")).minus(unix_micros(col("seg_start"))).as("active_micros"));
    }

    /**
     * item_key, team_id, epic_key, type, labels, month, active_micros (LONG, exact) and
     * active_days (DOUBLE, fractional days): the {@link #segments} summed per item and month.
     */
    public static Dataset<Row> compute(Dataset<Row> workItems, Dataset<Row> transitions, AppConfig cfg, Instant asOf) {
        return ofSegments(segments(workItems, transitions, cfg, asOf));
    }

    /** {@link #compute} from {@link #segments} already computed. */
    public static Dataset<Row> ofSegments(Dataset<Row> segments) {
        return segments
                .groupBy(col("item_key"), col("team_id"), col("epic_key"), col("type"), col("labels"), col("month"))
                .agg(sum(col("active_micros")).as("active_micros"))
                .withColumn("active_days", col("active_micros").divide(MICROS_PER_DAY));
    }
}

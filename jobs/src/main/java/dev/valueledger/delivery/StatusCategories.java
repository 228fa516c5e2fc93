package dev.valueledger.delivery;

import dev.valueledger.config.AppConfig;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

/** Workflow status to its category (todo, active, waiting, done), unknown statuses as active and reported (CONTRACT §2 Status categories). */
public final class StatusCategories {

    public static final String TODO = "todo";
    public static final String ACTIVE = "active";
    public static final String WAITING = "waiting";
    public static final String DONE = "done";

    private StatusCategories() { }

    /** The category of a status column; null status stays null (a first transition has no from_status). */
    public static Column category(Column status, AppConfig cfg) {
        Column key = lower(trim(status));
        Column mapped = null;
        for (String category : List.of(TODO, WAITING, DONE, ACTIVE)) {
            Object[] statuses = statusesOf(cfg, category).toArray();
            if (statuses.length == 0) {
                continue;
            }
            mapped = mapped == null ? when(key.isin(statuses), category) : mapped.when(key.isin(statuses), category);
        }
        // CONTRACT §2: a status no mapping names counts as active (work is going on that the
        // configuration does not know about, which is likelier than it sitting idle).
        Column withDefault = mapped == null ? lit(ACTIVE) : mapped.otherwise(ACTIVE);
        return when(status.isNull(), lit(null).cast("string")).otherwise(withDefault);
    }

    /**
     * Statuses (as written) of work items and transitions that no mapping names, with how often
     * each occurs (columns status, occurrences), for data_quality_results.
     */
    public static Dataset<Row> unmapped(Dataset<Row> workItems, Dataset<Row> transitions, AppConfig cfg) {
        Object[] known = cfg.statusCategories().keySet().toArray();
        Dataset<Row> seen = workItems.select(col("status"))
                .unionAll(transitions.select(col("to_status").as("status")))
                .unionAll(transitions.select(col("from_status").as("status")))
                .filter(col("status").isNotNull());
        return seen.filter(not(lower(trim(col("status"))).isin(known)))
                .groupBy("status").agg(count(lit(1)).as("occurrences"));
    }

    private static List<String> statusesOf(AppConfig cfg, String category) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : cfg.statusCategories().entrySet()) {
            if (e.getValue().equals(category)) {
                out.add(e.getKey());
            }
        }
        out.sort(String::compareTo);
        return out;
    }
}

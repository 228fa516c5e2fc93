package dev.valueledger.delivery;

import dev.valueledger.config.AppConfig;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

/** Flow item type of each work item: its Epic's investment_category, else the first matching configured rule, else the default (CONTRACT §2 Flow item type). */
public final class FlowItemTypes {

    private FlowItemTypes() { }

    /** The type the configured rules give for an item's type and labels, matched without regard to case. */
    public static Column ruleType(Column type, Column labels, AppConfig.FlowItemTypes rules) {
        Column result = null;
        for (AppConfig.FlowTypeRule rule : rules.rules()) {
            Column matches = lit(false);
            if (!rule.types().isEmpty()) {
                matches = matches.or(coalesce(lower(trim(type)).isin(lowered(rule.types())), lit(false)));
            }
            if (!rule.labels().isEmpty()) {
                Object[] wanted = lowered(rule.labels());
                matches = matches.or(coalesce(exists(labels, l -> lower(trim(l)).isin(wanted)), lit(false)));
            }
            result = result == null ? when(matches, rule.flowType()) : result.when(matches, rule.flowType());
        }
        return result == null ? lit(rules.defaultType()) : result.otherwise(rules.defaultType());
    }

    /**
     * The work items that are flow items (Epics themselves are not: rows typed Epic or whose key
     * is an Epic's key are left out) with a {@code flow_item_type} column.
     */
    public static Dataset<Row> flowItems(Dataset<Row> workItems, Dataset<Row> epics, AppConfig cfg) {
        Dataset<Row> epicCategory = epics.select(col("epic_key").as("_epic"),
                lower(trim(col("investment_category"))).as("_epic_category"));
        Dataset<Row> epicKeys = epics.select(col("epic_key").as("item_key"));
        Dataset<Row> items = workItems
                .filter(not(lower(trim(col("type"))).equalTo("epic")))
                .join(epicKeys, epicKeys.col("item_key").equalTo(workItems.col("item_key")), "left_anti");
        return items.join(epicCategory, items.col("epic_key").equalTo(epicCategory.col("_epic")), "left")
                .withColumn("flow_item_type", coalesce(col("_epic_category"),
                        ruleType(col("type"), col("labels"), cfg.flowItemTypes())))
                .drop("_epic", "_epic_category");
    }

    private static Object[] lowered(List<String> values) {
        return values.stream().map(v -> v.trim().toLowerCase(Locale.ROOT)).sorted().toArray();
    }
}

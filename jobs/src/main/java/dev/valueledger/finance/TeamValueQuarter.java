package dev.valueledger.finance;

import dev.valueledger.config.AppConfig;
import dev.valueledger.delivery.FlowItemTypes;
import dev.valueledger.pipeline.Quarter;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

/** Per team and quarter: cost, keep-the-lights-on cost, investment distribution by category, attributed value, ROI and OKR attainment (CONTRACT §2 Cost, ROI, Flow item type; §3 team_value_quarter). */
public final class TeamValueQuarter {

    /** Investment categories of CONTRACT §1.1, in the order of the share columns. */
    static final List<String> CATEGORIES = List.of("feature", "defect", "risk", "debt", "innovation");
    private static final String MONEY = EpicCost.MONEY;

    public static final TableSpec TABLE = TableSpec.gold("team_value_quarter",
                    "What each team's quarter cost, where it went by investment category, and the value its Epics are credited with (CONTRACT §2 Cost, ROI)")
            .column("team_id", "Team (teams.team_id)")
            .column("quarter", "Reporting quarter YYYY-Qn")
            .column("cost", "Sum of epic_cost_monthly.allocated_cost of the team over the quarter's months: the team's converted cost (CONTRACT §2 Cost)")
            .column("unallocated_cost", "Part of cost on items without an Epic (epic_cost_monthly rows 'unallocated': keep-the-lights-on)")
            .column("attributed_annual_value", "Sum of epic_roi.attributed_annual_value of the Epics the team owns, in the quarter (CONTRACT §2 Attributed MRR); null when none has an estimate")
            .column("roi", "(attributed_annual_value - cost to date of those Epics) / that cost to date, over the team's Epics with an estimate (epic_roi; CONTRACT §2 ROI)")
            .column("share_feature", "Share of cost on feature work: Epics by investment_category, unallocated work by its items' flow item type (CONTRACT §2 Flow item type), split by active item-days")
            .column("share_defect", "Share of cost on defect work, as share_feature")
            .column("share_risk", "Share of cost on risk work, as share_feature")
            .column("share_debt", "Share of cost on debt work, as share_feature")
            .column("share_innovation", "Share of cost on Epics of category innovation (exploration time)")
            .column("share_unclassified", "Share of cost no category applies to: months with cost but no active item-days, and items of Epics missing from epics; the six shares sum to 1")
            .column("okr_attainment", "Team's OKR attainment in the quarter (okr_progress, as given; null when the team has no OKRs)")
            .column("currency", "Reporting currency of every amount (configuration reporting-currency)")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .partitionBy("quarter")
            .key("team_id", "quarter")
            .build();

    private TeamValueQuarter() { }

    /**
     * Rows of {@link #TABLE} (without run_id) per team with cost in one of the quarters.
     *
     * @param epicCost       rows of {@link EpicCost#TABLE}
     * @param itemDays       {@link ActiveItemDays#compute} (item_key, team_id, epic_key, type, labels, month, active_micros)
     * @param dimEpic        dim_epic (epic_key, investment_category)
     * @param epicRoi        rows of {@link EpicRoi#TABLE}
     * @param okrAttainment  team_id, quarter, okr_attainment (may be empty)
     */
    public static Dataset<Row> compute(Dataset<Row> epicCost, Dataset<Row> itemDays, Dataset<Row> dimEpic,
                                       Dataset<Row> epicRoi, Dataset<Row> okrAttainment, List<Quarter> quarters,
                                       AppConfig cfg) {
        Dataset<Row> labels = QuarterMonths.of(epicCost.sparkSession(), quarters).select("quarter");
        Dataset<Row> cost = epicCost.join(labels, "quarter")
                .select(col("team_id"), col("month"), col("quarter"), col("epic_key"), col("allocated_cost"));

        // Epic cost carries its Epic's category; unallocated cost is split over the flow item types
        // of the team-month's items without an Epic, by their active time.
        Dataset<Row> epicCategory = cost.filter(col("epic_key").notEqual(EpicCost.UNALLOCATED))
                .join(dimEpic.select(col("epic_key"), lower(trim(col("investment_category"))).as("category")), "epic_key", "left")
                .select(col("team_id"), col("quarter"), col("category"), col("allocated_cost").as("category_cost"));
        Dataset<Row> unallocatedTypes = itemDays.filter(col("epic_key").isNull())
                .withColumn("category", FlowItemTypes.ruleType(col("type"), col("labels"), cfg.flowItemTypes()))
                .groupBy(col("team_id"), col("month"), col("category"))
                .agg(sum(col("active_micros")).as("type_micros"))
                .withColumn("month_micros", sum(col("type_micros")).over(Window.partitionBy("team_id", "month")));
        Dataset<Row> unallocatedCategory = cost.filter(col("epic_key").equalTo(EpicCost.UNALLOCATED))
                .join(unallocatedTypes, EpicCost.joinKeys(List.of("team_id", "month")), "left")
                .select(col("team_id"), col("quarter"), col("category"),
                        when(col("month_micros").gt(0), col("allocated_cost").multiply(col("type_micros"))
                                .divide(col("month_micros"))).otherwise(col("allocated_cost")).as("category_cost"));

        List<Column> shares = new ArrayList<>();
        for (String c : CATEGORIES) {
            shares.add(share(col("category").equalTo(c), "share_" + c));
        }
        shares.add(share(col("category").isNull().or(not(col("category").isin(CATEGORIES.toArray()))),
                "share_unclassified"));
        Dataset<Row> distribution = epicCategory.unionByName(unallocatedCategory)
                .groupBy(col("team_id"), col("quarter"))
                .agg(shares.get(0), shares.subList(1, shares.size()).toArray(new Column[0]));

        Dataset<Row> totals = cost.groupBy(col("team_id"), col("quarter"))
                .agg(sum(col("allocated_cost")).cast(MONEY).as("cost"),
                        sum(when(col("epic_key").equalTo(EpicCost.UNALLOCATED), col("allocated_cost")).otherwise(lit(0)))
                                .cast(MONEY).as("unallocated_cost"));
        Dataset<Row> valued = epicRoi.filter(col("attributed_annual_value").isNotNull())
                .groupBy(col("team_id"), col("quarter"))
                .agg(sum(col("attributed_annual_value")).cast(MONEY).as("attributed_annual_value"),
                        sum(col("cost_to_date")).as("cost_to_date"))
                .withColumn("roi", EpicRoi.roi(col("attributed_annual_value")));

        Dataset<Row> out = totals.join(distribution, EpicCost.joinKeys(List.of("team_id", "quarter")), "left")
                .join(valued, EpicCost.joinKeys(List.of("team_id", "quarter")), "left")
                .join(okrAttainment.select("team_id", "quarter", "okr_attainment"), EpicCost.joinKeys(List.of("team_id", "quarter")), "left");
        for (String c : CATEGORIES) {
            out = out.withColumn("share_" + c, ratio(col("share_" + c)));
        }
        return out.withColumn("share_unclassified", ratio(col("share_unclassified")))
                .withColumn("currency", lit(cfg.reportingCurrency()))
                .select("team_id", "quarter", "cost", "unallocated_cost", "attributed_annual_value", "roi",
                        "share_feature", "share_defect", "share_risk", "share_debt", "share_innovation",
                        "share_unclassified", "okr_attainment", "currency");
    }

    /** The cost of the matching category, still to be divided by the team's quarter cost. */
    private static Column share(Column matches, String name) {
        return sum(when(matches, col("category_cost")).otherwise(lit(0))).as(name);
    }

    private static Column ratio(Column categoryCost) {
        return when(col("cost").notEqual(0), categoryCost.divide(col("cost"))).cast("double");
    }
}

package dev.valueledger.finance;

import dev.valueledger.config.AppConfig;
import dev.valueledger.pipeline.Quarter;
import dev.valueledger.publish.TableSpec;
import dev.valueledger.revenue.ReportingCurrency;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.math.BigDecimal;
import java.util.List;

import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

/** Each team's month cost shared among its Epics and unallocated work by active item-days, with the capitalisable part (CONTRACT §2 Cost; §3 epic_cost_monthly). */
public final class EpicCost {

    /** epic_key of work on items without an Epic (keep-the-lights-on). */
    public static final String UNALLOCATED = "unallocated";
    /** Effort shares are split in units of 10^-12 so they too add up to exactly 1. */
    private static final BigDecimal SHARE_UNITS = new BigDecimal("1000000000000");
    static final String SHARE_TYPE = "decimal(13,12)";
    static final String MONEY = ReportingCurrency.MONEY_TYPE;

    public static final TableSpec TABLE = TableSpec.gold("epic_cost_monthly",
                    "Cost of each Epic (and of unallocated work) per team and month, shared by active item-days, with its capitalisable part (CONTRACT §2 Cost)")
            .column("epic_key", "Epic of the items (work_items.epic_key); 'unallocated' for items without an Epic (keep-the-lights-on) and for a team-month with cost but no active item-days")
            .column("team_id", "Team whose cost this is (work_items.team_id of the items; team_costs.team_id)")
            .column("month", "Calendar month YYYY-MM (UTC)")
            .column("effort_share", "active_item_days of the Epic's items / the team's active item-days in the month; largest-remainder rounded to 1e-12 so a team-month's shares sum to exactly 1 (CONTRACT §2 Cost)")
            .column("allocated_cost", "The team's month cost (team_costs.loaded_cost at the month's rate, else the latest earlier one, rounded half-even to the cent) x effort share; cents split by largest remainder, ties to the smallest epic_key, so a team-month sums to its cost exactly (CONTRACT §2 Cost)")
            .column("capitalizable_cost", "allocated_cost x (active time inside the Epic's development window [first item start, released_at) / active time), rounded half-even to the cent, for Epics the capitalisation policy or their override marks capitalisable; else 0 (CONTRACT §2 Cost)")
            .column("active_item_days", "Days the team's items of the Epic spent in active statuses in the month, exact fractions (CONTRACT §2 Cost: active item-days)")
            .column("capitalization_rule", "Rule that decided capitalizable_cost: policy_category, epic_override_true, epic_override_false, not_capitalizable_category, outside_development_window, unallocated_work or unknown_epic")
            .column("team_cost", "The team's whole month cost in the reporting currency, the amount the month's rows share")
            .column("currency", "Reporting currency of every amount (configuration reporting-currency)")
            .column("quarter", "Quarter of the month (YYYY-Qn, fiscal when configured)")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .partitionBy("quarter")
            .key("epic_key", "team_id", "month")
            .build();

    private EpicCost() { }

    /**
     * Rows of {@link #TABLE} (without run_id) for every team-month in team_costs.
     *
     * @param segments  {@link ActiveItemDays#segments}
     * @param teamCosts silver team_costs
     * @param fxRates   silver fx_rates
     * @param policy    {@link Capitalisation#policy}
     */
    public static Dataset<Row> compute(Dataset<Row> segments, Dataset<Row> teamCosts, Dataset<Row> fxRates,
                                       Dataset<Row> policy, AppConfig cfg) {
        Dataset<Row> work = segments.join(policy, "epic_key", "left")
                .withColumn("cap_micros", Capitalisation.capitalizableMicros(col("seg_start"), col("seg_end")))
                .groupBy(col("team_id"), col("month"), coalesce(col("epic_key"), lit(UNALLOCATED)).as("epic_key"))
                .agg(sum(col("active_micros")).as("active_micros"), sum(col("cap_micros")).as("cap_micros"),
                        max(col("policy_rule")).as("policy_rule"));

        Dataset<Row> costs = ReportingCurrency.withRate(
                        teamCosts.select(col("team_id"), col("month"), col("currency"), col("loaded_cost")), fxRates, cfg)
                .select(col("team_id"), col("month"),
                        bround(col("loaded_cost").multiply(col("rate")), 2).cast(MONEY).as("team_cost"));

        List<String> teamMonth = List.of("team_id", "month");
        Dataset<Row> withDays = costs.join(work, joinKeys(teamMonth));
        // A month the team was paid for but logged no active time is all keep-the-lights-on.
        Dataset<Row> withoutDays = costs.join(work.select("team_id", "month").distinct(), joinKeys(teamMonth), "left_anti")
                .withColumn("epic_key", lit(UNALLOCATED))
                .withColumn("active_micros", lit(0L))
                .withColumn("cap_micros", lit(0L))
                .withColumn("policy_rule", lit(null).cast("string"));
        Dataset<Row> rows = withDays.unionByName(withoutDays)
                .withColumn("weight", when(col("active_micros").gt(0), col("active_micros")).otherwise(lit(1L)));

        Dataset<Row> cents = LargestRemainder.allocate(rows, teamMonth, col("weight"),
                col("team_cost").multiply(lit(100)), "epic_key", "cents");
        Dataset<Row> shared = LargestRemainder.allocate(cents, teamMonth, col("weight"),
                lit(SHARE_UNITS), "epic_key", "share_units");

        Column allocated = col("cents").divide(lit(100)).cast(MONEY);
        Column capitalizable = when(col("active_micros").gt(0),
                bround(col("allocated_cost").multiply(col("cap_micros")).divide(col("active_micros")), 2))
                .otherwise(lit(0)).cast(MONEY);
        return shared
                .withColumn("allocated_cost", allocated)
                .withColumn("capitalizable_cost", capitalizable)
                .select(col("epic_key"), col("team_id"), col("month"),
                        // narrow operands first: a decimal(38,0) dividend would leave the quotient only 6 places
                        col("share_units").cast("decimal(13,0)").divide(lit(SHARE_UNITS).cast("decimal(13,0)"))
                                .cast(SHARE_TYPE).as("effort_share"),
                        col("allocated_cost"), col("capitalizable_cost"),
                        col("active_micros").divide(ActiveItemDays.MICROS_PER_DAY).as("active_item_days"),
                        Capitalisation.rule(col("epic_key"), col("policy_rule"), col("cap_micros")).as("capitalization_rule"),
                        col("team_cost"), lit(cfg.reportingCurrency()).as("currency"),
                        quarterOfMonth(col("month"), cfg).as("quarter"));
    }

    /** Reporting quarter of a 'YYYY-MM' month. */
    static Column quarterOfMonth(Column month, AppConfig cfg) {
        return Quarter.labelOf(to_date(concat(month, lit("-01"))), cfg.fiscalYearStartMonth());
    }

    /** Column names as the Scala sequence Dataset.join takes for an equi-join on same-named columns. */
    static scala.collection.Seq<String> joinKeys(List<String> cols) {
        return scala.collection.JavaConverters.asScalaBuffer(new java.util.ArrayList<>(cols)).toSeq();
    }
}

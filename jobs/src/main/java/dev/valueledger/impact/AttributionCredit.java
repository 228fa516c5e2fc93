package dev.valueledger.impact;

import dev.valueledger.config.AppConfig;
import dev.valueledger.pipeline.Quarter;
import dev.valueledger.revenue.MrrMovements;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

/** Attributed MRR of a quarter's Epics capped at the realised new + expansion + reactivation MRR of the accounts they treated, by one common scale factor (CONTRACT §2 Attributed MRR; §3 epic_impact). */
public final class AttributionCredit {

    static final String MONEY = "decimal(20,2)";
    static final String FACTOR = "decimal(10,6)";
    private static final BigDecimal FACTOR_UNITS = new BigDecimal("1000000");

    /**
     * {@code impact}: epic_impact with attributed_mrr scaled and scale_factor set on every row of
     * the quarter. {@code quarters}: per quarter with any mrr estimate: quarter,
     * treated_realised_growth, attributed_before_scaling, positive_attributed, scale_factor,
     * attributed_total (sum of the scaled attributed_mrr) and unattributed_treated
     * (treated_realised_growth - attributed_total).
     */
    public record Result(Dataset<Row> impact, Dataset<Row> quarters) { }

    private AttributionCredit() { }

    /**
     * Negative attributed MRR (an Epic that cost revenue) is kept and never raises the others:
     * the test is whether the sum of the positive amounts exceeds the realised growth, and then
     * factor = realised / positive sum, floored to 1e-6, applies to every Epic, negative ones
     * included. Scaled amounts are floored to the cent. Both floors keep the scaled sum at or
     * below the realised growth (sum of floor(a x f) <= f x sum(a) <= f x positive sum <=
     * realised), which finance relies on.
     *
     * @param epicImpact       epic_impact rows (quarter, epic_key, outcome, n_treated, attributed_mrr, scale_factor, ...)
     * @param adoptions        {@code product.Adoption.cohorts}: epic_key, account_id, cohort_month 'YYYY-MM'
     * @param movementsAccount mrr_movements_account rows: account_id, movement, amount, quarter
     */
    public static Result apply(Dataset<Row> epicImpact, Dataset<Row> adoptions, Dataset<Row> movementsAccount,
                               AppConfig cfg) {
        Dataset<Row> mrr = epicImpact.filter(col("outcome").equalTo("mrr"));
        Column cohortQuarter = Quarter.labelOf(to_date(concat(col("cohort_month"), lit("-01"))), cfg.fiscalYearStartMonth());
        // An account counts once per quarter however many Epics treated it, and only once treated
        // ('YYYY-Qn' labels order like the quarters they name).
        Dataset<Row> treated = mrr.select(col("quarter"), col("epic_key")).distinct()
                .join(adoptions.select(col("epic_key"), col("account_id"), cohortQuarter.as("cohort_quarter")), "epic_key")
                .filter(col("cohort_quarter").leq(col("quarter")))
                .select(col("quarter"), col("account_id")).distinct();
        Dataset<Row> growth = movementsAccount
                .filter(col("movement").isin(MrrMovements.NEW, MrrMovements.EXPANSION, MrrMovements.REACTIVATION))
                .select(col("account_id"), col("quarter"), col("amount"));
        Dataset<Row> realised = treated.join(growth, Cols.seq(List.of("quarter", "account_id")))
                .groupBy(col("quarter")).agg(sum(col("amount")).as("_realised"));

        Column realisedGrowth = coalesce(col("_realised"), lit(0)).cast(MONEY);
        Column positive = col("positive_attributed");
        // floor(realised / positive, 6 places) by exact integer arithmetic: a rounded quotient
        // could round up and let the scaled sum pass the realised growth by a cent.
        Column numerator = col("treated_realised_growth").multiply(lit(FACTOR_UNITS));
        Column flooredUnits = numerator.minus(pmod(numerator, positive)).divide(positive);
        Column factor = when(positive.gt(col("treated_realised_growth")),
                greatest(flooredUnits, lit(0)).divide(lit(FACTOR_UNITS))).otherwise(lit(1)).cast(FACTOR);
        Dataset<Row> factors = mrr.groupBy(col("quarter"))
                .agg(sum(col("attributed_mrr")).cast(MONEY).as("attributed_before_scaling"),
                        sum(when(col("attributed_mrr").gt(0), col("attributed_mrr")).otherwise(lit(0))).cast(MONEY)
                                .as("positive_attributed"))
                .join(realised, "quarter", "left")
                .withColumn("treated_realised_growth", realisedGrowth)
                .withColumn("scale_factor", factor)
                .drop("_realised");

        Column scaled = when(col("_factor").lt(1),
                floor(col("attributed_mrr").multiply(col("_factor")).multiply(lit(100))).divide(lit(100)))
                .otherwise(col("attributed_mrr")).cast(MONEY);
        Dataset<Row> impact = epicImpact
                .join(factors.select(col("quarter"), col("scale_factor").as("_factor")), "quarter", "left")
                .withColumn("attributed_mrr", scaled)
                .withColumn("scale_factor", coalesce(col("_factor"), lit(1)).cast(FACTOR))
                .drop("_factor")
                .select(Arrays.stream(epicImpact.columns()).map(c -> col(c)).toArray(Column[]::new));

        Dataset<Row> totals = impact.filter(col("outcome").equalTo("mrr")).groupBy(col("quarter"))
                .agg(sum(col("attributed_mrr")).cast(MONEY).as("attributed_total"));
        Dataset<Row> quarters = factors.join(totals, "quarter")
                .withColumn("unattributed_treated", col("treated_realised_growth").minus(col("attributed_total")).cast(MONEY))
                .select("quarter", "treated_realised_growth", "attributed_before_scaling", "positive_attributed",
                        "scale_factor", "attributed_total", "unattributed_treated");
        return new Result(impact, quarters);
    }
}

package dev.valueledger.revenue;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.when;

/**
 * The balanced account x month panel of MRR and absorbing activity the impact estimator reads
 * (CONTRACT §2 Impact: churned accounts stay with zeros, churn is absorbing).
 */
public final class AccountMonthPanel {

    /** Segment of an account that is billed but absent from accounts, so its MRR still counts. */
    public static final String UNKNOWN_SEGMENT = "unknown";

    private AccountMonthPanel() { }

    /**
     * account_id, month, mrr DECIMAL(20,2), active INT, segment, plan: every account x every month
     * from the first month with any MRR to {@code lastMonth} ('YYYY-MM', inclusive), mrr 0 where
     * none. active = 1 while mrr > 0, and 0 before the first MRR and from the first month MRR
     * falls to 0 or below after having been positive, even if it later comes back.
     */
    public static Dataset<Row> build(Dataset<Row> accountMrr, Dataset<Row> accounts, String lastMonth) {
        Dataset<Row> known = accounts.select(col("account_id"), col("segment"), col("plan"));
        // Lines of accounts missing from accounts still belong in total MRR, or movements would
        // not tie to the invoice lines; they carry segment 'unknown'.
        Dataset<Row> unknown = accountMrr.select(col("account_id")).distinct()
                .join(known, "account_id", "left_anti")
                .select(col("account_id"), lit(UNKNOWN_SEGMENT).as("segment"), lit(null).cast("string").as("plan"));
        Dataset<Row> panelAccounts = known.unionByName(unknown);

        Dataset<Row> months = accountMrr.agg(min(col("month")).as("first_month"))
                .filter(col("first_month").leq(lit(lastMonth)))
                .select(explode(sequence(Months.firstDay(col("first_month")), Months.firstDay(lit(lastMonth)),
                        expr("INTERVAL 1 MONTH"))).as("month_start"))
                .select(date_format(col("month_start"), "yyyy-MM").as("month"));

        Dataset<Row> billed = accountMrr.select(col("account_id").as("billed_account"), col("month").as("billed_month"),
                col("mrr").as("billed"));
        Dataset<Row> grid = panelAccounts.crossJoin(months)
                .join(billed, col("account_id").equalTo(col("billed_account"))
                        .and(col("month").equalTo(col("billed_month"))), "left")
                .withColumn("mrr", coalesce(col("billed"), lit(0)).cast(FxRates.MONEY_TYPE));

        WindowSpec account = Window.partitionBy(col("account_id"));
        Column firstPaying = min(when(col("mrr").gt(0), col("month"))).over(account);
        Column firstChurned = min(when(col("mrr").leq(0).and(col("month").gt(col("first_paying"))), col("month")))
                .over(account);
        Column active = when(col("month").geq(col("first_paying"))
                .and(col("first_churned").isNull().or(col("month").lt(col("first_churned")))), 1).otherwise(0);
        return grid.withColumn("first_paying", firstPaying)
                .withColumn("first_churned", firstChurned)
                .select(col("account_id"), col("month"), col("mrr"), active.cast("int").as("active"),
                        col("segment"), col("plan"));
    }
}

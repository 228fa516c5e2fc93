package dev.valueledger.impact;

import dev.valueledger.pipeline.Quarter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

/** Per Epic, mean post-release MRR of adopters minus other accounts: the biased comparison Impact replaces (CONTRACT §2 Impact). */
public final class NaiveComparison {

    // Adopters count from their own adoption month, others from the Epic's first adoption, both
    // up to the quarter's last month. Accounts that adopt differ from those that do not, so this
    // mixes the effect with selection; tests and the lead use it to show that bias.

    private NaiveComparison() { }

    /** Columns: epic_key, adopters_mean_mrr, others_mean_mrr, naive_difference (DECIMAL, reporting currency). */
    public static Dataset<Row> compute(Dataset<Row> accountMonthly, Dataset<Row> adoptions, Quarter q) {
        String lastMonth = Periods.monthLabel(q.end().getYear() * 12 + q.end().getMonthValue() - 2);
        Dataset<Row> adopted = adoptions.groupBy("epic_key", "account_id").agg(min("cohort_month").as("cohort_month"));
        Dataset<Row> release = adopted.groupBy("epic_key").agg(min("cohort_month").as("release_month"));
        Dataset<Row> rows = release.join(accountMonthly,
                        accountMonthly.col("month").geq(col("release_month")).and(accountMonthly.col("month").leq(lastMonth)))
                .join(adopted, Cols.seq(List.of("epic_key", "account_id")), "left");
        Column adopter = col("cohort_month").isNotNull().and(col("month").geq(col("cohort_month")));
        Column other = col("cohort_month").isNull();
        return rows.groupBy("epic_key")
                .agg(avg(when(adopter, col("mrr"))).as("adopters_mean_mrr"), avg(when(other, col("mrr"))).as("others_mean_mrr"))
                .withColumn("naive_difference", col("adopters_mean_mrr").minus(col("others_mean_mrr")));
    }
}

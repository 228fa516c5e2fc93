package dev.valueledger.revenue;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

/** An account's MRR for a month: the sum of its lines' rounded contributions (CONTRACT §2 MRR). */
public final class AccountMrr {

    private AccountMrr() { }

    /** account_id, month ('YYYY-MM'), mrr DECIMAL(20,2) from {@link MrrContributions#compute}. */
    public static Dataset<Row> compute(Dataset<Row> contributions) {
        return contributions.groupBy(col("account_id"), col("month"))
                .agg(sum(col("contribution")).cast(FxRates.MONEY_TYPE).as("mrr"));
    }
}

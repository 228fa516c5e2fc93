package dev.valueledger.revenue;

import dev.valueledger.SparkTestBase;
import dev.valueledger.ingest.Source;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Timestamp;

import static org.apache.spark.sql.functions.col;

class MrrMovementsTest extends SparkTestBase {

    private static final String MRR = "account_id STRING, month STRING, mrr DECIMAL(20,2)";

    private static BigDecimal eur(String v) {
        return new BigDecimal(v);
    }

    /**
     * a (smb): Jan 100, Feb 150, Mar 120, Apr none, May 80 -> new, expansion, contraction, churn, reactivation.
     * b (smb): Feb 50 only -> new in Feb, churn in Mar. c (ent): never billed. z: billed, not in accounts.
     */
    private Dataset<Row> accountMrr() {
        return df(MRR,
                row("a", "2025-01", eur("100.00")), row("a", "2025-02", eur("150.00")),
                row("a", "2025-03", eur("120.00")), row("a", "2025-05", eur("80.00")),
                row("b", "2025-02", eur("50.00")),
                row("z", "2025-03", eur("10.00")));
    }

    private Dataset<Row> accounts() {
        Timestamp t = Timestamp.valueOf("2024-06-01 00:00:00");
        return df(Source.ACCOUNTS.silverSchema().toDDL(),
                row("a", t, "smb", "eu", "pro"),
                row("b", t, "smb", "eu", "basic"),
                row("c", t, "ent", "us", "pro"));
    }

    private Dataset<Row> panel() {
        return AccountMonthPanel.build(accountMrr(), accounts(), "2025-05");
    }

    private Dataset<Row> loose(Dataset<Row> d) {
        StructField[] f = d.schema().fields().clone();
        for (int i = 0; i < f.length; i++) {
            f[i] = new StructField(f[i].name(), f[i].dataType(), true, f[i].metadata());
        }
        return spark().createDataFrame(d.javaRDD(), new StructType(f));
    }

    @Test
    void panelIsBalancedWithZerosAndAbsorbingChurn() {
        // 4 accounts (a, b, c, z) x 5 months (Jan, the first month with MRR, to May) = 20 rows.
        // a: active Jan-Mar, 0 from Apr on although May has MRR again (churn is absorbing).
        // b: 0 in Jan (before its first MRR), 1 in Feb, 0 after. c: never active. z: 'unknown' segment.
        String ddl = "account_id STRING, month STRING, mrr DECIMAL(20,2), active INT, segment STRING, plan STRING";
        Dataset<Row> expected = df(ddl,
                row("a", "2025-01", eur("100.00"), 1, "smb", "pro"), row("a", "2025-02", eur("150.00"), 1, "smb", "pro"),
                row("a", "2025-03", eur("120.00"), 1, "smb", "pro"), row("a", "2025-04", eur("0.00"), 0, "smb", "pro"),
                row("a", "2025-05", eur("80.00"), 0, "smb", "pro"),
                row("b", "2025-01", eur("0.00"), 0, "smb", "basic"), row("b", "2025-02", eur("50.00"), 1, "smb", "basic"),
                row("b", "2025-03", eur("0.00"), 0, "smb", "basic"), row("b", "2025-04", eur("0.00"), 0, "smb", "basic"),
                row("b", "2025-05", eur("0.00"), 0, "smb", "basic"),
                row("c", "2025-01", eur("0.00"), 0, "ent", "pro"), row("c", "2025-02", eur("0.00"), 0, "ent", "pro"),
                row("c", "2025-03", eur("0.00"), 0, "ent", "pro"), row("c", "2025-04", eur("0.00"), 0, "ent", "pro"),
                row("c", "2025-05", eur("0.00"), 0, "ent", "pro"),
                row("z", "2025-01", eur("0.00"), 0, "unknown", null), row("z", "2025-02", eur("0.00"), 0, "unknown", null),
                row("z", "2025-03", eur("10.00"), 1, "unknown", null), row("z", "2025-04", eur("0.00"), 0, "unknown", null),
                row("z", "2025-05", eur("0.00"), 0, "unknown", null));
        assertSameRows(loose(expected), loose(panel()));
    }

    @Test
    void eachMovementOnceWithItsSign() {
        String ddl = "account_id STRING, month STRING, segment STRING, mrr_start DECIMAL(20,2), mrr_end DECIMAL(20,2), "
                + "movement STRING, amount DECIMAL(20,2)";
        Dataset<Row> expected = df(ddl,
                row("a", "2025-01", "smb", eur("0.00"), eur("100.00"), "new", eur("100.00")),
                row("a", "2025-02", "smb", eur("100.00"), eur("150.00"), "expansion", eur("50.00")),      // 150 - 100
                row("a", "2025-03", "smb", eur("150.00"), eur("120.00"), "contraction", eur("-30.00")),   // 120 - 150
                row("a", "2025-04", "smb", eur("120.00"), eur("0.00"), "churn", eur("-120.00")),          // 0 - 120
                row("a", "2025-05", "smb", eur("0.00"), eur("80.00"), "reactivation", eur("80.00")),      // had MRR before
                row("b", "2025-02", "smb", eur("0.00"), eur("50.00"), "new", eur("50.00")),
                row("b", "2025-03", "smb", eur("50.00"), eur("0.00"), "churn", eur("-50.00")),
                row("z", "2025-03", "unknown", eur("0.00"), eur("10.00"), "new", eur("10.00")),
                row("z", "2025-04", "unknown", eur("10.00"), eur("0.00"), "churn", eur("-10.00")));
        Dataset<Row> actual = MrrMovements.perAccount(panel(), TEST_CONFIG)
                .select("account_id", "month", "segment", "mrr_start", "mrr_end", "movement", "amount");
        assertSameRows(loose(expected), loose(actual));
    }

    @Test
    void monthlySumsPerSegmentAndTheIdentityHoldsOnEveryRow() {
        // smb: Jan 0 +100 new = 100; Feb 100 +50 new (b) +50 expansion (a) = 200;
        // Mar 200 -30 contraction -50 churn = 120; Apr 120 -120 churn = 0; May 0 +80 reactivation = 80.
        // ent (c) is 0 throughout; unknown (z): Mar new 10, Apr churn -10.
        String ddl = "month STRING, segment STRING, mrr_start DECIMAL(20,2), new DECIMAL(20,2), reactivation DECIMAL(20,2), "
                + "expansion DECIMAL(20,2), contraction DECIMAL(20,2), churn DECIMAL(20,2), mrr_end DECIMAL(20,2), currency STRING";
        BigDecimal z = eur("0.00");
        Dataset<Row> expected = df(ddl,
                row("2025-01", "smb", z, eur("100.00"), z, z, z, z, eur("100.00"), "EUR"),
                row("2025-02", "smb", eur("100.00"), eur("50.00"), z, eur("50.00"), z, z, eur("200.00"), "EUR"),
                row("2025-03", "smb", eur("200.00"), z, z, z, eur("-30.00"), eur("-50.00"), eur("120.00"), "EUR"),
                row("2025-04", "smb", eur("120.00"), z, z, z, z, eur("-120.00"), z, "EUR"),
                row("2025-05", "smb", z, z, eur("80.00"), z, z, z, eur("80.00"), "EUR"),
                row("2025-01", "ent", z, z, z, z, z, z, z, "EUR"),
                row("2025-02", "ent", z, z, z, z, z, z, z, "EUR"),
                row("2025-03", "ent", z, z, z, z, z, z, z, "EUR"),
                row("2025-04", "ent", z, z, z, z, z, z, z, "EUR"),
                row("2025-05", "ent", z, z, z, z, z, z, z, "EUR"),
                row("2025-01", "unknown", z, z, z, z, z, z, z, "EUR"),
                row("2025-02", "unknown", z, z, z, z, z, z, z, "EUR"),
                row("2025-03", "unknown", z, eur("10.00"), z, z, z, z, eur("10.00"), "EUR"),
                row("2025-04", "unknown", eur("10.00"), z, z, z, z, eur("-10.00"), z, "EUR"),
                row("2025-05", "unknown", z, z, z, z, z, z, z, "EUR"));
        Dataset<Row> monthly = MrrMovements.monthly(panel(), TEST_CONFIG);
        assertSameRows(loose(expected), loose(monthly.drop("quarter")));
        long broken = monthly.filter(col("new").plus(col("reactivation")).plus(col("expansion"))
                .plus(col("contraction")).plus(col("churn"))
                .notEqual(col("mrr_end").minus(col("mrr_start")))).count();
        Assertions.assertEquals(0, broken, "movements sum to mrr_end - mrr_start on every row");
        Assertions.assertEquals(1, monthly.filter(col("quarter").equalTo("2025-Q2")
                .and(col("month").equalTo("2025-04")).and(col("segment").equalTo("smb"))).count());
    }

    @Test
    void tablesDeclareEveryColumnTheyReceive() {
        // TableSpec.conform fails on a missing column; run_id is filled by the Lakehouse.
        MrrMovements.MONTHLY.conform(MrrMovements.monthly(panel(), TEST_CONFIG).withColumn("run_id", col("month")));
        MrrMovements.ACCOUNT.conform(MrrMovements.perAccount(panel(), TEST_CONFIG).withColumn("run_id", col("month")));
    }
}

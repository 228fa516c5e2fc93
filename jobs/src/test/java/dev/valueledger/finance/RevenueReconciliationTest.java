package dev.valueledger.finance;

import dev.valueledger.pipeline.Quarter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

class RevenueReconciliationTest extends CostFixtures {

    private static final String MONTHLY = "month STRING, segment STRING, mrr_start DECIMAL(20,2), new DECIMAL(20,2), "
            + "reactivation DECIMAL(20,2), expansion DECIMAL(20,2), contraction DECIMAL(20,2), churn DECIMAL(20,2), "
            + "mrr_end DECIMAL(20,2), currency STRING, quarter STRING";

    private static BigDecimal m(String v) {
        return new BigDecimal(v);
    }

    private static Object[] month(String month, String segment, String start, String nw, String react, String exp,
                                  String contr, String churn, String end) {
        return row(month, segment, m(start), m(nw), m(react), m(exp), m(contr), m(churn), m(end), "EUR", "q");
    }

    /**
     * Dec 2024 ends at 100.00 (smb). Jan smb: +50 new, -10 contraction -> 140. Feb smb: +{@code febExpansion}
     * expansion, -20 churn -> 150; ent: +40 new -> 40. Mar smb: +10 reactivation -> 160; ent: -5 contraction -> 35.
     * Q1: mrr_start 100.00, new 50 + 40 = 90, expansion 30, reactivation 10, contraction -15, churn -20,
     * mrr_end 160 + 35 = 195.00; 100 + 90 + 30 + 10 - 15 - 20 = 195. realised 90 + 30 + 10 = 130.00.
     * Contributions and account MRR in Q1: 140 + 190 + 195 = 525.00 each (April's 999 is outside).
     * One-time: Feb 25.00 (April's 10 outside). Invoices: Jan 300.00 + Mar -20.00 = 280.00 (Dec's 77 outside).
     * Credit: 100.00 attributed at factor 0.5, cap 120.00; unattributed 130 - 100 = 30.00.
     */
    private Dataset<Row> reconcile(String febExpansion) {
        Dataset<Row> monthly = df(MONTHLY,
                month("2024-12", "smb", "90.00", "10.00", "0.00", "0.00", "0.00", "0.00", "100.00"),
                month("2025-01", "smb", "100.00", "50.00", "0.00", "0.00", "-10.00", "0.00", "140.00"),
                month("2025-02", "smb", "140.00", "0.00", "0.00", febExpansion, "0.00", "-20.00", "150.00"),
                month("2025-02", "ent", "0.00", "40.00", "0.00", "0.00", "0.00", "0.00", "40.00"),
                month("2025-03", "smb", "150.00", "0.00", "10.00", "0.00", "0.00", "0.00", "160.00"),
                month("2025-03", "ent", "40.00", "0.00", "0.00", "0.00", "-5.00", "0.00", "35.00"));
        Dataset<Row> contributions = df("month STRING, contribution DECIMAL(20,2)",
                row("2025-01", m("100.00")), row("2025-01", m("40.00")), row("2025-02", m("190.00")),
                row("2025-03", m("195.00")), row("2025-04", m("999.00")));
        Dataset<Row> accountMrr = df("account_id STRING, month STRING, mrr DECIMAL(20,2)",
                row("a", "2025-01", m("140.00")), row("a", "2025-02", m("150.00")), row("b", "2025-02", m("40.00")),
                row("a", "2025-03", m("160.00")), row("b", "2025-03", m("35.00")));
        Dataset<Row> oneTime = df("month STRING, one_time_revenue DECIMAL(20,2), currency STRING",
                row("2025-02", m("25.00"), "EUR"), row("2025-04", m("10.00"), "EUR"));
        Dataset<Row> invoices = df("month STRING, invoice_total DECIMAL(20,2), currency STRING",
                row("2024-12", m("77.00"), "EUR"), row("2025-01", m("300.00"), "EUR"), row("2025-03", m("-20.00"), "EUR"));
        Dataset<Row> credit = df("quarter STRING, treated_realised_growth DECIMAL(20,2), attributed_total DECIMAL(20,2), "
                        + "scale_factor DECIMAL(10,6)",
                row("2025-Q1", m("120.00"), m("100.00"), m("0.500000")));
        return RevenueReconciliation.compute(monthly, contributions, accountMrr, oneTime, invoices, credit,
                List.of(Quarter.parse("2025-Q1", 1)), TEST_CONFIG);
    }

    @Test
    void consistentQuarterReconciles() {
        assertMatchesSpec(RevenueReconciliation.TABLE, reconcile("30.00"));
        Dataset<Row> expected = df("quarter STRING, mrr_start DECIMAL(20,2), new DECIMAL(20,2), expansion DECIMAL(20,2), "
                        + "reactivation DECIMAL(20,2), contraction DECIMAL(20,2), churn DECIMAL(20,2), mrr_end DECIMAL(20,2), "
                        + "realised_growth DECIMAL(20,2), treated_realised_growth DECIMAL(20,2), attributed_total DECIMAL(20,2), "
                        + "unattributed DECIMAL(20,2), scale_factor DECIMAL(10,6), one_time_revenue DECIMAL(20,2), "
                        + "invoice_total DECIMAL(20,2), contributions_total DECIMAL(20,2), account_mrr_total DECIMAL(20,2), "
                        + "reconciles BOOLEAN, currency STRING",
                row("2025-Q1", m("100.00"), m("90.00"), m("30.00"), m("10.00"), m("-15.00"), m("-20.00"), m("195.00"),
                        m("130.00"), m("120.00"), m("100.00"), m("30.00"), m("0.500000"), m("25.00"), m("280.00"),
                        m("525.00"), m("525.00"), true, "EUR"));
        assertSameRows(loose(expected), loose(reconcile("30.00")));
    }

    @Test
    void aMovementOffByACentDoesNotReconcile() {
        // Feb expansion 30.01: 100 + 90 + 30.01 + 10 - 15 - 20 = 195.01 != 195.00.
        Row r = reconcile("30.01").select("expansion", "mrr_end", "reconciles").first();
        Assertions.assertEquals(m("30.01"), r.getDecimal(0));
        Assertions.assertEquals(m("195.00"), r.getDecimal(1));
        Assertions.assertFalse(r.getBoolean(2));
    }
}

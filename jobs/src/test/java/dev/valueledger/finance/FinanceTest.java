package dev.valueledger.finance;

import dev.valueledger.ingest.Source;
import dev.valueledger.pipeline.Quarter;
import dev.valueledger.revenue.AccountMonthPanel;
import dev.valueledger.revenue.AccountMrr;
import dev.valueledger.revenue.InvoiceTotals;
import dev.valueledger.revenue.MrrContributions;
import dev.valueledger.revenue.MrrMovements;
import dev.valueledger.revenue.OneTimeRevenue;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Date;
import java.util.List;

class FinanceTest extends CostFixtures {

    private static Object[] line(String id, String account, String kind, String amount, String start, String end) {
        return row("inv-" + id, "1", account, kind, "paid", "EUR", new BigDecimal(amount), Date.valueOf(start), Date.valueOf(end));
    }

    /**
     * Revenue from the revenue package itself: a1 100.00 in Jan, 150.00 in Feb and Mar; a2 80.00 over Feb-Mar
     * (40.00 a month); a3 a one-time 30.00. Q1: mrr_start 0, new 100 + 40 = 140, expansion 50, mrr_end 190.00;
     * invoices 100 + 150 + 150 + 80 + 30 = 510.00, one-time 30.00.
     * Epic E treated a1 (Jan) and a2 (Feb), attributed 150 x 2 = 300.00 > their growth 190.00:
     * factor floor6(190 / 300) = 0.633333, attributed floor(300 x 0.633333 = 189.9999) = 189.99; unattributed 0.01.
     * Cost: team t, Jan 1000.00, all on e1 (E, active Jan 1 -> 11); E released Jan 6: capitalizable 5/10 = 500.00.
     * ROI: (12 x 189.99 = 2279.88 - 1000) / 1000 = 1.27988; payback 1000 / 189.99 = 5.2634 -> 5.26.
     */
    @Test
    void financeTablesFromTheRevenuePackagesOwnOutput() {
        Dataset<Row> lines = df(Source.INVOICE_LINES.silverSchema().toDDL(),
                line("1", "a1", "subscription", "100", "2025-01-01", "2025-02-01"),
                line("2", "a1", "subscription", "150", "2025-02-01", "2025-03-01"),
                line("3", "a1", "subscription", "150", "2025-03-01", "2025-04-01"),
                line("4", "a2", "subscription", "80", "2025-02-01", "2025-04-01"),
                line("5", "a3", "one_time", "30", "2025-02-10", "2025-02-11"));
        Dataset<Row> accounts = df(Source.ACCOUNTS.silverSchema().toDDL(),
                row("a1", ts("2024-01-01T00:00:00Z"), "smb", "eu", "pro"),
                row("a2", ts("2024-01-01T00:00:00Z"), "ent", "eu", "pro"));
        Dataset<Row> contributions = MrrContributions.compute(lines, fx(), TEST_CONFIG);
        Dataset<Row> accountMrr = AccountMrr.compute(contributions);
        Dataset<Row> panel = AccountMonthPanel.build(accountMrr, accounts, "2025-03");

        Dataset<Row> impact = df("quarter STRING, epic_key STRING, outcome STRING, n_treated BIGINT, estimate DOUBLE, "
                        + "std_error DOUBLE, ci_low DOUBLE, ci_high DOUBLE, attributed_mrr DECIMAL(20,2), scale_factor DECIMAL(10,6)",
                row("2025-Q1", "E", "mrr", 2L, 150.0, 50.0, 52.0, 248.0, eur("300.00"), new BigDecimal("1.000000")));
        Dataset<Row> adoptions = df("epic_key STRING, account_id STRING, cohort_month STRING, method STRING",
                row("E", "a1", "2025-01", "adoption"), row("E", "a2", "2025-02", "adoption"));
        Dataset<Row> items = items(item("e1", "E", "t"));
        Dataset<Row> moves = transitions(move("e1", "In Progress", "2025-01-01T00:00:00Z"),
                move("e1", "Done", "2025-01-11T00:00:00Z"));
        Dataset<Row> dimEpic = df(DIM_EPIC, row("E", "t", "feature", null, ts("2025-01-06T00:00:00Z")));

        Finance.Inputs in = new Finance.Inputs(items, moves, teamCosts(cost("t", "2025-01", "EUR", "1000.00")), fx(),
                dimEpic, impact, adoptions, MrrMovements.perAccount(panel, TEST_CONFIG),
                MrrMovements.monthly(panel, TEST_CONFIG), contributions, accountMrr,
                OneTimeRevenue.monthly(lines, fx(), TEST_CONFIG), InvoiceTotals.monthly(lines, fx(), TEST_CONFIG),
                df("team_id STRING, quarter STRING, okr_attainment DOUBLE"));
        Finance.Tables t = Finance.compute(in, TEST_CONFIG, List.of(Quarter.parse("2025-Q1", 1)));

        assertSameRows(loose(df("quarter STRING, mrr_start DECIMAL(20,2), realised_growth DECIMAL(20,2), "
                                + "attributed_total DECIMAL(20,2), unattributed DECIMAL(20,2), mrr_end DECIMAL(20,2), "
                                + "one_time_revenue DECIMAL(20,2), invoice_total DECIMAL(20,2), reconciles BOOLEAN",
                        row("2025-Q1", eur("0.00"), eur("190.00"), eur("189.99"), eur("0.01"), eur("190.00"),
                                eur("30.00"), eur("510.00"), true))),
                loose(t.revenueReconciliation().select("quarter", "mrr_start", "realised_growth", "attributed_total",
                        "unattributed", "mrr_end", "one_time_revenue", "invoice_total", "reconciles")));
        assertSameRows(loose(df("epic_key STRING, cost_to_date DECIMAL(20,2), capitalized_to_date DECIMAL(20,2), "
                                + "attributed_mrr DECIMAL(20,2), roi DECIMAL(20,6), payback_months DECIMAL(20,2)",
                        row("E", eur("1000.00"), eur("500.00"), eur("189.99"), new BigDecimal("1.279880"), eur("5.26")))),
                loose(t.epicRoi().select("epic_key", "cost_to_date", "capitalized_to_date", "attributed_mrr", "roi",
                        "payback_months")));
        assertSameRows(loose(df("team_id STRING, cost DECIMAL(20,2), attributed_annual_value DECIMAL(20,2)",
                        row("t", eur("1000.00"), eur("2279.88")))),
                loose(t.teamValueQuarter().select("team_id", "cost", "attributed_annual_value")));
    }
}

package dev.valueledger.finance;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import static org.apache.spark.sql.functions.col;

class EpicCostTest extends CostFixtures {

    private static final String SPLIT = "epic_key STRING, team_id STRING, month STRING, effort_share DECIMAL(13,12), "
            + "allocated_cost DECIMAL(20,2), active_item_days DOUBLE";

    private Dataset<Row> cost(Dataset<Row> items, Dataset<Row> transitions, Dataset<Row> teamCosts, Dataset<Row> fx,
                              Dataset<Row> dimEpic) {
        return EpicCost.compute(ActiveItemDays.segments(items, transitions, TEST_CONFIG, AS_OF), teamCosts, fx,
                Capitalisation.policy(dimEpic, items, transitions, TEST_CONFIG), TEST_CONFIG);
    }

    private Dataset<Row> noEpics() {
        return df(DIM_EPIC);
    }

    @Test
    void teamMonthSplitsByLargestRemainderBetweenTwoEpicsAndUnallocatedWork() {
        // Team t, 2025-01, cost 10.00 EUR = 1000 cents. Active days: A 4, B 2, unallocated (k) 1; 7 in all.
        // Cents: A 4000/7 = 571 r 3/7 (.43), B 2000/7 = 285 r 5/7 (.71), k 1000/7 = 142 r 6/7 (.86); 998 handed out,
        // the 2 left go to the largest remainders k then B (not to A, which the key tie-break would favour):
        // A 5.71, B 2.86, unallocated 1.43 -> 10.00. Shares in 1e-12 units: A 571428571428 r .57, B 285714285714 r .29,
        // k 142857142857 r .14; 1 left goes to A: .571428571429 + .285714285714 + .142857142857 = 1 exactly.
        Dataset<Row> items = items(item("a1", "A", "t"), item("b1", "B", "t"), item("k1", null, "t"));
        Dataset<Row> moves = transitions(
                move("a1", "In Progress", "2025-01-01T00:00:00Z"), move("a1", "Done", "2025-01-05T00:00:00Z"),
                move("b1", "In Progress", "2025-01-10T00:00:00Z"), move("b1", "Closed", "2025-01-12T00:00:00Z"),
                move("k1", "In Review", "2025-01-20T00:00:00Z"), move("k1", "Done", "2025-01-21T00:00:00Z"));
        Dataset<Row> actual = cost(items, moves, teamCosts(cost("t", "2025-01", "EUR", "10.00")), fx(), noEpics());

        Dataset<Row> expected = df(SPLIT,
                row("A", "t", "2025-01", eur("0.571428571429"), eur("5.71"), 4.0),
                row("B", "t", "2025-01", eur("0.285714285714"), eur("2.86"), 2.0),
                row("unallocated", "t", "2025-01", eur("0.142857142857"), eur("1.43"), 1.0));
        assertSameRows(loose(expected), loose(actual.select("epic_key", "team_id", "month", "effort_share",
                "allocated_cost", "active_item_days")));
    }

    @Test
    void equalRemaindersGoToTheSmallestEpicKey() {
        // 1000.00 over three equal days: 100000 / 3 = 33333 r 1 each; the one cent left goes to A (smallest key).
        // Shares: 1e12 / 3 = 333333333333 r 1 each; the one unit left goes to A too.
        Dataset<Row> items = items(item("a1", "A", "t"), item("b1", "B", "t"), item("k1", null, "t"));
        Dataset<Row> moves = transitions(
                move("a1", "In Progress", "2025-01-01T00:00:00Z"), move("a1", "Done", "2025-01-02T00:00:00Z"),
                move("b1", "In Progress", "2025-01-01T00:00:00Z"), move("b1", "Done", "2025-01-02T00:00:00Z"),
                move("k1", "In Progress", "2025-01-01T00:00:00Z"), move("k1", "Done", "2025-01-02T00:00:00Z"));
        Dataset<Row> actual = cost(items, moves, teamCosts(cost("t", "2025-01", "EUR", "1000.00")), fx(), noEpics());

        Dataset<Row> expected = df(SPLIT,
                row("A", "t", "2025-01", eur("0.333333333334"), eur("333.34"), 1.0),
                row("B", "t", "2025-01", eur("0.333333333333"), eur("333.33"), 1.0),
                row("unallocated", "t", "2025-01", eur("0.333333333333"), eur("333.33"), 1.0));
        assertSameRows(loose(expected), loose(actual.select("epic_key", "team_id", "month", "effort_share",
                "allocated_cost", "active_item_days")));
    }

    @Test
    void epicSpanningMonthsAndTeamsIsCostedPerTeamMonth() {
        // Epic E: e1 (team t1) active 2025-01-31 12:00 -> 2025-02-01 12:00: 0.5 day in Jan, 0.5 day in Feb.
        // e2 (team t2) In Progress Feb 10 00:00, Blocked 12:00 (waiting: not counted), In Progress Feb 11 00:00,
        // Done 12:00: 0.5 + 0.5 = 1 day. k1 (t1, no Epic) active Feb 1 12:00 -> Feb 2 12:00: 1 day.
        // t1 Jan 100.00 EUR: all to E (only work). t1 Feb 300.00: E 0.5 / 1.5 = 1/3 -> 100.00, unallocated 200.00.
        // t2 Feb 50.00 USD, no Feb rate: Jan's 0.9 -> 45.00 EUR, all to E.
        // t2 Jan 20.00 EUR but no active time: all to 'unallocated', share 1.
        Dataset<Row> items = items(item("e1", "E", "t1"), item("e2", "E", "t2"), item("k1", null, "t1"));
        Dataset<Row> moves = transitions(
                move("e1", "In Progress", "2025-01-31T12:00:00Z"), move("e1", "Done", "2025-02-01T12:00:00Z"),
                move("e2", "In Progress", "2025-02-10T00:00:00Z"), move("e2", "Blocked", "2025-02-10T12:00:00Z"),
                move("e2", "In Progress", "2025-02-11T00:00:00Z"), move("e2", "Done", "2025-02-11T12:00:00Z"),
                move("k1", "In Progress", "2025-02-01T12:00:00Z"), move("k1", "Done", "2025-02-02T12:00:00Z"));
        Dataset<Row> costs = teamCosts(cost("t1", "2025-01", "EUR", "100.00"), cost("t1", "2025-02", "EUR", "300.00"),
                cost("t2", "2025-02", "USD", "50.00"), cost("t2", "2025-01", "EUR", "20.00"));
        Dataset<Row> rates = fx(row("2025-01", "USD", new java.math.BigDecimal("0.9")));
        Dataset<Row> actual = cost(items, moves, costs, rates, noEpics());
        assertMatchesSpec(EpicCost.TABLE, actual);

        Dataset<Row> expected = df(SPLIT,
                row("E", "t1", "2025-01", eur("1.000000000000"), eur("100.00"), 0.5),
                row("E", "t1", "2025-02", eur("0.333333333333"), eur("100.00"), 0.5),
                row("unallocated", "t1", "2025-02", eur("0.666666666667"), eur("200.00"), 1.0),
                row("E", "t2", "2025-02", eur("1.000000000000"), eur("45.00"), 1.0),
                row("unallocated", "t2", "2025-01", eur("1.000000000000"), eur("20.00"), 0.0));
        assertSameRows(loose(expected), loose(actual.select("epic_key", "team_id", "month", "effort_share",
                "allocated_cost", "active_item_days")));
        assertSameRows(loose(df("quarter STRING, currency STRING", row("2025-Q1", "EUR"))),
                loose(actual.select("quarter", "currency").distinct()));
    }

    @Test
    void capitalisationStartsAtTheEpicStartAndStopsAtRelease() {
        // Epic C (feature, policy category) released 2025-03-10. c1 In Progress 2025-02-15 -> Done 2025-03-20.
        // Team t: Feb 280.00 shared with k1 (no Epic, active Feb 1 -> Feb 15): C 14 days, k 14 days -> C 140.00,
        // all in the window that opens mid-month at C's start (Feb 15): capitalizable 140.00.
        // Mar 310.00, C alone (19 days Mar 1 -> 20) -> 310.00; in the window Mar 1 -> 10 = 9 days:
        // 310.00 x 9 / 19 = 146.8421.. -> 146.84. After release the rest is maintenance.
        // Team t2, Mar 90.00 over four one-day items (22.50 each, Mar 20 -> 21):
        // D feature released 2025-02-01 (all work after release) -> 0, outside_development_window;
        // F defect, capitalizable = true, unreleased -> 22.50, epic_override_true;
        // G feature, capitalizable = false -> 0, epic_override_false; H defect -> 0, not_capitalizable_category.
        Dataset<Row> items = items(item("c1", "C", "t"), item("k1", null, "t"), item("d1", "D", "t2"),
                item("f1", "F", "t2"), item("g1", "G", "t2"), item("h1", "H", "t2"));
        Dataset<Row> moves = transitions(
                move("c1", "In Progress", "2025-02-15T00:00:00Z"), move("c1", "Done", "2025-03-20T00:00:00Z"),
                move("k1", "In Progress", "2025-02-01T00:00:00Z"), move("k1", "Done", "2025-02-15T00:00:00Z"),
                move("d1", "In Progress", "2025-03-20T00:00:00Z"), move("d1", "Done", "2025-03-21T00:00:00Z"),
                move("f1", "In Progress", "2025-03-20T00:00:00Z"), move("f1", "Done", "2025-03-21T00:00:00Z"),
                move("g1", "In Progress", "2025-03-20T00:00:00Z"), move("g1", "Done", "2025-03-21T00:00:00Z"),
                move("h1", "In Progress", "2025-03-20T00:00:00Z"), move("h1", "Done", "2025-03-21T00:00:00Z"));
        Dataset<Row> epics = df(DIM_EPIC,
                row("C", "t", "feature", null, ts("2025-03-10T00:00:00Z")),
                row("D", "t2", "Feature", null, ts("2025-02-01T00:00:00Z")),
                row("F", "t2", "defect", true, null),
                row("G", "t2", "feature", false, null),
                row("H", "t2", "defect", null, null));
        Dataset<Row> costs = teamCosts(cost("t", "2025-02", "EUR", "280.00"), cost("t", "2025-03", "EUR", "310.00"),
                cost("t2", "2025-03", "EUR", "90.00"));
        Dataset<Row> actual = cost(items, moves, costs, fx(), epics)
                .select("epic_key", "team_id", "month", "allocated_cost", "capitalizable_cost", "capitalization_rule");

        Dataset<Row> expected = df("epic_key STRING, team_id STRING, month STRING, allocated_cost DECIMAL(20,2), "
                        + "capitalizable_cost DECIMAL(20,2), capitalization_rule STRING",
                row("C", "t", "2025-02", eur("140.00"), eur("140.00"), "policy_category"),
                row("unallocated", "t", "2025-02", eur("140.00"), eur("0.00"), "unallocated_work"),
                row("C", "t", "2025-03", eur("310.00"), eur("146.84"), "policy_category"),
                row("D", "t2", "2025-03", eur("22.50"), eur("0.00"), "outside_development_window"),
                row("F", "t2", "2025-03", eur("22.50"), eur("22.50"), "epic_override_true"),
                row("G", "t2", "2025-03", eur("22.50"), eur("0.00"), "epic_override_false"),
                row("H", "t2", "2025-03", eur("22.50"), eur("0.00"), "not_capitalizable_category"));
        assertSameRows(loose(expected), loose(actual));
    }

    @Test
    void activeDaysSplitAtMonthBoundariesAndStopAtTheRunEnd() {
        // x: In Progress 2025-03-31 18:00, still in progress at AS_OF (2025-04-01 00:00): 0.25 day in March only.
        // y: In QA 2025-01-31 00:00 -> Waiting 2025-02-01 06:00: 1 day Jan, 0.25 day Feb.
        Dataset<Row> items = items(item("x", null, "t"), item("y", "Y", "t"));
        Dataset<Row> moves = transitions(move("x", "To Do", "2025-03-01T00:00:00Z"),
                move("x", "In Progress", "2025-03-31T18:00:00Z"),
                move("y", "In QA", "2025-01-31T00:00:00Z"), move("y", "Waiting", "2025-02-01T06:00:00Z"));
        Dataset<Row> actual = ActiveItemDays.compute(items, moves, TEST_CONFIG, AS_OF)
                .select(col("item_key"), col("month"), col("active_days"));
        Dataset<Row> expected = df("item_key STRING, month STRING, active_days DOUBLE",
                row("x", "2025-03", 0.25), row("y", "2025-01", 1.0), row("y", "2025-02", 0.25));
        assertSameRows(loose(expected), loose(actual));
    }
}

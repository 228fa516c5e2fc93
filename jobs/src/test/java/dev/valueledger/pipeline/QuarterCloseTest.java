package dev.valueledger.pipeline;

import dev.valueledger.SparkTestBase;
import dev.valueledger.UserError;
import dev.valueledger.cli.Main;
import dev.valueledger.config.AppConfig;
import dev.valueledger.publish.Lakehouse;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuarterCloseTest extends SparkTestBase {

    /** A tiny quarter-sliced gold table: a figure per team and quarter. */
    private static final TableSpec TEAM_COST = TableSpec.gold("close_test_team_cost", "test figures")
            .column("team_id", "team").column("quarter", "quarter").column("cost", "a figure")
            .column("note", "a text figure").column("run_id", "run that wrote the row")
            .partitionBy("quarter").key("team_id", "quarter").build();
    private static final String DDL = "team_id STRING, quarter STRING, cost DECIMAL(18,2), note STRING";
    private static final String DIFF_DDL = "quarter STRING, table_name STRING, key STRING, column_name STRING, "
            + "closed_value STRING, current_value STRING";

    @TempDir
    Path tmp;

    private AppConfig cfg() {
        return TEST_CONFIG.with(Map.of("valueledger.lake.root", tmp.resolve("lake").toString()));
    }

    private Lakehouse lake() {
        return new Lakehouse(spark(), cfg());
    }

    private static BigDecimal d(String s) {
        return new BigDecimal(s);
    }

    /** Writes both quarters' figures and records a successful run of them, as a pipeline run would. */
    private String publish(String runId, Dataset<Row> rows) {
        RunContext ctx = new RunContext(runId, Instant.now(), cfg(), spark(), lake(), Progress.silent());
        long v = lake().replaceQuarters(TEAM_COST, rows, List.of("2025-Q1", "2025-Q2"), runId);
        new RunLog(ctx, "2025-Q1,2025-Q2", "in").finished("success", "fp", Map.of(TEAM_COST.name(), v), 1L, 0L, "");
        return runId;
    }

    private Dataset<Row> asReported() {
        return df(DDL, row("t1", "2025-Q1", d("100.00"), "ok"), row("t2", "2025-Q1", d("50.00"), "ok"),
                row("t3", "2025-Q1", d("7.00"), "ok"), row("t1", "2025-Q2", d("1.00"), "ok"));
    }

    @Test
    void changesByKeyOneRowPerChangedFigure() {
        Dataset<Row> closed = df(DDL + ", run_id STRING", row("t1", "2025-Q1", d("100.00"), "ok", "r1"),
                row("t2", "2025-Q1", d("50.00"), null, "r1"), row("t3", "2025-Q1", d("7.00"), "ok", "r1"));
        // t1's cost restated 100.00 -> 112.50; t2's note appears (null -> "late"); t3 gone; t4 new;
        // every run_id differs, which is bookkeeping and not a figure.
        Dataset<Row> current = df(DDL + ", run_id STRING", row("t1", "2025-Q1", d("112.50"), "ok", "r2"),
                row("t2", "2025-Q1", d("50.00"), "late", "r2"), row("t4", "2025-Q1", d("3.00"), "ok", "r2"));
        // changes() names the quarter and table itself, so those two are never null there.
        Dataset<Row> expected = df(DIFF_DDL.replace("quarter STRING", "quarter STRING NOT NULL")
                        .replace("table_name STRING", "table_name STRING NOT NULL"),
                row("2025-Q1", "tc", "{\"team_id\":\"t1\",\"quarter\":\"2025-Q1\"}", "cost", "100.00", "112.50"),
                row("2025-Q1", "tc", "{\"team_id\":\"t2\",\"quarter\":\"2025-Q1\"}", "note", null, "late"),
                row("2025-Q1", "tc", "{\"team_id\":\"t3\",\"quarter\":\"2025-Q1\"}", "*", "{\"cost\":\"7.00\",\"note\":\"ok\"}", null),
                row("2025-Q1", "tc", "{\"team_id\":\"t4\",\"quarter\":\"2025-Q1\"}", "*", null, "{\"cost\":\"3.00\",\"note\":\"ok\"}"));
        assertSameRows(expected, QuarterDiff.changes(closed, current, List.of("team_id", "quarter"), "2025-Q1", "tc"));
    }

    @Test
    void closeChangeAFigureDiffShowsExactlyIt() {
        String first = publish("run-1", asReported());
        QuarterClose.Closed close = QuarterClose.close(spark(), cfg(), Quarter.parse("2025-Q1", 1), Progress.silent());
        assertEquals("run-1", close.runId(), "the close names the run whose figures it froze");

        Row closedRow = lake().read(RunLog.SPEC).filter(col("status").equalTo("closed")).head();
        assertEquals("2025-Q1", closedRow.getAs("quarter"));
        assertTrue(closedRow.<String>getAs("output_versions").contains("\"close_test_team_cost\":0"), closedRow.toString());
        assertEquals(close.tableVersions(), QuarterClose.latest(lake(), List.of("2025-Q1")).get(0).tableVersions());

        // Late invoice lines: t2's Q1 cost becomes 55.25; Q2 (not closed) changes too, and must not show.
        publish("run-2", df(DDL, row("t1", "2025-Q1", d("100.00"), "ok"), row("t2", "2025-Q1", d("55.25"), "ok"),
                row("t3", "2025-Q1", d("7.00"), "ok"), row("t1", "2025-Q2", d("9.00"), "ok")));
        Dataset<Row> expected = df(DIFF_DDL,
                row("2025-Q1", "close_test_team_cost", "{\"team_id\":\"t2\",\"quarter\":\"2025-Q1\"}", "cost", "50.00", "55.25"));
        assertSameRows(expected, QuarterDiff.sinceClose(lake(), close, List.of(TEAM_COST)));

        // The restating run records the same comparison in restatements.
        RunContext ctx = new RunContext("run-2", Instant.now(), cfg(), spark(), lake(), Progress.silent());
        Map<String, Long> written = Restatements.record(ctx, List.of(Quarter.parse("2025-Q1", 1), Quarter.parse("2025-Q2", 1)), List.of(TEAM_COST));
        assertEquals(Map.of("restatements", 0L), written);
        Row r = lake().read(Restatements.SPEC).head();
        assertEquals(1, lake().read(Restatements.SPEC).count());
        assertEquals(List.of("cost", "50.00", "55.25", "run-2", "run-2"), List.of(r.getAs("column_name"), r.getAs("closed_value"),
                r.getAs("current_value"), r.getAs("restated_by_run_id"), r.getAs("run_id")));
        assertEquals(close.closedAt(), r.<java.sql.Timestamp>getAs("closed_at").toInstant());
        assertTrue(!first.isEmpty());
    }

    @Test
    void aCloseFreezesThePublishedVersionNotWhatAKilledRunWroteSince() {
        publish("run-1", asReported());
        // run-2 replaced the quarter and died before recording success: its version is not the as-reported one.
        long dead = lake().replaceQuarters(TEAM_COST, df(DDL, row("t1", "2025-Q1", d("999.00"), "ok")), List.of("2025-Q1"), "run-2");
        QuarterClose.Closed close = QuarterClose.close(spark(), cfg(), Quarter.parse("2025-Q1", 1), Progress.silent());
        assertEquals(dead - 1, close.tableVersions().get(TEAM_COST.name()).longValue());
    }

    @Test
    void unchangedRerunShowsNothing() {
        publish("run-1", asReported());
        QuarterClose.Closed close = QuarterClose.close(spark(), cfg(), Quarter.parse("2025-Q1", 1), Progress.silent());
        publish("run-2", asReported()); // same figures, new run_id, new Delta version
        assertEquals(0, QuarterDiff.sinceClose(lake(), close, List.of(TEAM_COST)).count());
    }

    @Test
    void quarterWithoutASuccessfulRunCannotBeClosed() {
        publish("run-1", asReported());
        UserError e = assertThrows(UserError.class,
                () -> QuarterClose.close(spark(), cfg(), Quarter.parse("2025-Q3", 1), Progress.silent()));
        assertTrue(e.getMessage().startsWith("no successful run covers 2025-Q3"), e.getMessage());
        assertFalse(lake().exists(QuarterClose.SPEC));
    }

    @Test
    void runsOfNoClosedQuarterWriteNoRestatements() {
        publish("run-1", asReported());
        RunContext ctx = new RunContext("run-2", Instant.now(), cfg(), spark(), lake(), Progress.silent());
        assertEquals(Map.of(), Restatements.record(ctx, List.of(Quarter.parse("2025-Q1", 1)), List.of(TEAM_COST)));
        assertFalse(lake().exists(Restatements.SPEC));
    }

    @Test
    void commandLineCloseAndDiff() {
        publish("run-1", asReported());
        String lakeDir = tmp.resolve("lake").toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

        assertEquals(2, Main.run(new String[] {"diff", "--quarter", "2025-Q1", "--lake", lakeDir}, o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("2025-Q1 has not been closed"), err.toString(StandardCharsets.UTF_8));

        assertEquals(0, Main.run(new String[] {"close", "--quarter", "2025-Q1", "--lake", lakeDir}, o, e));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("closed 2025-Q1 at "), out.toString(StandardCharsets.UTF_8));
        out.reset();
        // None of the real quarter-sliced tables exists in this lake: nothing to compare, nothing printed but the count.
        assertEquals(0, Main.run(new String[] {"diff", "--quarter", "2025-Q1", "--lake", lakeDir, "--format", "csv"}, o, e));
        assertEquals("quarter,table_name,key,column_name,closed_value,current_value\n", out.toString(StandardCharsets.UTF_8));
        assertEquals(2, Main.run(new String[] {"diff", "--quarter", "2025-Q1", "--lake", lakeDir, "--format", "xml"}, o, e));
    }

    @Test
    void pipelineStopsAtOnceWhileAnotherRunHoldsTheLakehouse() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        try (RunLock held = RunLock.acquire(spark().sparkContext().hadoopConfiguration(), cfg().lakeRoot(), "run-A",
                Instant.parse("2026-01-05T09:00:00Z"), Progress.silent())) {
            UserError e = assertThrows(UserError.class, () -> Pipeline.run(spark(), cfg(),
                    new Pipeline.Request(in.toString(), Optional.empty(), true), Progress.silent()));
            assertTrue(e.getMessage().startsWith("run run-A started at 2026-01-05T09:00:00Z on host "), e.getMessage());
            assertFalse(lake().exists(RunLog.SPEC), "the refused run wrote nothing, not even a running row");
        }
    }
}

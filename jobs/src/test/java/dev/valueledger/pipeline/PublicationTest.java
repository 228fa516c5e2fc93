package dev.valueledger.pipeline;

import dev.valueledger.SparkTestBase;
import dev.valueledger.config.AppConfig;
import dev.valueledger.ingest.IngestTables;
import dev.valueledger.ingest.Source;
import dev.valueledger.publish.Lakehouse;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Publication: the success row is what readers get, and views a killed run left behind are repaired. */
class PublicationTest extends SparkTestBase {

    private static final TableSpec TEAMS = IngestTables.silver(Source.TEAMS);

    @TempDir
    Path lake;

    @AfterEach
    void dropViews() {
        spark().sql("DROP VIEW IF EXISTS value_ledger_silver.teams");
    }

    private Dataset<Row> teams(String... ids) {
        Object[][] rows = new Object[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            rows[i] = row(ids[i], "Team " + ids[i], "p1", "Product", "teams.csv");
        }
        return df("team_id STRING, name STRING, product_id STRING, product_name STRING, _source_file STRING", rows);
    }

    private RunContext run(AppConfig cfg, String runId) {
        return new RunContext(runId, Instant.parse("2026-01-05T10:00:00Z"), cfg, spark(), new Lakehouse(spark(), cfg), Progress.silent());
    }

    /** run-1 writes silver teams with one team, records its success and publishes it. */
    private RunContext firstGoodRun(AppConfig cfg) {
        RunContext first = run(cfg, "run-1");
        long v0 = first.lake().overwrite(TEAMS, teams("t1"), "run-1");
        new RunLog(first, "2025-Q1", "in").finished("success", "f", Map.of(Publication.key(TEAMS), v0), 1L, 0L, "");
        Publication.publish(first, Map.of(TEAMS, v0));
        return first;
    }

    @Test
    void aRunKilledAfterItsSuccessRowButBeforeItsViewsIsFinishedByTheNextRun() {
        AppConfig cfg = TEST_CONFIG.with(Map.of("valueledger.lake.root", lake.toString()));
        firstGoodRun(cfg);

        // run-2 writes silver and records its success, then dies before re-pointing the view.
        RunContext second = run(cfg, "run-2");
        long v1 = second.lake().overwrite(TEAMS, teams("t1", "t2"), "run-2");
        new RunLog(second, "2025-Q1", "in").finished("success", "f", Map.of("silver.teams", v1), 2L, 0L, "");
        assertEquals(1, spark().table("value_ledger_silver.teams").count(), "readers still see run-1");

        assertEquals(1, Publication.repair(run(cfg, "run-3")));
        assertEquals(2, spark().table("value_ledger_silver.teams").count(), "readers now see run-2, which succeeded");
        assertEquals(0, Publication.repair(run(cfg, "run-4")), "nothing lags any more");
    }

    @Test
    void aFailedRunsWritesAreNeverPublished() {
        AppConfig cfg = TEST_CONFIG.with(Map.of("valueledger.lake.root", lake.toString()));
        RunContext first = firstGoodRun(cfg);

        RunContext failed = run(cfg, "run-2");
        long v1 = failed.lake().overwrite(TEAMS, teams("t1", "t2", "t3"), "run-2");
        new RunLog(failed, "2025-Q1", "in").finished("failed", "f", Map.of("silver.teams", v1), 3L, 0L, "a check failed");

        assertEquals(0, Publication.repair(run(cfg, "run-3")));
        assertEquals(1, spark().table("value_ledger_silver.teams").count());
        assertTrue(Publication.lastSuccess(first.lake()).orElseThrow().runId().equals("run-1"));
    }
}

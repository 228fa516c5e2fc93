package dev.valueledger.pipeline;

import dev.valueledger.SparkTestBase;
import dev.valueledger.UserError;
import dev.valueledger.config.AppConfig;
import dev.valueledger.ingest.IngestTables;
import dev.valueledger.ingest.Source;
import dev.valueledger.publish.Lakehouse;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PipelineTest extends SparkTestBase {

    @TempDir
    Path tmp;

    private AppConfig cfg(Path lake) {
        return TEST_CONFIG.with(Map.of("valueledger.lake.root", lake.toString()));
    }

    @Test
    void cleanInputReachesSilverTypedAndPseudonymised() throws Exception {
        Path in = TinyCompany.write(tmp.resolve("in"), false);
        AppConfig cfg = cfg(tmp.resolve("lake"));
        Pipeline.Result r = Pipeline.run(spark(), cfg, new Pipeline.Request(in.toString(), Optional.empty(), true), Progress.silent());

        Lakehouse lake = new Lakehouse(spark(), cfg);
        assertEquals(List.of(Quarter.parse("2025-Q1", 1)), r.quarters(), "team costs cover January 2025 only");
        assertEquals(3, lake.read(IngestTables.silver(Source.PRODUCT_EVENTS)).count(), "all part files, gzip included");
        assertEquals(7, lake.read(IngestTables.silver(Source.INVOICE_LINES)).count());
        assertEquals(0, r.ingest().rowsQuarantined());
        // Optional sources that are absent still exist as empty silver tables.
        assertEquals(0, lake.read(IngestTables.silver(Source.DEPLOYMENTS)).count());
        // No clear personal identifier survives into silver.
        List<Row> users = lake.read(IngestTables.silver(Source.PRODUCT_EVENTS)).select("user_id").distinct().collectAsList();
        assertEquals(2, users.size());
        users.forEach(u -> assertFalse(u.getString(0).contains("@"), u.getString(0)));
        Row t2 = lake.read(IngestTables.silver(Source.TEAMS)).filter(col("team_id").equalTo("t2")).head();
        assertEquals("Growth, web", t2.getAs("name"));
        Row run = lake.read(RunLog.SPEC).filter(col("run_id").equalTo(r.runId())).head();
        assertEquals("success", run.getAs("status"));
        assertEquals("2025-Q1", run.getAs("quarter"));
        assertEquals(1, lake.read(RunLog.SPEC).count(), "the running row was completed, not duplicated");

        // Gold, hand-computed. MRR: a1 pays 1000 EUR a month; a2 100 USD at 0.90 in January (90.00),
        // 0.92 in February (92.00) and, with no March rate, February's again in March.
        List<Row> mrr = spark().sql("SELECT month, new, expansion, mrr_end FROM value_ledger.mrr_movements_monthly"
                + " WHERE segment = 'smb' ORDER BY month").collectAsList();
        assertEquals("2025-01", mrr.get(0).getString(0));
        assertEquals(new java.math.BigDecimal("90.00"), mrr.get(0).getDecimal(1));
        assertEquals(new java.math.BigDecimal("2.00"), mrr.get(1).getDecimal(2));
        assertEquals(new java.math.BigDecimal("92.00"), mrr.get(2).getDecimal(3));
        // Flow: t1 finished PAY-2 (In Progress Jan 6 09:00 -> Done Jan 20 17:00 = 14 d 8 h) and PAY-3,
        // which went straight from To Do to Done: velocity 2, flow time only from PAY-2.
        Row flow = spark().sql("SELECT flow_velocity, flow_time_p50_days, share_defect FROM value_ledger.team_flow_quarter"
                + " WHERE team_id = 't1' AND quarter = '2025-Q1'").head();
        assertEquals(2L, ((Number) flow.get(0)).longValue());
        assertEquals(14 + 8 / 24.0, flow.getDouble(1), 1e-9);
        assertEquals(0.5, flow.getDouble(2), 1e-12);
        assertEquals(2, spark().sql("SELECT * FROM value_ledger.dim_team").count());

        Row identity = spark().sql("SELECT status, observed FROM value_ledger.data_quality_results"
                + " WHERE check_name = 'mrr_movements_identity'").head();
        assertEquals("pass", identity.getString(0));
        // GRO-2 sits under Epic GRO-1 and PAY-3 under none: no orphan reference anywhere.
        assertEquals(0, spark().sql("SELECT * FROM value_ledger.data_quality_results WHERE status <> 'pass'").count());
    }

    @Test
    void sourceOverThresholdFailsBeforeSilverAndRecordsTheRun() throws Exception {
        Path in = TinyCompany.write(tmp.resolve("in"), true);
        // 1 bad line in 8 = 12.5%, over the 5% default.
        AppConfig cfg = cfg(tmp.resolve("lake"));
        UserError e = assertThrows(UserError.class, () ->
                Pipeline.run(spark(), cfg, new Pipeline.Request(in.toString(), Optional.empty(), true), Progress.silent()));
        assertEquals(true, e.getMessage().contains("invoice_lines: 12.5% of 8 records quarantined (threshold 5.0%"), e.getMessage());
        Lakehouse lake = new Lakehouse(spark(), cfg);
        assertFalse(lake.exists(IngestTables.silver(Source.INVOICE_LINES)), "silver untouched");
        assertFalse(lake.exists(dev.valueledger.delivery.TeamDimension.SPEC), "gold untouched");
        Row q = lake.read(IngestTables.QUARANTINE).head();
        assertEquals("invoice_lines", q.getAs("source"));
        assertEquals("out_of_domain", q.getAs("reason_code"));
        assertEquals("bad1,1,a1,subscription,paid,XYZ,10.00,2025-01-01,2025-02-01".split(",")[5],
                ((String) q.getAs("raw")).contains("\"currency\":\"XYZ\"") ? "XYZ" : "missing");
        Row run = lake.read(RunLog.SPEC).head();
        assertEquals("failed", run.getAs("status"));
        assertEquals(1L, (Long) run.getAs("rows_quarantined"));
        Row check = lake.read(dev.valueledger.quality.DataQuality.SPEC)
                .filter(col("check_name").equalTo("quarantine_share").and(col("table_name").equalTo("invoice_lines"))).head();
        assertEquals("fail", check.getAs("status"));
        assertEquals(0.125, (Double) check.getAs("observed"), 1e-12);
    }

    @Test
    void missingInputFolderIsNamed() {
        UserError e = assertThrows(UserError.class, () -> Pipeline.run(spark(), cfg(tmp.resolve("lake")),
                new Pipeline.Request(tmp.resolve("nowhere").toString(), Optional.empty(), true), Progress.silent()));
        assertEquals(true, e.getMessage().startsWith("input folder " + tmp.resolve("nowhere") + " does not exist"), e.getMessage());
    }

    @Test
    void missingRequiredSourceIsNamed() throws Exception {
        Path in = TinyCompany.write(tmp.resolve("in"), false);
        java.nio.file.Files.delete(in.resolve("accounts.csv"));
        UserError e = assertThrows(UserError.class, () -> Pipeline.run(spark(), cfg(tmp.resolve("lake")),
                new Pipeline.Request(in.toString(), Optional.empty(), true), Progress.silent()));
        assertEquals(true, e.getMessage().startsWith("required source accounts is missing from " + in), e.getMessage());
    }
}

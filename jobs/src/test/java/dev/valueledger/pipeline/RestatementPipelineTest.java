package dev.valueledger.pipeline;

import dev.valueledger.SparkTestBase;
import dev.valueledger.cli.Main;
import dev.valueledger.config.AppConfig;
import dev.valueledger.publish.Lakehouse;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The close / rerun / late data / restatement cycle through the real pipeline on the tiny company. */
class RestatementPipelineTest extends SparkTestBase {

    @TempDir
    Path tmp;

    @Test
    void unchangedRerunRestatesNothingAndALateInvoiceLineRestatesItsFigures() throws Exception {
        Path in = TinyCompany.write(tmp.resolve("in"), false);
        AppConfig cfg = TEST_CONFIG.with(Map.of("valueledger.lake.root", tmp.resolve("lake").toString()));
        Lakehouse lake = new Lakehouse(spark(), cfg);
        Quarter q1 = Quarter.parse("2025-Q1", 1);
        Pipeline.Request request = new Pipeline.Request(in.toString(), Optional.of(q1), true);

        Pipeline.run(spark(), cfg, request, Progress.silent());
        QuarterClose.close(spark(), cfg, q1, Progress.silent());

        Pipeline.Result same = Pipeline.run(spark(), cfg, request, Progress.silent());
        assertTrue(same.versions().containsKey("restatements"), "a rerun of a closed quarter is a restatement");
        assertEquals(0, lake.read(Restatements.SPEC).filter(col("restated_by_run_id").equalTo(same.runId())).count(),
                "same inputs, same figures: nothing restated");

        // A late subscription line: a1 pays 200.00 EUR more for February, so February's MRR of a1
        // goes 1000.00 -> 1200.00, an expansion of 200.00 where the close had 0.00.
        Files.writeString(in.resolve("invoice_lines.csv"), "late1,1,a1,subscription,paid,EUR,200.00,2025-02-01,2025-03-01\n",
                StandardOpenOption.APPEND);
        Pipeline.Result late = Pipeline.run(spark(), cfg, request, Progress.silent());
        List<Row> expansion = lake.read(Restatements.SPEC)
                .filter(col("restated_by_run_id").equalTo(late.runId())
                        .and(col("table_name").equalTo("mrr_movements_monthly"))
                        .and(col("column_name").equalTo("expansion"))
                        .and(col("key").contains("\"month\":\"2025-02\"")))
                .collectAsList();
        assertEquals(1, expansion.size(), expansion.toString());
        assertEquals("0.00", expansion.get(0).getAs("closed_value"));
        assertEquals("200.00", expansion.get(0).getAs("current_value"));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(0, Main.run(new String[] {"diff", "--quarter", "2025-Q1", "--lake", cfg.lakeRoot(), "--format", "csv"}, o, o));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("mrr_movements_monthly") && printed.contains(",expansion,0.00,200.00"), printed);
        long restated = lake.read(Restatements.SPEC).filter(col("restated_by_run_id").equalTo(late.runId())).count();
        assertEquals(restated + 1, printed.lines().count(), "diff prints what the restating run recorded, plus a header");
    }
}

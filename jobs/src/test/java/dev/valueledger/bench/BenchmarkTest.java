package dev.valueledger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.valueledger.SparkTestBase;
import dev.valueledger.UserError;
import dev.valueledger.generate.GeneratorOptions;
import dev.valueledger.pipeline.Progress;
import dev.valueledger.pipeline.RunLock;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchmarkTest extends SparkTestBase {

    @TempDir
    Path tmp;

    @Test
    void tinyScaleWritesPositiveFiguresPerStageToJsonAndCsv() throws Exception {
        // A results file from an earlier version, with other columns, is kept aside, not appended to.
        Files.writeString(tmp.resolve("bench-results.csv"), "measured_at,scale,wall_seconds\nyesterday,1,189.1\n");
        Benchmark.Options o = new Benchmark.Options(new GeneratorOptions(0.01, 42, 0.01), 1, tmp);
        Benchmark.Summary s = Benchmark.run(TEST_CONFIG, o, System.err);

        JsonNode j = new ObjectMapper().readTree(tmp.resolve("bench-scale-0.01.json").toFile());
        assertEquals(0.01, j.path("scale").asDouble());
        assertEquals(1, j.path("per_run").size());
        JsonNode m = j.path("median");
        for (String f : List.of("wall_seconds", "peak_heap_bytes", "input_records", "rows_in", "rows_out", "shuffle_bytes",
                "cpu_seconds", "jit_seconds", "generated_classes")) {
            assertTrue(m.path(f).asDouble() > 0, f + " = " + m.path(f));
        }
        // The JIT's share is part of the JVM's CPU, never more.
        assertTrue(m.path("jit_seconds").asDouble() < m.path("cpu_seconds").asDouble(), m.toString());
        assertTrue(j.path("machine").path("cores").asInt() > 0);
        assertTrue(j.path("machine").path("memory_bytes").asLong() > 0);
        // The test JVM runs with a heap option (surefire's argLine), and the figures say so.
        assertEquals(Benchmark.jvmOptions(ManagementFactory.getRuntimeMXBean().getInputArguments()),
                j.path("machine").path("jvm_options").asText());
        assertTrue(j.path("machine").path("jvm_options").asText().contains("-Xmx"), j.path("machine").toString());

        List<String> stages = new ArrayList<>();
        m.path("stages").forEach(st -> stages.add(st.path("stage").asText()));
        // The pipeline reports these stages in this order; each one's stretch is timed.
        List<String> expected = List.of("bronze", "ingest", "silver", "delivery", "revenue", "product", "impact", "outcomes", "finance");
        assertEquals(expected, stages.stream().filter(expected::contains).toList());
        for (JsonNode st : m.path("stages")) {
            assertTrue(st.path("wall_seconds").asDouble() > 0, st.toString());
            for (String f : List.of("rows_in", "rows_out", "rows_per_second", "shuffle_read_bytes", "shuffle_write_bytes", "tasks", "jobs")) {
                assertTrue(st.has(f), f + " missing in " + st);
            }
        }
        // Bronze copies every input record; every gold stage writes tables and most shuffle.
        JsonNode bronze = stage(m, "bronze");
        assertTrue(bronze.path("rows_in").asLong() >= j.path("median").path("input_records").asLong(), bronze.toString());
        assertTrue(bronze.path("rows_out").asLong() >= j.path("median").path("input_records").asLong(), bronze.toString());
        assertTrue(stage(m, "delivery").path("rows_out").asLong() > 0);
        // Every stretch that writes a table runs Spark jobs and tasks. (Not a task per job: a job whose stages'
        // output already exists, a shuffle read twice, runs none, so small stretches can have fewer tasks than jobs.)
        assertTrue(stage(m, "delivery").path("jobs").asLong() > 0, stage(m, "delivery").toString());
        assertTrue(stage(m, "delivery").path("tasks").asLong() > 0, stage(m, "delivery").toString());
        // Some stretch shuffles, and the stretches' shuffle adds up to at most the run's.
        long stagesShuffle = 0;
        for (JsonNode st : m.path("stages")) {
            stagesShuffle += st.path("shuffle_write_bytes").asLong();
        }
        assertTrue(stagesShuffle > 0 && stagesShuffle <= m.path("shuffle_bytes").asLong(), m.toString());

        List<String> csv = Files.readAllLines(tmp.resolve("bench-results.csv"));
        assertEquals(2, csv.size(), "header and one run");
        assertEquals(Benchmark.CSV_HEADER, csv.get(0));
        Map<String, String> row = csvRow(csv.get(0), csv.get(1));
        for (String f : List.of("cores", "memory_bytes", "wall_seconds", "peak_heap_bytes", "input_records", "rows_in", "rows_out", "shuffle_bytes",
                "cpu_seconds", "generated_classes")) {
            assertTrue(Double.parseDouble(row.get(f)) > 0, f + " = " + row.get(f));
        }
        assertEquals(s.perRun().get(0).runId(), row.get("run_id"));
        assertEquals(j.path("machine").path("jvm_options").asText(), row.get("jvm_options"));
        try (java.util.stream.Stream<Path> kept = Files.list(tmp)) {
            List<Path> older = kept.filter(p -> p.getFileName().toString().startsWith("bench-results-before-")).toList();
            assertEquals(1, older.size(), "the earlier results file is kept aside");
            assertEquals("measured_at,scale,wall_seconds\nyesterday,1,189.1\n", Files.readString(older.get(0)));
        }
        assertFalse(Files.exists(tmp.resolve("work/lake-1")), "the run's lakehouse is removed after measuring");
        assertTrue(Files.isRegularFile(tmp.resolve("input-scale-0.01/_truth.json")), "the company is cached");
    }

    @Test
    void aSecondBenchOnTheSameFolderStopsBeforeTouchingIt() {
        Benchmark.Options o = new Benchmark.Options(new GeneratorOptions(0.01, 42, 0.01), 1, tmp);
        try (RunLock first = RunLock.acquire(new Configuration(), tmp.resolve("work").toString(),
                "bench-first", Instant.now(), new Progress(System.err))) {
            UserError e = assertThrows(UserError.class, () -> Benchmark.run(TEST_CONFIG, o, System.err));
            assertTrue(e.getMessage().startsWith("another bench is using " + tmp.toAbsolutePath() + ": run bench-first"), e.getMessage());
            assertTrue(e.getMessage().endsWith("give this one another --out"), e.getMessage());
            assertFalse(Files.exists(o.inputDir()), "no company generated");
        }
    }

    @Test
    void theJvmOptionsRecordedAreHeapJitAndCollectorOptionsNotSystemProperties() {
        assertEquals("-Xmx4g -XX:FreqInlineSize=100", Benchmark.jvmOptions(List.of("-Xmx4g", "-Dvalueledger.privacy.key=k1",
                "-XX:FreqInlineSize=100", "--add-opens=java.base/java.lang=ALL-UNNAMED")));
        assertEquals("", Benchmark.jvmOptions(List.of()));
    }

    @Test
    void medianOfEvenCountIsTheMeanOfTheMiddleTwo() {
        // 1, 3, 4, 10 -> (3 + 4) / 2 = 3.5; odd count 1, 3, 10 -> 3.
        assertEquals(3.5, Benchmark.median(List.of(10.0, 1.0, 4.0, 3.0), Double::doubleValue));
        assertEquals(3.0, Benchmark.median(List.of(10.0, 1.0, 3.0), Double::doubleValue));
        assertEquals("0.01", Benchmark.scaleLabel(0.01));
        assertEquals("16", Benchmark.scaleLabel(16.0));
    }

    private static JsonNode stage(JsonNode run, String name) {
        for (JsonNode st : run.path("stages")) {
            if (st.path("stage").asText().equals(name)) {
                return st;
            }
        }
        throw new AssertionError("no stage " + name + " in " + run);
    }

    /** A CSV line by header name; the last field (stage seconds) may be quoted and holds no comma. */
    private static Map<String, String> csvRow(String header, String line) {
        String[] h = header.split(",");
        String[] v = line.split(",", h.length);
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < h.length; i++) {
            m.put(h[i], v[i]);
        }
        return m;
    }
}

package dev.valueledger.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.valueledger.UserError;
import dev.valueledger.config.AppConfig;
import dev.valueledger.generate.CompanyCache;
import dev.valueledger.generate.CompanyGenerator;
import dev.valueledger.generate.GeneratorOptions;
import dev.valueledger.pipeline.Pipeline;
import dev.valueledger.pipeline.Progress;
import dev.valueledger.pipeline.RunLock;
import dev.valueledger.pipeline.SparkSessions;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** {@code valueledger bench} (issue 7, docs/benchmark.md): per-stage time, records, shuffle and peak heap of whole-pipeline runs, medians over runs. */
public final class Benchmark {

    /** What to measure: company scale, seed and bad rate, number of runs, and the folder for inputs, lakes and results. */
    public record Options(GeneratorOptions company, int runs, Path out) {
        public Options {
            if (runs < 1 || runs > 100) {
                throw new UserError("--runs must be between 1 and 100, got " + runs);
            }
        }

        /** The cached company of this scale, seed and bad rate. */
        public Path inputDir() {
            return out.resolve("input-scale-" + scaleLabel(company.scale()));
        }
    }

    /** One stage of one run (or the medians over runs): wall time, records read and written by its tasks, shuffle, Spark jobs and tasks. */
    public record StageFigures(String stage, double wallSeconds, long rowsIn, long rowsOut, double rowsPerSecond,
                               long shuffleReadBytes, long shuffleWriteBytes, long tasks, long jobs) { }

    /**
     * One run (or the medians over runs). Besides time and rows: the CPU the whole JVM spent, the
     * part of it the JIT compiler spent compiling (Spark's own code and the classes it generates for
     * every query), and how many classes Spark generated and compiled. At small scales these fixed
     * costs, not the rows, decide the time (docs/benchmark.md, "Where scale 1's time goes").
     */
    public record RunFigures(String runId, double wallSeconds, long peakHeapBytes, long inputRecords, long rowsIn,
                             long rowsOut, long shuffleBytes, double cpuSeconds, double jitSeconds, long generatedClasses,
                             List<StageFigures> stages) { }

    /**
     * The machine and Spark setup the figures were measured on. {@code jvmOptions}: the JVM's
     * {@code -X} and {@code -XX} options (heap, JIT, garbage collector), which move the figures as
     * much as the code does; system properties are left out, as they may carry keys.
     */
    public record Machine(int cores, long memoryBytes, long maxHeapBytes, String java, String spark, String master,
                          String shufflePartitions, String jvmOptions) { }

    /** Everything a bench wrote: medians, each run, and where the JSON and CSV are. */
    public record Summary(double scale, int runs, String measuredAt, Machine machine, RunFigures median,
                          List<RunFigures> perRun, String json, String csv) { }

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private Benchmark() { }

    public static Summary run(AppConfig cfg, Options o, PrintStream err) {
        Path out = o.out().toAbsolutePath();
        Path work = out.resolve("work");
        Progress progress = new Progress(err);
        try (RunLock ignored = lock(work, progress)) {
            return run(cfg, o, out, work, progress, err);
        }
    }

    /**
     * Takes the bench folder for this bench, or fails naming the one that holds it: a second bench
     * on the same folder would clear the first one's lakehouse in the middle of its run (stop 20
     * lost a run that way). A bench that died leaves a lock the next one takes over.
     */
    private static RunLock lock(Path work, Progress progress) {
        try {
            return RunLock.acquire(new Configuration(), work.toString(), "bench-" + ProcessHandle.current().pid(), Instant.now(),
                    progress);
        } catch (UserError busy) {
            throw new UserError("another bench is using " + work.getParent() + ": " + busy.getMessage()
                    + "; or give this one another --out");
        }
    }

    private static Summary run(AppConfig cfg, Options o, Path out, Path work, Progress progress, PrintStream err) {
        Path input = o.inputDir().toAbsolutePath();
        ensureCompany(input, o.company(), progress);
        // One catalog for every run: the session's metastore is fixed when the session starts.
        AppConfig base = cfg.with(Map.of("valueledger.catalog.metastore-dir", work.resolve("_catalog").toString()));
        SparkSession spark = SparkSessions.getOrCreate(base.with(Map.of("valueledger.lake.root", work.resolve("lake-1").toString())));
        TaskTotals totals = new TaskTotals();
        spark.sparkContext().addSparkListener(totals);
        List<RunFigures> runs = new ArrayList<>();
        try {
            for (int k = 1; k <= o.runs(); k++) {
                Path lake = work.resolve("lake-" + k);
                deleteTree(lake);
                AppConfig runCfg = base.with(Map.of("valueledger.lake.root", lake.toString()));
                runs.add(measure(spark, runCfg, input, totals, "vl-bench-" + k, err));
                deleteTree(lake);
                err.printf(Locale.ROOT, "bench: run %d of %d took %.1f s%n", k, o.runs(), runs.get(runs.size() - 1).wallSeconds());
            }
        } finally {
            spark.sparkContext().removeSparkListener(totals);
        }
        Machine machine = machine(spark);
        String label = scaleLabel(o.company().scale());
        Summary s = new Summary(o.company().scale(), o.runs(), Instant.now().toString(), machine, median(runs), List.copyOf(runs),
                out.resolve("bench-scale-" + label + ".json").toString(), out.resolve("bench-results.csv").toString());
        write(s);
        return s;
    }

    private static RunFigures measure(SparkSession spark, AppConfig cfg, Path input, TaskTotals totals, String group,
                                      PrintStream err) {
        System.gc();
        totals.clear();
        StageClock clock = new StageClock(spark.sparkContext(), group);
        Pipeline.Result r;
        List<StageClock.Stretch> stretches;
        long peak;
        long started = System.nanoTime();
        JvmWork before = JvmWork.now();
        try (HeapSampler heap = new HeapSampler()) {
            clock.start();
            try {
                r = Pipeline.run(spark, cfg, new Pipeline.Request(input.toString(), Optional.empty(), true), new Progress(err, clock));
            } finally {
                stretches = clock.stop();
            }
            peak = heap.peakBytes();
        }
        double wall = (System.nanoTime() - started) / 1e9;
        JvmWork work = JvmWork.now().minus(before);
        Map<String, TaskTotals.Totals> byGroup = totals.drain(spark.sparkContext());
        // A stage may report more than once (ingest reports each source): its stretches add up.
        Map<String, long[]> nanos = new LinkedHashMap<>();
        Map<String, TaskTotals.Totals> sums = new LinkedHashMap<>();
        for (StageClock.Stretch st : stretches) {
            nanos.computeIfAbsent(st.stage(), x -> new long[1])[0] += st.nanos();
            sums.merge(st.stage(), byGroup.getOrDefault(st.jobGroup(), TaskTotals.Totals.NONE), TaskTotals.Totals::plus);
        }
        List<StageFigures> stages = new ArrayList<>();
        for (Map.Entry<String, TaskTotals.Totals> e : sums.entrySet()) {
            double seconds = nanos.get(e.getKey())[0] / 1e9;
            TaskTotals.Totals t = e.getValue();
            stages.add(new StageFigures(e.getKey(), seconds, t.recordsRead(), t.recordsWritten(), perSecond(t.recordsRead(), seconds),
                    t.shuffleReadBytes(), t.shuffleWriteBytes(), t.tasks(), t.jobs()));
        }
        TaskTotals.Totals all = sums.values().stream().reduce(TaskTotals.Totals.NONE, TaskTotals.Totals::plus);
        return new RunFigures(r.runId(), wall, peak, r.ingest().rowsRead(), all.recordsRead(), all.recordsWritten(),
                all.shuffleWriteBytes(), work.cpuSeconds(), work.jitSeconds(), work.generatedClasses(), stages);
    }

    /** Medians over runs, stage by stage in the order of the first run. */
    static RunFigures median(List<RunFigures> runs) {
        List<StageFigures> stages = new ArrayList<>();
        for (StageFigures first : runs.get(0).stages()) {
            List<StageFigures> same = runs.stream().flatMap(r -> r.stages().stream())
                    .filter(s -> s.stage().equals(first.stage())).toList();
            stages.add(new StageFigures(first.stage(), median(same, StageFigures::wallSeconds),
                    Math.round(median(same, StageFigures::rowsIn)), Math.round(median(same, StageFigures::rowsOut)),
                    median(same, StageFigures::rowsPerSecond), Math.round(median(same, StageFigures::shuffleReadBytes)),
                    Math.round(median(same, StageFigures::shuffleWriteBytes)), Math.round(median(same, StageFigures::tasks)),
                    Math.round(median(same, StageFigures::jobs))));
        }
        return new RunFigures("median", median(runs, RunFigures::wallSeconds), Math.round(median(runs, RunFigures::peakHeapBytes)),
                Math.round(median(runs, RunFigures::inputRecords)), Math.round(median(runs, RunFigures::rowsIn)),
                Math.round(median(runs, RunFigures::rowsOut)), Math.round(median(runs, RunFigures::shuffleBytes)),
                median(runs, RunFigures::cpuSeconds), median(runs, RunFigures::jitSeconds),
                Math.round(median(runs, RunFigures::generatedClasses)), stages);
    }

    static <T> double median(List<T> xs, ToDoubleFunction<T> f) {
        double[] v = xs.stream().mapToDouble(f).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static double perSecond(long rows, double seconds) {
        return seconds > 0 ? rows / seconds : 0;
    }

    private static Machine machine(SparkSession spark) {
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        return new Machine(Runtime.getRuntime().availableProcessors(), memory, Runtime.getRuntime().maxMemory(),
                System.getProperty("java.version"), spark.version(), spark.sparkContext().master(),
                spark.conf().get("spark.sql.shuffle.partitions"), jvmOptions(ManagementFactory.getRuntimeMXBean().getInputArguments()));
    }

    /** The {@code -X} and {@code -XX} options among a JVM's arguments, space-separated. */
    static String jvmOptions(List<String> arguments) {
        return arguments.stream().filter(a -> a.startsWith("-X")).collect(Collectors.joining(" "));
    }

    /** The scale as written in file names: 1, 4, 0.01 (no trailing zeros). */
    static String scaleLabel(double scale) {
        return BigDecimal.valueOf(scale).stripTrailingZeros().toPlainString();
    }

    static final String CSV_HEADER = "measured_at,scale,run_id,cores,memory_bytes,max_heap_bytes,jvm_options,master,shuffle_partitions,"
            + "wall_seconds,peak_heap_bytes,input_records,rows_in,rows_out,shuffle_bytes,cpu_seconds,jit_seconds,generated_classes,"
            + "stage_seconds";

    private static void write(Summary s) {
        Path json = Path.of(s.json());
        Path csv = Path.of(s.csv());
        try {
            Files.createDirectories(json.getParent());
            JSON.writeValue(json.toFile(), s);
            StringBuilder lines = new StringBuilder();
            keepOlderResults(csv);
            if (!Files.exists(csv)) {
                lines.append(CSV_HEADER).append('\n');
            }
            Machine m = s.machine();
            for (RunFigures r : s.perRun()) {
                String stages = r.stages().stream().map(st -> st.stage() + "=" + String.format(Locale.ROOT, "%.3f", st.wallSeconds()))
                        .collect(Collectors.joining(";"));
                lines.append(String.join(",", s.measuredAt(), scaleLabel(s.scale()), r.runId(),
                        Integer.toString(m.cores()), Long.toString(m.memoryBytes()), Long.toString(m.maxHeapBytes()),
                        csv(m.jvmOptions()), csv(m.master()), m.shufflePartitions(), String.format(Locale.ROOT, "%.3f", r.wallSeconds()),
                        Long.toString(r.peakHeapBytes()), Long.toString(r.inputRecords()), Long.toString(r.rowsIn()),
                        Long.toString(r.rowsOut()), Long.toString(r.shuffleBytes()),
                        String.format(Locale.ROOT, "%.3f", r.cpuSeconds()), String.format(Locale.ROOT, "%.3f", r.jitSeconds()),
                        Long.toString(r.generatedClasses()), csv(stages))).append('\n');
            }
            Files.writeString(csv, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the benchmark results to " + json.getParent(), e);
        }
    }

    /**
     * A results file with another header (written by an earlier version, with other columns) is
     * kept beside the new one rather than appended to, so every line of a file matches its header.
     */
    private static void keepOlderResults(Path csv) throws IOException {
        if (!Files.exists(csv)) {
            return;
        }
        String header;
        try (Stream<String> lines = Files.lines(csv, StandardCharsets.UTF_8)) {
            header = lines.findFirst().orElse("");
        }
        if (!header.equals(CSV_HEADER)) {
            String name = csv.getFileName().toString().replaceFirst("\\.csv$", "");
            Path kept = csv.resolveSibling(name + "-before-" + Instant.now().toString().replace(":", "") + ".csv");
            Files.move(csv, kept);
        }
    }

    private static String csv(String v) {
        return v.contains(",") || v.contains("\"") || v.contains("[") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    /** The medians as an aligned table, for the terminal. */
    public static String table(Summary s) {
        StringBuilder b = new StringBuilder();
        RunFigures m = s.median();
        b.append(String.format(Locale.ROOT, "scale %s, %d run(s), median %.1f s end to end, peak heap %,d MiB, %,d input records"
                        + " (%d cores, %,d MiB memory, %s; JVM options: %s)%n", scaleLabel(s.scale()), s.runs(), m.wallSeconds(),
                m.peakHeapBytes() >> 20, m.inputRecords(), s.machine().cores(), s.machine().memoryBytes() >> 20, s.machine().master(),
                s.machine().jvmOptions().isEmpty() ? "none" : s.machine().jvmOptions()));
        b.append(String.format(Locale.ROOT, "  JVM CPU %.1f s, of which the JIT compiler %.1f s; %,d classes generated and compiled by Spark%n",
                m.cpuSeconds(), m.jitSeconds(), m.generatedClasses()));
        b.append(String.format(Locale.ROOT, "  %-10s %9s %13s %13s %12s %12s %6s%n", "stage", "wall s", "rows in", "rows out", "rows/s",
                "shuffle MiB", "jobs"));
        for (StageFigures st : m.stages()) {
            b.append(String.format(Locale.ROOT, "  %-10s %9.2f %,13d %,13d %,12.0f %12.1f %6d%n", st.stage(), st.wallSeconds(), st.rowsIn(),
                    st.rowsOut(), st.rowsPerSecond(), (st.shuffleReadBytes() + st.shuffleWriteBytes()) / 1048576.0, st.jobs()));
        }
        b.append("figures in ").append(s.json()).append("; every run appended to ").append(s.csv());
        return b.toString();
    }

    /** Generates the company into {@code dir} unless its _truth.json says it already holds this scale, seed and bad rate. */
    public static void ensureCompany(Path dir, GeneratorOptions o, Progress progress) {
        if (CompanyCache.holds(dir, o)) {
            progress.report("generate", "reusing the company in " + dir);
            return;
        }
        deleteTree(dir);
        progress.report("generate", "writing a company at scale " + scaleLabel(o.scale()) + " into " + dir);
        CompanyGenerator.generate(dir.toString(), o);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}

package dev.valueledger.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.valueledger.SparkTestBase;
import dev.valueledger.generate.CompanyGenerator;
import dev.valueledger.generate.GeneratorOptions;
import dev.valueledger.pipeline.Pipeline;
import dev.valueledger.pipeline.Progress;
import dev.valueledger.pipeline.Quarter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.round;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cluster jar on a real Spark standalone cluster (a master and two workers from the Maven jars,
 * each its own JVM on 127.0.0.1, executors in JVMs of their own) writes the same curated tables as a
 * local-mode run of the same input. Run with {@code mvn -B verify -Pcluster-it}, which builds SPARK_HOME
 * and the jar; only that profile's {@code cluster} execution sets {@code valueledger.it.cluster}, so
 * {@code -Dit.test=StandaloneClusterIT}, which every failsafe execution obeys, runs it once.
 *
 * <p>Client deploy mode: the driver runs inside the SparkSubmit JVM this test starts, so its exit
 * status is the run's (a standalone cluster-mode submit returns once the driver is accepted), and
 * both workers' single cores are left to executors instead of one hosting the driver.
 */
class StandaloneClusterIT extends SparkTestBase {

    private static final String QUARTER = "2025-Q4";
    /** Generous bounds for a loaded 2-core machine; every wait polls and returns as soon as it can. */
    private static final Duration START = Duration.ofMinutes(3);
    private static final Duration RUN = Duration.ofMinutes(40);
    private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://\\S+)");
    private static final Pattern MASTER_UI = Pattern.compile("Bound MasterWebUI to \\S+, and started at https?://[^:/]+:(\\d+)");
    /** Tables a run about itself: compared on what they say about the data, not on ids or times. */
    private static final Set<String> ABOUT_THE_RUN = Set.of("pipeline_runs");
    /** Tables that may be empty at this scale and quarter; every other curated table must have rows. */
    private static final Set<String> MAY_BE_EMPTY = Set.of();

    @TempDir
    Path tmp;

    private final List<Process> processes = new ArrayList<>();
    private final List<Thread> hooks = new ArrayList<>();

    @BeforeAll
    static void onlyInTheClusterExecution() {
        assumeTrue(Boolean.getBoolean("valueledger.it.cluster"), "runs only in the cluster execution of mvn verify -Pcluster-it");
    }

    @Test
    void clusterRunWritesTheSameCuratedTablesAsALocalRun() throws Exception {
        Path sparkHome = Path.of(required("valueledger.it.spark-home"));
        Path jar = Path.of(required("valueledger.it.cluster-jar"));
        assertTrue(Files.isRegularFile(jar), jar + " is missing: run through mvn verify -Pcluster-it, which builds it");
        Path input = tmp.resolve("input");
        CompanyGenerator.generate(input.toString(), new GeneratorOptions(0.01, 7, 0.01));

        Path localLake = tmp.resolve("local-lake");
        long t0 = System.nanoTime();
        Pipeline.run(spark(), TEST_CONFIG.with(Map.of("valueledger.lake.root", localLake.toString())),
                new Pipeline.Request(input.toString(), Optional.of(Quarter.parse(QUARTER, 1)), true), new Progress(System.err));

        Path clusterLake = tmp.resolve("cluster-lake");
        Path submitLog = tmp.resolve("submit.log");
        Path[] workDirs = {tmp.resolve("worker-1"), tmp.resolve("worker-2")};
        JsonNode masterState;
        long t1 = System.nanoTime();
        try {
            // Port 0 everywhere: each daemon binds a port the kernel knows to be free, and the master
            // says in its log which one it got; a port chosen here first could be taken meanwhile.
            Path masterLog = tmp.resolve("master.log");
            Process masterProcess = start(sparkHome, masterLog, "org.apache.spark.deploy.master.Master",
                    "--host", "127.0.0.1", "--port", "0", "--webui-port", "0");
            String master = awaitMatch(masterLog, MASTER_URL, START);
            int masterUi = Integer.parseInt(awaitMatch(masterLog, MASTER_UI, START));
            awaitMatch(masterLog, Pattern.compile("(I have been elected leader)"), START);
            List<Process> cluster = new ArrayList<>(List.of(masterProcess));
            for (int w = 0; w < 2; w++) {
                Path log = tmp.resolve("worker-" + (w + 1) + ".log");
                cluster.add(start(sparkHome, log, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                        "--port", "0", "--webui-port", "0", "--cores", "1", "--memory", "1g",
                        "--work-dir", workDirs[w].toString(), master));
                awaitMatch(log, Pattern.compile("(Successfully registered with master)"), START);
            }
            assertEquals(2, masterState(masterUi).path("aliveworkers").asInt(), "workers alive before the submit");

            Process submit = start(sparkHome, submitLog, "org.apache.spark.deploy.SparkSubmit",
                    "--master", master, "--deploy-mode", "client", "--class", "dev.valueledger.cli.Main",
                    "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                    "--conf", "spark.executor.memory=768m", "--conf", "spark.executor.cores=1", "--conf", "spark.cores.max=2",
                    "--conf", "spark.sql.shuffle.partitions=2", "--conf", "spark.ui.enabled=false",
                    jar.toString(), "run", "--input", input.toString(), "--lake", clusterLake.toString(),
                    "--quarter", QUARTER, "--insecure-dev-key");
            long deadline = System.nanoTime() + RUN.toNanos();
            while (!submit.waitFor(1, TimeUnit.SECONDS)) {
                for (Process p : cluster) {
                    if (!p.isAlive()) {
                        Assertions.fail("a cluster daemon ended during the run (exit " + p.exitValue() + "): " + tail(submitLog));
                    }
                }
                if (System.nanoTime() > deadline) {
                    Assertions.fail("the cluster run did not finish within " + RUN + ": " + tail(submitLog));
                }
            }
            assertEquals(0, submit.exitValue(), "cluster run failed: " + tail(submitLog));
            masterState = awaitFinished(masterUi);
        } finally {
            stopAll();
        }

        long t2 = System.nanoTime();
        // The master saw one application, finished, and each worker ran an executor of it that ran tasks.
        JsonNode apps = masterState.path("completedapps");
        assertEquals(1, apps.size(), "completed applications: " + masterState);
        String appId = apps.get(0).path("id").asText();
        assertEquals("FINISHED", apps.get(0).path("state").asText(), masterState.toString());
        for (Path work : workDirs) {
            assertTrue(ranTasks(work.resolve(appId)), work + " holds no executor of " + appId + " that ran tasks");
        }

        TreeSet<String> localTables = tables(localLake);
        assertEquals(localTables, tables(clusterLake), "the same curated tables");
        assertTrue(localTables.containsAll(Set.of("epic_impact", "epic_roi", "team_flow_quarter", "team_dora_quarter",
                "mrr_movements_monthly", "revenue_reconciliation", "data_quality_results")), localTables.toString());
        for (String t : localTables) {
            if (ABOUT_THE_RUN.contains(t)) {
                continue;
            }
            Dataset<Row> local = comparable(localLake, t);
            Dataset<Row> cluster = comparable(clusterLake, t);
            long rows = local.count();
            assertTrue(rows > 0 || MAY_BE_EMPTY.contains(t), t + " is empty in the local run: the comparison would prove nothing");
            assertEquals(rows, cluster.count(), t + ": row count");
            assertNoRows(local.exceptAll(cluster), t + ": rows of the local run missing from the cluster run");
            assertNoRows(cluster.exceptAll(local), t + ": rows of the cluster run missing from the local run");
        }
        Dataset<Row> runs = spark().read().format("delta").load(clusterLake.resolve("gold").resolve("pipeline_runs").toString());
        assertEquals(1, runs.count(), "one run recorded in the cluster lakehouse");
        // How long each part took, for deciding where the test can run (CI has a time budget).
        System.err.printf("StandaloneClusterIT: local run %d s, cluster up and run %d s, %d tables compared in %d s%n",
                TimeUnit.NANOSECONDS.toSeconds(t1 - t0), TimeUnit.NANOSECONDS.toSeconds(t2 - t1),
                localTables.size() - ABOUT_THE_RUN.size(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t2));
    }

    /**
     * A table without what describes the run rather than the data (its id; quarantine's detected_at and
     * the run's start quoted in the reason for a timestamp in the future) and with doubles rounded to 6
     * places: sums of doubles may add up in another order when partial results arrive from other
     * executors, and change in the last bits.
     */
    private Dataset<Row> comparable(Path lake, String table) {
        Dataset<Row> df = spark().read().format("delta").load(lake.resolve("gold").resolve(table).toString())
                .drop("run_id", "detected_at");
        List<Column> cols = new ArrayList<>();
        for (StructField f : df.schema().fields()) {
            boolean floating = f.dataType() instanceof DoubleType || f.dataType() instanceof FloatType;
            if (floating) {
                cols.add(round(col(f.name()), 6).as(f.name()));
            } else if (table.equals("quarantine") && f.name().equals("reason")) {
                cols.add(regexp_replace(col("reason"), "after the run started \\([^)]*\\)", "after the run started (RUN START)").as("reason"));
            } else {
                cols.add(col(f.name()));
            }
        }
        return df.select(cols.toArray(new Column[0]));
    }

    /** Fails naming the count and the first rows (the table is tiny; only the rows in question reach the driver). */
    private static void assertNoRows(Dataset<Row> rows, String what) {
        List<Row> first = rows.limit(5).collectAsList();
        if (!first.isEmpty()) {
            Assertions.fail(what + ": " + rows.count() + ", e.g.\n" + first.stream().map(Row::toString).collect(Collectors.joining("\n")));
        }
    }

    private static TreeSet<String> tables(Path lake) throws IOException {
        try (Stream<Path> s = Files.list(lake.resolve("gold"))) {
            return s.filter(p -> Files.isDirectory(p.resolve("_delta_log"))).map(p -> p.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** True when a worker's folder of the application holds an executor whose log shows it running tasks. */
    private static boolean ranTasks(Path appDir) throws IOException {
        if (!Files.isDirectory(appDir)) {
            return false;
        }
        try (Stream<Path> executors = Files.list(appDir)) {
            for (Path e : executors.toList()) {
                Path stderr = e.resolve("stderr");
                if (Files.isRegularFile(stderr) && Files.readString(stderr).contains("Running task ")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The master's state as its web UI gives it in JSON (workers, active and completed applications). */
    private static JsonNode masterState(int uiPort) throws IOException {
        return new ObjectMapper().readTree(new URL("http://127.0.0.1:" + uiPort + "/json/"));
    }

    /** Polls the master until it lists no active application (the driver's goodbye is asynchronous); bounded. */
    private static JsonNode awaitFinished(int uiPort) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        JsonNode state = masterState(uiPort);
        while (state.path("activeapps").size() > 0 || state.path("completedapps").size() == 0) {
            if (System.nanoTime() > deadline) {
                Assertions.fail("the master still lists the application as active: " + state);
            }
            Thread.sleep(250);
            state = masterState(uiPort);
        }
        return state;
    }

    /** Starts a JVM on SPARK_HOME/jars running {@code mainClass}, bound to 127.0.0.1, its output in {@code log}. */
    private Process start(Path sparkHome, Path log, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.addAll(Arrays.asList(System.getProperty("valueledger.it.java-flags", "").split("\\s+")));
        cmd.add("-cp");
        cmd.add(sparkHome.resolve("jars") + File.separator + "*");
        cmd.add(mainClass);
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd.stream().filter(s -> !s.isEmpty()).toList())
                .redirectErrorStream(true).redirectOutput(log.toFile()).directory(tmp.toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", "2.12");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_LOCAL_DIRS", tmp.resolve("spark-local").toString());
        env.remove("SPARK_CONF_DIR");
        env.remove("VALUELEDGER_HASH_KEY");
        Process p = pb.start();
        processes.add(p);
        // If this JVM is itself stopped (a CI timeout sends SIGTERM), finally blocks do not run but
        // shutdown hooks do: the cluster must not outlive the test.
        Thread hook = new Thread(() -> kill(p));
        Runtime.getRuntime().addShutdownHook(hook);
        hooks.add(hook);
        return p;
    }

    /**
     * Waits (bounded) for a line of a process's log to match, polling, as readiness and the ports
     * bound are only told there; returns the pattern's first group.
     */
    private String awaitMatch(Path log, Pattern pattern, Duration within) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                Matcher m = pattern.matcher(Files.readString(log));
                if (m.find()) {
                    return m.group(1);
                }
            }
            for (Process p : processes) {
                if (!p.isAlive()) {
                    Assertions.fail("a cluster process ended early (exit " + p.exitValue() + "): " + tail(log));
                }
            }
            Thread.sleep(250);
        }
        return Assertions.fail("no match of '" + pattern + "' within " + within + ": " + tail(log));
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** Kills every process started, executors (the workers' children) first, and waits for them; bounded. */
    private void stopAll() throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process p : processes) {
            p.descendants().forEach(all::add);
            all.add(p.toHandle());
            kill(p);
        }
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // Not an assertion: it would hide the failure that brought us here.
                System.err.println("process " + h.pid() + " did not end within 30 s of SIGKILL");
            }
        }
        for (Thread hook : hooks) {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        hooks.clear();
        processes.clear();
    }

    private static String required(String property) {
        String v = System.getProperty(property);
        if (v == null) {
            Assertions.fail("system property " + property + " is not set: run with mvn -B verify -Pcluster-it");
        }
        return v;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return log + " (unreadable: " + e.getMessage() + ")";
        }
    }
}

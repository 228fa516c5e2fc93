package dev.valueledger.cluster;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.round;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;


/**
 * The cluster jar on a real Spark standalone cluster (a master and two workers from the Maven jars,
 * each its own JVM, executors in JVMs of their own) writes the same curated tables as a local-mode
 * run of the same input. Run with {@code mvn -B verify -Pcluster-it}, which builds SPARK_HOME and the jar.
 */
class StandaloneClusterIT extends SparkTestBase {

    private static final String QUARTER = "2025-Q4";
    private static final Duration START = Duration.ofMinutes(2);
    private static final Duration RUN = Duration.ofMinutes(20);

    @TempDir
    Path tmp;

    private final List<Process> processes = new ArrayList<>();

    @Test
    void clusterRunWritesTheSameCuratedTablesAsALocalRun() throws Exception {
        Path sparkHome = Path.of(required("valueledger.it.spark-home"));
        Path jar = Path.of(required("valueledger.it.cluster-jar"));
        Path input = tmp.resolve("input");
        CompanyGenerator.generate(input.toString(), new GeneratorOptions(0.01, 7, 0.01));

        Path localLake = tmp.resolve("local-lake");
        Pipeline.run(spark(), TEST_CONFIG.with(Map.of("valueledger.lake.root", localLake.toString())),
                new Pipeline.Request(input.toString(), Optional.of(Quarter.parse(QUARTER, 1)), true), new Progress(System.err));

        Path clusterLake = tmp.resolve("cluster-lake");
        Path submitLog = tmp.resolve("submit.log");
        try {
            int masterPort = freePort();
            Path masterLog = tmp.resolve("master.log");
            start(sparkHome, masterLog, "org.apache.spark.deploy.master.Master",
                    "--host", "127.0.0.1", "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(freePort()));
            awaitLine(masterLog, "I have been elected leader", START);
            String master = "spark://127.0.0.1:" + masterPort;
            for (int w = 1; w <= 2; w++) {
                Path log = tmp.resolve("worker-" + w + ".log");
                start(sparkHome, log, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                        "--webui-port", Integer.toString(freePort()), "--cores", "1", "--memory", "1g",
                        "--work-dir", tmp.resolve("worker-" + w).toString(), master);
                awaitLine(log, "Successfully registered with master", START);
            }
            Process submit = start(sparkHome, submitLog, "org.apache.spark.deploy.SparkSubmit",
                    "--master", master, "--deploy-mode", "client", "--class", "dev.valueledger.cli.Main",
                    "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                    "--conf", "spark.executor.memory=768m", "--conf", "spark.executor.cores=1", "--conf", "spark.cores.max=2",
                    "--conf", "spark.sql.shuffle.partitions=2", "--conf", "spark.ui.enabled=false",
                    jar.toString(), "run", "--input", input.toString(), "--lake", clusterLake.toString(),
                    "--quarter", QUARTER, "--insecure-dev-key");
            if (!submit.waitFor(RUN.toMinutes(), TimeUnit.MINUTES)) {
                Assertions.fail("the cluster run did not finish within " + RUN + "; see " + tail(submitLog));
            }
            assertEquals(0, submit.exitValue(), "cluster run failed: " + tail(submitLog));
        } finally {
            stopAll();
        }
        String log = Files.readString(submitLog);
        // Executors on both workers ran the jobs: the driver was granted one executor per worker.
        assertEquals(2, log.lines().filter(l -> l.contains("Granted executor ID")).count(), tail(submitLog));

        TreeSet<String> localTables = tables(localLake);
        assertEquals(localTables, tables(clusterLake), "the same curated tables");
        for (String t : localTables) {
            if (t.equals("pipeline_runs") || t.equals("data_quality_results")) {
                continue;  // rows about the run itself (ids, times, versions), not figures
            }
            Dataset<Row> local = comparable(localLake, t);
            Dataset<Row> cluster = comparable(clusterLake, t);
            assertEquals(local.count(), cluster.count(), t + ": row count");
            assertEquals(0, local.exceptAll(cluster).count(), t + ": rows of the local run missing from the cluster run");
            assertEquals(0, cluster.exceptAll(local).count(), t + ": rows of the cluster run missing from the local run");
        }
        assertFalse(localTables.isEmpty());
    }

    /**
     * A table without the columns that describe the run (its id; quarantine's detected_at, the run's
     * start) and with doubles rounded to 6 places: sums of doubles may add up in another order when
     * partial results arrive from other executors, and change in the last bits.
     */
    private Dataset<Row> comparable(Path lake, String table) {
        Dataset<Row> df = spark().read().format("delta").load(lake.resolve("gold").resolve(table).toString())
                .drop("run_id", "detected_at");
        List<Column> cols = new ArrayList<>();
        for (StructField f : df.schema().fields()) {
            boolean floating = f.dataType() instanceof DoubleType || f.dataType() instanceof FloatType;
            cols.add(floating ? round(col(f.name()), 6).as(f.name()) : col(f.name()));
        }
        return df.select(cols.toArray(new Column[0]));
    }

    private static TreeSet<String> tables(Path lake) throws IOException {
        try (Stream<Path> s = Files.list(lake.resolve("gold"))) {
            return s.filter(p -> Files.isDirectory(p.resolve("_delta_log"))).map(p -> p.getFileName().toString())
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
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
        Process p = pb.start();
        processes.add(p);
        // If this JVM is itself stopped (a CI timeout sends SIGTERM), finally blocks do not run but
        // shutdown hooks do: the cluster must not outlive the test.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }));
        return p;
    }

    /** Waits (bounded) for a line in a process's log, polling, as readiness is only told there. */
    private void awaitLine(Path log, String text, Duration within) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            for (Process p : processes) {
                if (!p.isAlive()) {
                    Assertions.fail("a cluster process ended early (exit " + p.exitValue() + "): " + tail(log));
                }
            }
            Thread.sleep(250);
        }
        Assertions.fail("no '" + text + "' within " + within + ": " + tail(log));
    }

    /** Kills every process started, executors (the workers' children) first; bounded. */
    private void stopAll() throws InterruptedException {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            p.waitFor(30, TimeUnit.SECONDS);
        }
        processes.clear();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
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

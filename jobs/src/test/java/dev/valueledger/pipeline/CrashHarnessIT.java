package dev.valueledger.pipeline;

import dev.valueledger.config.AppConfig;
import dev.valueledger.generate.CompanyGenerator;
import dev.valueledger.generate.GeneratedInput;
import dev.valueledger.generate.GeneratorOptions;
import dev.valueledger.ingest.IngestTables;
import dev.valueledger.ingest.Source;
import dev.valueledger.publish.Sql;
import dev.valueledger.publish.TableSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 6 crash harness: runs the real command line ({@code java -jar} the standalone jar) on a
 * generated company, kills it with SIGKILL at points spread over every stage of a run, and after
 * each kill asks a reader process ({@code valueledger sql}) what the catalog shows. Readers must
 * see, for every silver and curated table, exactly the content of a complete run; the runs after
 * the kills must take over the dead run's lock without help; and the final uninterrupted run must
 * publish the same tables as the first. {@code -Dvalueledger.it.crash-points=N} sets how many kill
 * points (the {@code crash-it} profile runs 24; the default build 2, to keep CI short).
 */
class CrashHarnessIT {

    private static final Pattern PROGRESS = Pattern.compile("^\\[\\s*[0-9.]+s\\] (\\S+)\\s.*");
    private static final AppConfig CFG = AppConfig.defaults();

    @TempDir
    Path tmp;

    /** Where to kill: once the run printed its {@code line}-th progress line (of stage {@code stage}), after a delay. */
    record KillPoint(int line, String stage, long delayMillis) {
        @Override
        public String toString() {
            return "after progress line " + line + " (" + stage + ") + " + delayMillis + " ms";
        }
    }

    /** One reader's view of a table: rows, a hash of their content without run_id, and the run ids shown. */
    record Seen(long rows, long contentHash, String runIds) { }

    @Test
    void readersOnlyEverSeeCompleteRunsAndTheNextRunFinishesTheJob() throws Exception {
        String jar = System.getProperty("valueledger.it.standalone-jar");
        assertNotNull(jar, "run through failsafe (mvn verify), which passes the standalone jar");
        int wanted = Integer.getInteger("valueledger.it.crash-points", 2);
        Path input = tmp.resolve("input");
        Path lake = tmp.resolve("lake");
        CompanyGenerator.generate(input.toUri().toString(), new GeneratorOptions(0.01, 7, 0.01));

        // An uninterrupted run: what every reader must see from now on (same inputs, same figures).
        Child first = run(jar, input, lake, null);
        assertEquals(0, first.exit(), first.output());
        Map<String, Seen> complete = readers(jar, lake);
        String firstRun = onlyRun(complete);
        List<String> lines = first.progress();

        List<KillPoint> points = choose(lines, wanted);
        Map<String, Integer> survived = new TreeMap<>();
        int killed = 0;
        int finishedFirst = 0;
        boolean lastKilled = false;
        String[] refused = new String[1];
        for (KillPoint p : points) {
            // The first kill past the lock: a second run started while this one is alive must stop at once,
            // naming it (deterministic: the first holds the lock until the second has answered).
            WhileHeld second = refused[0] == null && p.line() > 2 ? () -> refused[0] = run(jar, input, lake, null).output() : null;
            Child c = run(jar, input, lake, p, second);
            lastKilled = c.exit() != 0;
            if (c.exit() == 0) {
                finishedFirst++; // a delayed kill can land after the run's last step; readers are checked all the same
            } else {
                killed++;
            }
            Map<String, Seen> seen = readers(jar, lake);
            Set<String> successful = successfulRuns(seen);
            for (Map.Entry<String, Seen> e : complete.entrySet()) {
                if (e.getKey().equals("value_ledger.pipeline_runs")) {
                    continue;
                }
                Seen now = seen.get(e.getKey());
                assertNotNull(now, e.getKey() + " vanished for readers after a kill " + p);
                assertEquals(e.getValue().rows(), now.rows(), e.getKey() + ": rows after a kill " + p);
                assertEquals(e.getValue().contentHash(), now.contentHash(), e.getKey() + ": content after a kill " + p);
                if (!now.runIds().isEmpty()) {
                    assertTrue(successful.containsAll(Set.of(now.runIds().split(","))),
                            e.getKey() + " shows rows of run(s) " + now.runIds() + " that never succeeded (kill " + p + ")");
                }
            }
            if (c.exit() != 0) {
                survived.merge(p.stage(), 1, Integer::sum);
            }
        }

        assertNotNull(refused[0], "a second run was tried while one held the lakehouse");
        assertTrue(refused[0].contains("holds the lakehouse"), "the second run names the one running:\n" + refused[0]);

        // The next run takes the dead runs' lock over, repairs what they left and publishes the same tables.
        Child last = run(jar, input, lake, null);
        assertEquals(0, last.exit(), last.output());
        if (lastKilled) {
            assertTrue(last.output().contains("took over the lakehouse"), "the dead run's lock was taken over:\n" + last.output());
        }
        Map<String, Seen> after = readers(jar, lake);
        String lastRun = onlyRun(after);
        assertFalse(lastRun.equals(firstRun));
        for (Map.Entry<String, Seen> e : complete.entrySet()) {
            if (!e.getKey().equals("value_ledger.pipeline_runs")) {
                assertEquals(e.getValue().rows(), after.get(e.getKey()).rows(), e.getKey());
                assertEquals(e.getValue().contentHash(), after.get(e.getKey()).contentHash(), e.getKey());
            }
        }
        System.out.printf("crash harness: %d kill points survived (%s), %d runs finished before a delayed kill landed,"
                + " %d tables compared after each, %d runs in all%n", killed, survived, finishedFirst, complete.size() - 1,
                points.size() + 2);
        assertTrue(finishedFirst <= 1 && killed >= points.size() - 1, "kills landed: " + killed + " of " + points.size());
    }

    /**
     * Kill points spread over the run: after each progress line the uninterrupted run printed
     * (the last, "succeeded", aside), then a few delays after the finance stage, where the run
     * records success and publishes; {@code wanted} of them, evenly spaced.
     */
    static List<KillPoint> choose(List<String> lines, int wanted) {
        List<KillPoint> all = new ArrayList<>();
        for (int i = 0; i < lines.size() - 1; i++) {
            all.add(new KillPoint(i + 1, stageOf(lines.get(i)), 0));
        }
        for (int i = 0; i < lines.size(); i++) {
            if (stageOf(lines.get(i)).equals("finance")) {
                for (long d : new long[] {300, 900, 1800}) {
                    all.add(new KillPoint(i + 1, "finance", d));
                }
            }
        }
        if (wanted >= all.size()) {
            return all;
        }
        // Centred spacing: a few points land mid-stage rather than on the very first and last step.
        List<KillPoint> out = new ArrayList<>();
        for (int k = 0; k < wanted; k++) {
            out.add(all.get((int) ((k + 0.5) * all.size() / wanted)));
        }
        return out;
    }

    private static String stageOf(String line) {
        java.util.regex.Matcher m = PROGRESS.matcher(line);
        return m.matches() ? m.group(1) : "?";
    }

    /** A child's exit status, its progress lines and everything it printed. */
    record Child(int exit, List<String> progress, String output) { }

    /** Runs {@code run --all} as a child process; with a kill point, SIGKILLs it there. */
    private Child run(String jar, Path input, Path lake, KillPoint kill) throws Exception {
        return run(jar, input, lake, kill, null);
    }

    /** Something to do while the child is alive and holds the lakehouse, just before it is killed. */
    interface WhileHeld {
        void run() throws Exception;
    }

    private Child run(String jar, Path input, Path lake, KillPoint kill, WhileHeld whileHeld) throws Exception {
        Process p = new ProcessBuilder(javaCommand(jar, "run", "--all", "--input", input.toString(), "--lake", lake.toString(),
                "--insecure-dev-key")).redirectErrorStream(true).start();
        List<String> progress = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                all.append(line).append('\n');
                if (PROGRESS.matcher(line).matches()) {
                    progress.add(line);
                    if (kill != null && progress.size() == kill.line()) {
                        if (whileHeld != null) {
                            whileHeld.run();
                        }
                        Thread.sleep(kill.delayMillis()); // how far into the next step the kill lands, not a wait for a result
                        p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally, the lock file stays
                        break;
                    }
                }
            }
        }
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("child run did not end:\n" + all);
        }
        return new Child(p.exitValue(), progress, all.toString());
    }

    /** What a reader sees: one {@code sql} process, one statement over every pinned table and the run log. */
    private Map<String, Seen> readers(String jar, Path lake) throws Exception {
        List<String> parts = new ArrayList<>();
        List<TableSpec> tables = new ArrayList<>();
        for (Source s : Source.values()) {
            tables.add(IngestTables.silver(s));
        }
        tables.addAll(GoldTables.published(CFG));
        for (TableSpec t : tables) {
            String schema = t.layer() == TableSpec.Layer.SILVER ? CFG.catalog().silverSchema() : CFG.catalog().schema();
            List<String> cols = t.columns().keySet().stream().filter(c -> !c.equals("run_id")).map(Sql::identifier).toList();
            String runIds = t.columns().containsKey("run_id") ? "concat_ws(',', sort_array(collect_set(run_id)))" : "''";
            parts.add("SELECT " + Sql.literal(schema + "." + t.name()) + " AS t, count(*) AS n, coalesce(sum(cast(hash("
                    + String.join(", ", cols) + ") AS BIGINT)), 0) AS h, " + runIds + " AS r FROM " + Sql.qualified(schema, t.name()));
        }
        parts.add("SELECT 'value_ledger.pipeline_runs', count(*), 0, concat_ws(',', sort_array(collect_set(run_id)))"
                + " FROM value_ledger.pipeline_runs WHERE status = 'success'");
        Process p = new ProcessBuilder(javaCommand(jar, "sql", String.join(" UNION ALL ", parts), "--lake", lake.toString(),
                "--format", "csv")).redirectError(tmp.resolve("reader.err").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "reader failed: " + Files.readString(tmp.resolve("reader.err")));
        Map<String, Seen> seen = new LinkedHashMap<>();
        for (String row : out.split("\n")) {
            List<String> f = GeneratedInput.csvFields(row);
            if (f.size() == 4 && !f.get(0).equals("t")) {
                seen.put(f.get(0), new Seen(Long.parseLong(f.get(1)), Long.parseLong(f.get(2)), f.get(3)));
            }
        }
        assertEquals(tables.size() + 1, seen.size(), "every table answered:\n" + out);
        return seen;
    }

    private static Set<String> successfulRuns(Map<String, Seen> seen) {
        return new TreeSet<>(List.of(seen.get("value_ledger.pipeline_runs").runIds().split(",")));
    }

    /** The one run whose rows every curated table shows. */
    private static String onlyRun(Map<String, Seen> seen) {
        Set<String> runs = seen.entrySet().stream().filter(e -> !e.getKey().equals("value_ledger.pipeline_runs"))
                .map(e -> e.getValue().runIds()).filter(r -> !r.isEmpty()).collect(Collectors.toSet());
        assertEquals(1, runs.size(), "all curated tables show one run: " + runs);
        String run = runs.iterator().next();
        assertTrue(successfulRuns(seen).contains(run));
        return run;
    }

    private static List<String> javaCommand(String jar, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-jar", jar));
        cmd.addAll(List.of(args));
        return cmd;
    }
}

package dev.valueledger.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Wrong arguments end with one line that says what to fix and exit status 2 (issue: CONTRACT §4 command line). */
class MainTest {

    @TempDir
    Path dir;

    private record Outcome(int status, String out, String err) { }

    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertOneLineError(Outcome o, String expected) {
        assertEquals(2, o.status(), o.err());
        assertEquals(1, o.err().lines().count(), "one line, no stack trace: " + o.err());
        assertTrue(o.err().startsWith("valueledger: "), o.err());
        assertTrue(o.err().contains(expected), o.err());
    }

    @Test
    void unknownSubcommand() {
        assertOneLineError(run("frobnicate"), "unknown command 'frobnicate'; the commands are demo, generate, run, sql, estimate");
    }

    @Test
    void malformedQuarter() {
        assertOneLineError(run("run", "--input", dir.toString(), "--lake", dir.resolve("lake").toString(), "--quarter", "2025Q3"),
                "quarter '2025Q3' is not of the form YYYY-Qn");
    }

    @Test
    void quarterOrAllIsRequired() {
        assertOneLineError(run("run", "--input", dir.toString(), "--lake", dir.toString()), "exactly one of --quarter YYYY-Qn or --all");
    }

    @Test
    void unknownOption() {
        assertOneLineError(run("run", "--inptu", "x"), "unknown option --inptu for 'run'");
    }

    @Test
    void unreadableConfig() {
        assertOneLineError(run("run", "--input", dir.toString(), "--lake", dir.toString(), "--all",
                "--config", dir.resolve("missing.conf").toString()), "missing.conf does not exist or cannot be read");
    }

    @Test
    void badScaleForGenerate() {
        assertOneLineError(run("generate", "--out", dir.toString(), "--scale", "lots"), "--scale 'lots' must be a number");
    }

    @Test
    void estimateNamesTheMissingOrUnknownOption() {
        assertOneLineError(run("estimate", "--panel", "p.csv", "--unit", "id", "--time", "t", "--outcome", "y"),
                "'estimate' needs --cohort COL");
        assertOneLineError(run("estimate", "--panel", "p.csv", "--unit", "id", "--time", "t", "--outcome", "y", "--cohort", "g",
                "--controls", "never"), "unknown option --controls for 'estimate'");
    }

    @Test
    void helpForEachCommand() {
        for (String c : new String[] {"demo", "generate", "run", "sql", "estimate"}) {
            Outcome o = run(c, "--help");
            assertEquals(0, o.status(), c);
            assertTrue(o.out().startsWith("usage: valueledger " + c), o.out());
        }
        Outcome top = run("--help");
        assertEquals(0, top.status());
        assertFalse(top.out().isEmpty());
    }
}

package dev.valueledger.pipeline;

import dev.valueledger.UserError;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunLockTest {

    /** Heartbeat far slower than any test, so only explicit beat() calls move the clock of the file. */
    private static final RunLock.Timing TIMING = new RunLock.Timing(Duration.ofHours(1), Duration.ofMinutes(2));
    private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

    @TempDir
    Path lake;

    private final Configuration hadoop = new Configuration();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final Progress progress = new Progress(new PrintStream(log, true, StandardCharsets.UTF_8));

    private RunLock acquire(String runId) {
        return RunLock.acquire(hadoop, lake.toString(), runId, T0, TIMING, progress);
    }

    private Path lockFile() {
        return lake.resolve(RunLock.FILE);
    }

    /** A lock left by another process, written the way RunLock writes it, with the given heartbeat. */
    private void plant(String runId, String host, long pid, Instant heartbeat) throws Exception {
        Files.writeString(lockFile(), "{\"run_id\":\"" + runId + "\",\"host\":\"" + host + "\",\"pid\":" + pid
                + ",\"process_start\":\"1970-01-01T00:00:00Z\",\"started_at\":\"2026-01-01T08:00:00Z\"}");
        Files.setLastModifiedTime(lockFile(), java.nio.file.attribute.FileTime.from(heartbeat));
    }

    private String thisHost() {
        try (RunLock l = acquire("probe")) {
            return RunLock.holder(hadoop, lake.toString()).orElseThrow().host();
        }
    }

    @Test
    void heldLockStopsASecondRunNamingTheRunningOne() {
        try (RunLock first = acquire("run-A")) {
            UserError e = assertThrows(UserError.class, () -> acquire("run-B"));
            String m = e.getMessage();
            assertTrue(m.startsWith("run run-A started at 2026-01-05T09:00:00Z on host "), m);
            assertTrue(m.contains("(pid " + ProcessHandle.current().pid() + ") holds the lakehouse"), m);
            assertTrue(m.contains("wait for it or, if it died"), m);
            assertEquals("run-A", RunLock.holder(hadoop, lake.toString()).orElseThrow().runId(), "the loser left the lock alone");
        }
    }

    @Test
    void releaseLetsTheNextRunIn() {
        RunLock first = acquire("run-A");
        first.release();
        assertFalse(Files.exists(lockFile()));
        try (RunLock second = acquire("run-B")) {
            assertEquals("run-B", RunLock.holder(hadoop, lake.toString()).orElseThrow().runId());
        }
        first.release(); // idempotent, and must not delete a lock that is no longer its own
    }

    @Test
    void releaseNeverDeletesAnotherRunsLock() throws Exception {
        RunLock first = acquire("run-A");
        plant("run-C", "elsewhere", 1, Instant.now());
        first.release();
        assertEquals("run-C", RunLock.holder(hadoop, lake.toString()).orElseThrow().runId());
    }

    @Test
    void freshLockOfAnotherHostBlocks() throws Exception {
        // Heartbeat 1 minute old, stale only after 2: the other host's run counts as alive.
        plant("run-X", "other-host", 4242, Instant.now().minus(Duration.ofMinutes(1)));
        UserError e = assertThrows(UserError.class, () -> acquire("run-B"));
        assertTrue(e.getMessage().contains("run run-X started at 2026-01-01T08:00:00Z on host other-host (pid 4242)"), e.getMessage());
    }

    @Test
    void lockWithAnOldHeartbeatIsTakenOver() throws Exception {
        // 10 minutes of silence against a 2-minute timeout.
        plant("run-X", "other-host", 4242, Instant.now().minus(Duration.ofMinutes(10)));
        try (RunLock taken = acquire("run-B")) {
            assertEquals("run-B", RunLock.holder(hadoop, lake.toString()).orElseThrow().runId());
            String said = log.toString(StandardCharsets.UTF_8);
            assertTrue(said.contains("took over the lakehouse from run run-X") && said.contains("has not sent a heartbeat since"), said);
        }
        try (var files = Files.list(lake)) {
            assertEquals(0, files.filter(p -> p.getFileName().toString().contains(".stale-")).count(), "the stale lock was cleared away");
        }
    }

    @Test
    void lockOfADeadProcessOnThisHostIsTakenOverAtOnce() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        String host = thisHost();
        plant("run-X", host, p.pid(), Instant.now()); // heartbeat fresh, but its process is gone
        try (RunLock taken = acquire("run-B")) {
            assertEquals("run-B", RunLock.holder(hadoop, lake.toString()).orElseThrow().runId());
            assertTrue(log.toString(StandardCharsets.UTF_8).contains("is no longer running"), log.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void heartbeatRefreshesTheLockAndNoticesATakeOver() throws Exception {
        try (RunLock lock = acquire("run-A")) {
            Files.setLastModifiedTime(lockFile(), java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofMinutes(10))));
            assertTrue(lock.beat());
            Instant beat = RunLock.holder(hadoop, lake.toString()).orElseThrow().heartbeat();
            assertTrue(beat.isAfter(Instant.now().minus(Duration.ofMinutes(1))), "heartbeat moved to now: " + beat);

            plant("run-C", "other-host", 1, Instant.now());
            assertFalse(lock.beat());
            assertTrue(log.toString(StandardCharsets.UTF_8).contains("run run-A lost the lakehouse lock to run run-C"));
        }
    }

    @Test
    void stalenessRules() {
        RunLock.Holder self = new RunLock.Holder("me", "h1", ProcessHandle.current().pid(), Instant.EPOCH, T0, T0);
        Instant now = T0.plus(Duration.ofMinutes(3));
        // Other host: only the heartbeat counts. 3 min > 2 min timeout: stale; 1 min: alive.
        assertTrue(RunLock.isStale(new RunLock.Holder("x", "h2", 1, Instant.EPOCH, T0, T0), self, TIMING, now));
        assertFalse(RunLock.isStale(new RunLock.Holder("x", "h2", 1, Instant.EPOCH, T0, now.minus(Duration.ofMinutes(1))), self, TIMING, now));
        // Same host, fresh heartbeat, our own live pid: alive. Same pid but another process start: pid reused, stale.
        Instant myStart = ProcessHandle.current().info().startInstant().orElseThrow();
        assertFalse(RunLock.isStale(new RunLock.Holder("x", "h1", self.pid(), myStart, T0, now), self, TIMING, now));
        assertTrue(RunLock.isStale(new RunLock.Holder("x", "h1", self.pid(), myStart.minusSeconds(3600), T0, now), self, TIMING, now));
    }
}

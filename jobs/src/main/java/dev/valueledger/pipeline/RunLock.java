package dev.valueledger.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.valueledger.UserError;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** One writer per lakehouse (issue 6; CONTRACT §3 invariants): a lock file under the lake root naming the run that holds it. */
public final class RunLock implements AutoCloseable {

    /*
     * Why it is safe where it is: create-if-absent is atomic on HDFS and, through O_EXCL, on a local
     * or POSIX-mounted disk, so of two runs starting together exactly one creates the file. The
     * heartbeat is the file's modification time, refreshed with setTimes, so the holder never
     * rewrites the file and a reader never sees it half-written or missing. A stale lock is first
     * renamed aside (atomic: only one contender can move a given file), checked to be the very lock
     * judged stale, and only then replaced by a fresh create-if-absent.
     *
     * Object stores (S3A, GCS, ABFS without hierarchical namespace): create-if-absent is a
     * check-then-write, rename is a copy and setTimes may be ignored, so there the lock only guards
     * against mistakes, not against two schedulers started at the same instant: run one scheduler
     * per lakehouse, or keep the lake root on a file system with atomic create.
     */

    /** The lock file's name under the lake root. */
    public static final String FILE = "_valueledger_run.lock";

    /** How often the holder refreshes its heartbeat, and how old a heartbeat must be to be stale. */
    public record Timing(Duration heartbeatEvery, Duration staleAfter) {
        /** A heartbeat every 10 s; a lock is stale after 2 minutes of silence (12 missed beats, room for long GC pauses). */
        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(10), Duration.ofMinutes(2));
    }

    /** Who holds the lock, as written in the file; {@code heartbeat} is the file's modification time. */
    public record Holder(String runId, String host, long pid, Instant processStart, Instant startedAt, Instant heartbeat) {
        String describe() {
            return "run " + runId + " started at " + startedAt + " on host " + host + " (pid " + pid + ")";
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileSystem fs;
    private final Path path;
    private final Holder self;
    private final Progress progress;
    private final ScheduledExecutorService heartbeat;
    private final AtomicBoolean released = new AtomicBoolean();

    private RunLock(FileSystem fs, Path path, Holder self, Timing timing, Progress progress) {
        this.fs = fs;
        this.path = path;
        this.self = self;
        this.progress = progress;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "valueledger-lock-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = timing.heartbeatEvery().toMillis();
        heartbeat.scheduleWithFixedDelay(this::beatQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /** Takes the lakehouse for {@code runId} with the default timing, or fails naming the run that holds it. */
    public static RunLock acquire(Configuration hadoop, String lakeRoot, String runId, Instant startedAt, Progress progress) {
        return acquire(hadoop, lakeRoot, runId, startedAt, Timing.DEFAULT, progress);
    }

    public static RunLock acquire(Configuration hadoop, String lakeRoot, String runId, Instant startedAt, Timing timing,
                                  Progress progress) {
        Path path = new Path(lakeRoot.replaceAll("/+$", ""), FILE);
        ProcessHandle me = ProcessHandle.current();
        Holder self = new Holder(runId, hostName(), me.pid(), me.info().startInstant().orElse(Instant.EPOCH), startedAt, startedAt);
        try {
            FileSystem fs = path.getFileSystem(hadoop);
            if (fs instanceof LocalFileSystem local) {
                // The raw file system: no checksum side files, and create-if-absent through O_EXCL below.
                fs = local.getRaw();
            }
            fs.mkdirs(path.getParent());
            if (!create(fs, path, self)) {
                Holder other = read(fs, path).orElse(null);
                if (other == null) {
                    // Released between our create and our read: the lakehouse is free now.
                    if (!create(fs, path, self)) {
                        throw busy(read(fs, path).orElse(null), timing);
                    }
                } else if (!isStale(other, self, timing, Instant.now())) {
                    throw busy(other, timing);
                } else {
                    takeOver(fs, path, other, self, timing);
                    progress.report("lock", "took over the lakehouse from " + other.describe()
                            + ", which " + (self.host().equals(other.host()) && !alive(other) ? "is no longer running"
                            : "has not sent a heartbeat since " + other.heartbeat()));
                }
            }
            return new RunLock(fs, path, self, timing, progress);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take the lakehouse lock " + path, e);
        }
    }

    /** The current holder, if any (for messages and tests). */
    public static Optional<Holder> holder(Configuration hadoop, String lakeRoot) {
        Path path = new Path(lakeRoot.replaceAll("/+$", ""), FILE);
        try {
            FileSystem fs = path.getFileSystem(hadoop);
            return read(fs instanceof LocalFileSystem local ? local.getRaw() : fs, path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A lock whose holder stopped beating, or that a process of this host holds which is gone
     * (the pid is dead, or now belongs to a process started at another instant: pid reuse).
     */
    static boolean isStale(Holder other, Holder self, Timing timing, Instant now) {
        if (other.heartbeat().plus(timing.staleAfter()).isBefore(now)) {
            return true;
        }
        return other.host().equals(self.host()) && !alive(other);
    }

    private static boolean alive(Holder h) {
        return ProcessHandle.of(h.pid())
                .filter(ProcessHandle::isAlive)
                .filter(p -> h.processStart().equals(Instant.EPOCH)
                        || p.info().startInstant().map(h.processStart()::equals).orElse(true))
                .isPresent();
    }

    private static UserError busy(Holder other, Timing timing) {
        if (other == null) {
            return new UserError("another run is taking the lakehouse right now; try again");
        }
        return new UserError(other.describe() + " holds the lakehouse (last heartbeat " + other.heartbeat()
                + "); wait for it or, if it died, run again once its heartbeat is older than "
                + timing.staleAfter().toSeconds() + " s (or at once from its host), and the stale lock is taken over");
    }

    /**
     * Moves the stale lock aside under a name only this run uses, checks that what moved is the
     * lock judged stale (not a fresh one another contender created meanwhile), then creates ours.
     */
    private static void takeOver(FileSystem fs, Path path, Holder stale, Holder self, Timing timing) throws IOException {
        Path aside = new Path(path.getParent(), FILE + ".stale-" + self.runId());
        if (!rename(fs, path, aside)) {
            throw busy(read(fs, path).orElse(null), timing);
        }
        Optional<Holder> moved = read(fs, aside);
        if (moved.isEmpty() || !moved.get().runId().equals(stale.runId())) {
            // We moved a live lock: put it back (fails only if a third run already created one, which then holds).
            rename(fs, aside, path);
            throw busy(moved.orElse(null), timing);
        }
        fs.delete(aside, false);
        if (!create(fs, path, self)) {
            throw busy(read(fs, path).orElse(null), timing);
        }
    }

    private static boolean create(FileSystem fs, Path path, Holder h) throws IOException {
        ObjectNode n = JSON.createObjectNode()
                .put("run_id", h.runId()).put("host", h.host()).put("pid", h.pid())
                .put("process_start", h.processStart().toString()).put("started_at", h.startedAt().toString());
        byte[] bytes = JSON.writeValueAsBytes(n);
        if (fs instanceof RawLocalFileSystem raw) {
            // Hadoop's local create checks, then creates: not atomic. CREATE_NEW is (O_EXCL).
            try {
                Files.write(raw.pathToFile(path).toPath(), bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return true;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return false;
            }
        }
        try (FSDataOutputStream out = fs.create(path, false)) {
            out.write(bytes);
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            // Local and HDFS clients report an existing file as a plain IOException; anything else is real.
            if (fs.exists(path)) {
                return false;
            }
            throw e;
        }
        return true;
    }

    /** An atomic rename; false when the source is gone (another contender moved it first). */
    private static boolean rename(FileSystem fs, Path from, Path to) throws IOException {
        try {
            return fs.rename(from, to);
        } catch (FileNotFoundException e) {
            return false;
        }
    }

    private static Optional<Holder> read(FileSystem fs, Path path) throws IOException {
        try {
            FileStatus st = fs.getFileStatus(path);
            byte[] bytes;
            try (InputStream in = fs.open(path)) {
                bytes = in.readAllBytes();
            }
            Instant beat = Instant.ofEpochMilli(st.getModificationTime());
            JsonNode n;
            try {
                n = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
            } catch (IOException unreadable) {
                n = null;
            }
            if (n == null || !n.hasNonNull("run_id")) {
                // Created but not yet written by its holder: held, by a run we cannot name yet.
                return Optional.of(new Holder("(unknown, lock being written)", "?", -1, Instant.EPOCH, beat, beat));
            }
            return Optional.of(new Holder(n.get("run_id").asText(), n.path("host").asText("?"), n.path("pid").asLong(-1),
                    Instant.parse(n.path("process_start").asText(Instant.EPOCH.toString())),
                    Instant.parse(n.path("started_at").asText(beat.toString())), beat));
        } catch (FileNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Refreshes the heartbeat; returns false, and says so, when the lock is no longer this run's. */
    boolean beat() {
        try {
            Optional<Holder> h = read(fs, path);
            if (h.isEmpty() || !h.get().runId().equals(self.runId())) {
                progress.report("lock", "run " + self.runId() + " lost the lakehouse lock to "
                        + h.map(Holder::describe).orElse("nobody") + "; its heartbeat was too old");
                return false;
            }
            fs.setTimes(path, System.currentTimeMillis(), -1);
            return true;
        } catch (IOException e) {
            progress.report("lock", "could not refresh the lakehouse lock heartbeat: " + e.getMessage());
            return false;
        }
    }

    private void beatQuietly() {
        if (!released.get()) {
            beat();
        }
    }

    /** Deletes the lock if it is still this run's; idempotent. */
    public void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        heartbeat.shutdownNow();
        try {
            Optional<Holder> h = read(fs, path);
            if (h.isPresent() && h.get().runId().equals(self.runId())) {
                fs.delete(path, false);
            }
        } catch (IOException e) {
            progress.report("lock", "could not release the lakehouse lock " + path + ": " + e.getMessage()
                    + "; the next run takes it over once it is stale");
        }
    }

    @Override
    public void close() {
        release();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown-host");
        }
    }
}

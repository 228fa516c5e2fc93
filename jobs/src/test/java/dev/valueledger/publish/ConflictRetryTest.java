package dev.valueledger.publish;

import dev.valueledger.SparkTestBase;
import io.delta.exceptions.DeltaConcurrentModificationException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.JavaConverters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConflictRetryTest extends SparkTestBase {

    private static final TableSpec SPEC = TableSpec.gold("conflict_retry_test", "a test table")
            .column("id", "row id").column("run_id", "run that wrote the row").key("id").build();

    @TempDir
    java.nio.file.Path lake;

    private final List<Duration> slept = new ArrayList<>();
    private final ConflictRetry retry = new ConflictRetry(3, Duration.ofMillis(100), Duration.ofMillis(150), slept::add);

    /** The table lives in a temporary folder; leave no catalog entry pointing at it for later tests. */
    @AfterEach
    void dropTestTable() {
        Lakehouse lh = new Lakehouse(spark(), TEST_CONFIG);
        spark().sql("DROP TABLE IF EXISTS " + Sql.qualified(lh.schemaOf(SPEC.layer()), SPEC.name()));
    }

    private static RuntimeException conflict() {
        return new DeltaConcurrentModificationException("concurrent append") { };
    }

    @Test
    void realDeltaConflictIsRetriedAndTheRetryCommits() {
        Lakehouse lh = new Lakehouse(spark(), TEST_CONFIG.with(Map.of("valueledger.lake.root", lake.toString())));
        lh.append(SPEC, df("id INT", row(1)), "r1");
        DeltaLog log = DeltaLog.forTable(spark(), new Path(lh.path(SPEC)));
        AtomicInteger attempts = new AtomicInteger();
        List<Throwable> seen = new ArrayList<>();

        long version = retry.run("delete all", () -> {
            OptimisticTransaction txn = log.startTransaction();
            List<AddFile> files = JavaConverters.seqAsJavaList(txn.filterFiles()); // reads the whole table
            if (attempts.incrementAndGet() == 1) {
                lh.append(SPEC, df("id INT", row(2)), "r2"); // another writer commits in between
            }
            List<Action> removes = new ArrayList<>();
            files.forEach(f -> removes.add(f.remove()));
            try {
                return txn.commit(JavaConverters.asScalaBuffer(removes).toSeq(), DeltaOperations.ManualUpdate$.MODULE$);
            } catch (RuntimeException e) {
                seen.add(e);
                throw e;
            }
        });

        assertEquals(2, attempts.get(), "the first commit conflicted, the second went through");
        assertInstanceOf(io.delta.exceptions.ConcurrentAppendException.class, seen.get(0));
        assertEquals(List.of(Duration.ofMillis(100)), slept);
        // Versions: 0 first append, 1 the concurrent append, 2 the retried delete, which saw both rows.
        assertEquals(2, version);
        assertEquals(0, lh.read(SPEC).count());
    }

    @Test
    void givesUpAfterTheBoundWithBackoffCapped() {
        AtomicInteger attempts = new AtomicInteger();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> retry.run("write t", () -> {
            attempts.incrementAndGet();
            throw conflict();
        }));
        assertEquals(3, attempts.get());
        // 100 ms, then doubled to 200 but capped at 150.
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(150)), slept);
        assertEquals("write t: still conflicting with concurrent writers after 3 attempts", e.getMessage());
    }

    @Test
    void otherFailuresAreNotRetried() {
        AtomicInteger attempts = new AtomicInteger();
        IllegalArgumentException boom = new IllegalArgumentException("bad schema");
        assertSame(boom, assertThrows(IllegalArgumentException.class, () -> retry.run("w", () -> {
            attempts.incrementAndGet();
            throw boom;
        })));
        assertEquals(1, attempts.get());
        assertEquals(List.of(), slept);
    }

    @Test
    void wrappedConflictIsRecognised() {
        AtomicInteger attempts = new AtomicInteger();
        assertEquals("ok", retry.run("w", () -> {
            if (attempts.incrementAndGet() == 1) {
                throw new RuntimeException("job aborted", conflict());
            }
            return "ok";
        }));
        assertEquals(2, attempts.get());
    }
}

package dev.valueledger.publish;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParallelWritesTest {

    @Test
    void versionsComeBackInTheOrderGivenAndWritesOverlap() {
        // Both writes wait for each other: this finishes only if they run at the same time.
        CountDownLatch both = new CountDownLatch(2);
        Map<String, Supplier<Long>> writes = new LinkedHashMap<>();
        writes.put("b", () -> await(both, 7L));
        writes.put("a", () -> await(both, 3L));
        Map<String, Long> out = ParallelWrites.run(2, writes);
        assertEquals(List.of("b", "a"), List.copyOf(out.keySet()));
        assertEquals(List.of(7L, 3L), List.copyOf(out.values()));
    }

    @Test
    void everyWriteFinishesBeforeTheFirstFailureIsRethrown() {
        ConcurrentLinkedQueue<String> done = new ConcurrentLinkedQueue<>();
        IllegalStateException boom = new IllegalStateException("t1 failed");
        Map<String, Supplier<Long>> writes = new LinkedHashMap<>();
        writes.put("t1", () -> { throw boom; });
        writes.put("t2", () -> { done.add("t2"); return 1L; });
        writes.put("t3", () -> { throw new IllegalArgumentException("t3 failed"); });
        writes.put("t4", () -> { done.add("t4"); return 2L; });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ParallelWrites.run(3, writes));
        assertSame(boom, e);
        assertEquals("t3 failed", e.getSuppressed()[0].getMessage());
        assertTrue(done.containsAll(List.of("t2", "t4")));
    }

    @Test
    void oneThreadWritesInOrderOnTheCallingThread() {
        List<String> seen = new java.util.ArrayList<>();
        Map<String, Supplier<Long>> writes = new LinkedHashMap<>();
        for (String k : List.of("x", "y", "z")) {
            writes.put(k, () -> { seen.add(k + "@" + Thread.currentThread().getName()); return 0L; });
        }
        ParallelWrites.run(1, writes);
        String me = Thread.currentThread().getName();
        assertEquals(List.of("x@" + me, "y@" + me, "z@" + me), seen);
    }

    private static long await(CountDownLatch latch, long version) {
        latch.countDown();
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other write never started");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return version;
    }
}

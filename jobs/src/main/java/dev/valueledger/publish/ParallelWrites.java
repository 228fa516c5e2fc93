package dev.valueledger.publish;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Writes several independent tables at once (and checks them, once written). A Delta commit or a
 * small aggregation spends most of its time on the driver, planning and waiting for storage and
 * the log, so a few in flight keep the cores busy; each write stays a single atomic commit, and
 * readers see none of them before the run publishes (issue 7).
 */
public final class ParallelWrites {

    private ParallelWrites() { }

    /**
     * Runs every write (or check), at most {@code threads} at a time, and returns each one's result
     * (a write's Delta version) in the order given. Every one is waited for; then the first failure,
     * if any, is rethrown.
     */
    public static <K, V> Map<K, V> run(int threads, Map<K, Supplier<V>> writes) {
        if (threads <= 1 || writes.size() <= 1) {
            Map<K, V> out = new LinkedHashMap<>();
            writes.forEach((k, w) -> out.put(k, w.get()));
            return out;
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, writes.size()), r -> {
            Thread t = new Thread(r, "valueledger-write-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            Map<K, Future<V>> futures = new LinkedHashMap<>();
            writes.forEach((k, w) -> futures.put(k, pool.submit(w::get)));
            Map<K, V> out = new LinkedHashMap<>();
            List<Throwable> failures = new ArrayList<>();
            for (Map.Entry<K, Future<V>> f : futures.entrySet()) {
                try {
                    out.put(f.getKey(), f.getValue().get());
                } catch (ExecutionException e) {
                    failures.add(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while writing tables", e);
                }
            }
            if (!failures.isEmpty()) {
                Throwable first = failures.get(0);
                failures.subList(1, failures.size()).forEach(first::addSuppressed);
                if (first instanceof RuntimeException re) {
                    throw re;
                }
                if (first instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(first);
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}

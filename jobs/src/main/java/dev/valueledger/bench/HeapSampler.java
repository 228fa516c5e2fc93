package dev.valueledger.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Peak heap used by this JVM while open (driver and, in local mode, executors), sampled every
 * 50 ms on a daemon thread: the JVM keeps no peak of the heap as a whole, only per pool.
 */
final class HeapSampler implements AutoCloseable {

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Thread thread;
    private volatile boolean open = true;
    private volatile long peak;

    HeapSampler() {
        peak = memory.getHeapMemoryUsage().getUsed();
        thread = new Thread(this::sample, "value-ledger-heap-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void sample() {
        while (open) {
            peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    long peakBytes() {
        return Math.max(peak, memory.getHeapMemoryUsage().getUsed());
    }

    @Override
    public void close() {
        open = false;
        thread.interrupt();
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

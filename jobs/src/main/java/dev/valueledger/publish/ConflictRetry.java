package dev.valueledger.publish;

import io.delta.exceptions.DeltaConcurrentModificationException;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/** Retries a Delta write that lost to a concurrent commit, within a bound and with backoff (issue 6 one writer at a time). */
public final class ConflictRetry {

    // Delta raises a conflict before anything is committed, so repeating the whole write never doubles it;
    // jitter keeps two writers from colliding again in lock step.

    /** Pauses between attempts; injectable so tests neither sleep nor race. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** 5 attempts, 200 ms doubling up to 5 s: a write gives up after about 3 s of conflicts. */
    public static final ConflictRetry DEFAULT = new ConflictRetry(5, Duration.ofMillis(200), Duration.ofSeconds(5),
            d -> Thread.sleep(d.toMillis() + ThreadLocalRandom.current().nextLong(d.toMillis() / 2 + 1)));

    private final int maxAttempts;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final Sleeper sleeper;

    public ConflictRetry(int maxAttempts, Duration firstBackoff, Duration maxBackoff, Sleeper sleeper) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        this.maxAttempts = maxAttempts;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.sleeper = sleeper;
    }

    /** Runs {@code write}, again after a concurrent-modification conflict, at most maxAttempts times in all. */
    public <T> T run(String what, Supplier<T> write) {
        Duration backoff = firstBackoff;
        for (int attempt = 1; ; attempt++) {
            try {
                return write.get();
            } catch (RuntimeException e) {
                if (!isConflict(e) || attempt >= maxAttempts) {
                    throw attempt > 1 && isConflict(e)
                            ? new IllegalStateException(what + ": still conflicting with concurrent writers after "
                            + attempt + " attempts", e)
                            : e;
                }
                try {
                    sleeper.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            }
        }
    }

    /** Delta's conflicts, also when Spark wraps them on the way out. */
    static boolean isConflict(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof DeltaConcurrentModificationException) {
                return true;
            }
        }
        return false;
    }
}

package dev.valueledger.pipeline;

import java.io.PrintStream;
import java.util.Locale;

/** Reports the progress of long steps on stderr: elapsed time, stage, what happened, rows. */
public final class Progress {

    private final PrintStream out;
    private final long started = System.nanoTime();

    public Progress(PrintStream out) {
        this.out = out;
    }

    public static Progress silent() {
        return new Progress(new PrintStream(java.io.OutputStream.nullOutputStream()));
    }

    public void report(String stage, String message) {
        double s = (System.nanoTime() - started) / 1e9;
        out.printf(Locale.ROOT, "[%7.1fs] %-9s %s%n", s, stage, message);
        out.flush();
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - started) / 1e9;
    }
}

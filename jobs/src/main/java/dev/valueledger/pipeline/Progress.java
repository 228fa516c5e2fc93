package dev.valueledger.pipeline;

import java.io.PrintStream;
import java.util.Locale;

/** Reports the progress of long steps on stderr: elapsed time, stage, what happened, rows. */
public final class Progress {

    /** Told of every report, on the reporting thread, after it is printed. */
    public interface Listener {
        void reported(String stage, String message);
    }

    private final PrintStream out;
    private final Listener listener;
    private final long started = System.nanoTime();

    public Progress(PrintStream out) {
        this(out, (stage, message) -> { });
    }

    /**
     * Progress that also tells {@code listener} of each report: a report closes a stage, so a
     * benchmark can time stages and tag the Spark jobs that follow (it runs on the pipeline's thread).
     */
    public Progress(PrintStream out, Listener listener) {
        this.out = out;
        this.listener = listener;
    }

    public static Progress silent() {
        return new Progress(new PrintStream(java.io.OutputStream.nullOutputStream()));
    }

    public void report(String stage, String message) {
        double s = (System.nanoTime() - started) / 1e9;
        out.printf(Locale.ROOT, "[%7.1fs] %-9s %s%n", s, stage, message);
        out.flush();
        listener.reported(stage, message);
    }

}

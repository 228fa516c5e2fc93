package dev.valueledger.bench;

import dev.valueledger.pipeline.Progress;
import org.apache.spark.SparkContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts one pipeline run into the stretches between its progress reports and puts the Spark jobs of
 * each stretch in a job group of its own. A report names the stage it closes, which is not known
 * while the stage runs, so the groups are numbered and named once closed.
 */
final class StageClock implements Progress.Listener {

    /** One closed stretch: the stage its report named, its job group and its wall time. */
    record Stretch(String stage, String jobGroup, long nanos) { }

    private final SparkContext sc;
    private final String prefix;
    private final List<Stretch> closed = new ArrayList<>();
    private long openedAt;

    StageClock(SparkContext sc, String prefix) {
        this.sc = sc;
        this.prefix = prefix;
    }

    void start() {
        openedAt = System.nanoTime();
        tag();
    }

    @Override
    public void reported(String stage, String message) {
        long now = System.nanoTime();
        closed.add(new Stretch(stage, group(closed.size()), now - openedAt));
        openedAt = now;
        tag();
    }

    /** The stretches closed so far; clears the job group of the calling thread. */
    List<Stretch> stop() {
        sc.clearJobGroup();
        return List.copyOf(closed);
    }

    private void tag() {
        sc.setJobGroup(group(closed.size()), "value ledger bench: stage " + (closed.size() + 1), false);
    }

    private String group(int index) {
        return prefix + "-" + index;
    }
}

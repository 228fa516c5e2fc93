package dev.valueledger.bench;

import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sums the task metrics of every Spark stage by the job group its job ran under (records read and
 * written, shuffle bytes, tasks) and counts the jobs, so a benchmark can tell what each pipeline
 * stage cost.
 */
final class TaskTotals extends SparkListener {

    /** What the tasks of one job group did, summed. */
    record Totals(long recordsRead, long recordsWritten, long shuffleReadBytes, long shuffleWriteBytes, long tasks, long jobs) {
        static final Totals NONE = new Totals(0, 0, 0, 0, 0, 0);

        Totals plus(Totals o) {
            return new Totals(recordsRead + o.recordsRead, recordsWritten + o.recordsWritten,
                    shuffleReadBytes + o.shuffleReadBytes, shuffleWriteBytes + o.shuffleWriteBytes, tasks + o.tasks, jobs + o.jobs);
        }
    }

    private static final String JOB_GROUP = "spark.jobGroup.id";

    private final Map<Integer, String> groupOfStage = new ConcurrentHashMap<>();
    private final Map<String, Totals> byGroup = new ConcurrentHashMap<>();

    @Override
    public void onJobStart(SparkListenerJobStart job) {
        String group = job.properties() == null ? null : job.properties().getProperty(JOB_GROUP);
        if (group == null) {
            return;
        }
        for (StageInfo s : scala.collection.JavaConverters.seqAsJavaList(job.stageInfos())) {
            groupOfStage.putIfAbsent(s.stageId(), group);
        }
        byGroup.merge(group, new Totals(0, 0, 0, 0, 0, 1), Totals::plus);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd task) {
        String group = groupOfStage.get(task.stageId());
        TaskMetrics m = task.taskMetrics();
        if (group == null || m == null) {
            return;
        }
        Totals t = new Totals(m.inputMetrics().recordsRead(), m.outputMetrics().recordsWritten(),
                m.shuffleReadMetrics().totalBytesRead(), m.shuffleWriteMetrics().bytesWritten(), 1, 0);
        byGroup.merge(group, t, Totals::plus);
    }

    /** Totals per job group so far, once the listener bus has delivered every event posted before this call. */
    Map<String, Totals> drain(SparkContext sc) {
        // Events reach listeners asynchronously; waiting (bounded) makes the last stage's tasks count.
        try {
            sc.listenerBus().waitUntilEmpty(60_000);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Spark's listener bus did not drain within 60 s", e);
        }
        return new HashMap<>(byGroup);
    }

    void clear() {
        groupOfStage.clear();
        byGroup.clear();
    }
}

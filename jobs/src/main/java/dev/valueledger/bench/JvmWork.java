package dev.valueledger.bench;

import org.apache.spark.metrics.source.CodegenMetrics;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * What this JVM has worked so far (issue 7): CPU of all its threads, time in the JIT compiler, and
 * classes Spark generated and compiled. Two readings apart give a run's share; in local mode that is
 * the driver's and the executors' work together.
 */
record JvmWork(double cpuSeconds, double jitSeconds, long generatedClasses) {

    static JvmWork now() {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        double jitSeconds = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() / 1e3 : 0;
        return new JvmWork(os.getProcessCpuTime() / 1e9, jitSeconds, CodegenMetrics.METRIC_COMPILATION_TIME().getCount());
    }

    JvmWork minus(JvmWork earlier) {
        return new JvmWork(cpuSeconds - earlier.cpuSeconds, jitSeconds - earlier.jitSeconds, generatedClasses - earlier.generatedClasses);
    }
}

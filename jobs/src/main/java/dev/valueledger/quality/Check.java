package dev.valueledger.quality;

/**
 * The outcome of one data-quality check (a row of {@code data_quality_results}, CONTRACT §3):
 * {@code pass}, {@code warn} or {@code fail}; a failed blocking check fails the run.
 */
public record Check(String checkName, String tableName, String status, double observed, Double threshold,
                    boolean blocking, String details) {

    public static Check of(String name, String table, boolean ok, double observed, Double threshold,
                           boolean blocking, String details) {
        return new Check(name, table, ok ? "pass" : blocking ? "fail" : "warn", observed, threshold, blocking, details);
    }

    public boolean failed() {
        return "fail".equals(status);
    }
}

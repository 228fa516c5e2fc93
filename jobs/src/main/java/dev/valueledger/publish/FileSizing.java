package dev.valueledger.publish;

import org.apache.spark.sql.Dataset;

/**
 * How many files a write of a known number of rows makes (issue 7: tiny files). A table written
 * straight from a shuffle gets a file per shuffle partition whatever its size: silver fx_rates, 31
 * rows, was 8 files, and each run appended 66 small quarantine files. Every file costs a write
 * task, a Parquet footer, an entry in the Delta log and an open for every later reader.
 */
public final class FileSizing {

    /**
     * Rows up to which a table is written as one file: about 20 MB of Parquet for product events,
     * and a second or two of work for the one task that writes it.
     */
    public static final long ROWS_PER_FILE = 1_000_000L;

    private FileSizing() { }

    /**
     * Partitions for {@code rows} rows on their way to a table: one when they fit in a file, else
     * the {@code configured} shuffle partitions, as before. Nothing between: on 2 cores, 3
     * partitions of a 2-million-row source leave a core idle for a third of the work, where 8 keep
     * both busy (a first version with a partition per million rows ran scale 1 about 5% slower).
     */
    public static int partitions(long rows, int configured) {
        if (rows < 0) {
            throw new IllegalArgumentException("a row count cannot be negative: " + rows);
        }
        return rows <= ROWS_PER_FILE ? 1 : Math.max(1, configured);
    }

    /**
     * {@code df}, of {@code rows} rows (what the caller counted), in {@link #partitions} partitions,
     * without a shuffle: partitions are merged, never split.
     */
    public static <T> Dataset<T> forRows(Dataset<T> df, long rows, int configured) {
        return df.coalesce(partitions(rows, configured));
    }
}

package dev.valueledger.pipeline;

import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/** The restatements table (issue 6): figures of a closed quarter that a later successful run changed, closed against current. */
public final class Restatements {

    public static final TableSpec SPEC = TableSpec.gold("restatements",
                    "Figures of closed quarters that a later run changed: closed against current value, by table, key and column (issue 6 restatement)")
            .column("quarter", "Closed quarter YYYY-Qn that was restated")
            .column("table_name", "Gold table holding the figure (a quarter-sliced table of CONTRACT §3)")
            .column("key", "The row's key (TableSpec key of the table) as JSON {column: value}")
            .column("column_name", "Column whose figure changed; '*' when the whole row was added or removed")
            .column("closed_value", "Value as closed (VERSION AS OF quarter_closes.table_versions), as text; for '*' the closed row as JSON, null if the row is new")
            .column("current_value", "Value after the restating run, as text; for '*' the current row as JSON, null if the row is gone")
            .column("restated_by_run_id", "Run whose output restated the figure (pipeline_runs.run_id)")
            .column("closed_at", "The close compared with (quarter_closes.closed_at, the quarter's latest close)")
            .column("detected_at", "When the restating run compared the figures (UTC)")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .key("quarter", "table_name", "key", "column_name", "restated_by_run_id")
            .live()
            .build();

    private Restatements() { }

    /**
     * Records the restated figures of the run's closed quarters; returns the restatements version
     * written, or nothing when none of the run's quarters is closed.
     */
    public static Map<String, Long> record(RunContext ctx, List<Quarter> quarters) {
        return record(ctx, quarters, GoldTables.quarterSliced());
    }

    /** As {@link #record(RunContext, List)}, comparing the given quarter-sliced tables. */
    public static Map<String, Long> record(RunContext ctx, List<Quarter> quarters, List<TableSpec> tables) {
        List<QuarterClose.Closed> closes = QuarterClose.latest(ctx.lake(), quarters.stream().map(Quarter::label).toList());
        if (closes.isEmpty()) {
            return Map.of();
        }
        Timestamp detected = Timestamp.from(Instant.now());
        Dataset<Row> rows = closes.stream()
                .map(c -> QuarterDiff.sinceClose(ctx.lake(), c, tables)
                        .withColumn("closed_at", lit(Timestamp.from(c.closedAt()))))
                .reduce(Dataset::unionByName).orElseThrow()
                .withColumn("restated_by_run_id", lit(ctx.runId()))
                .withColumn("detected_at", lit(detected));
        long version = ctx.lake().append(SPEC, rows, ctx.runId());
        long changed = ctx.lake().read(SPEC).filter(col("restated_by_run_id").equalTo(ctx.runId())).count();
        ctx.progress().report("restate", "restated closed quarter(s) "
                + String.join(", ", closes.stream().map(QuarterClose.Closed::quarter).toList())
                + ": " + changed + " figure(s) differ from the close, see table restatements");
        return Map.of(SPEC.name(), version);
    }
}

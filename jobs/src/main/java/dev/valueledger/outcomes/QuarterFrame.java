package dev.valueledger.outcomes;

import dev.valueledger.pipeline.Quarter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.sql.Date;
import java.util.List;

/** The quarters of a run as rows (quarter, quarter_start, quarter_end exclusive, UTC midnights), so every quarter is computed in one job (CONTRACT conventions: quarters). */
final class QuarterFrame {

    private QuarterFrame() { }

    static Dataset<Row> of(SparkSession spark, List<Quarter> quarters) {
        if (quarters.isEmpty()) {
            throw new IllegalArgumentException("no quarter to compute");
        }
        // Dates become timestamps in the session time zone, which the pipeline pins to UTC.
        List<Row> rows = quarters.stream()
                .map(q -> RowFactory.create(q.label(), Date.valueOf(q.start()), Date.valueOf(q.end())))
                .toList();
        return spark.createDataFrame(rows, StructType.fromDDL("quarter STRING, quarter_start DATE, quarter_end DATE"))
                .selectExpr("quarter", "CAST(quarter_start AS TIMESTAMP) AS quarter_start",
                        "CAST(quarter_end AS TIMESTAMP) AS quarter_end");
    }
}

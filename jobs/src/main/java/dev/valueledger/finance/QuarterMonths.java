package dev.valueledger.finance;

import dev.valueledger.pipeline.Quarter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.time.format.DateTimeFormatter;
import java.util.List;

/** The months that bound each reporting quarter of a run, as a small table to join monthly figures to (CONTRACT conventions: quarters). */
final class QuarterMonths {

    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy-MM");

    private QuarterMonths() { }

    /** quarter, prev_month (the month before the quarter), first_month, last_month: 'YYYY-MM' labels. */
    static Dataset<Row> of(SparkSession spark, List<Quarter> quarters) {
        List<Row> rows = quarters.stream().map(q -> RowFactory.create(q.label(),
                q.start().minusMonths(1).format(MONTH), q.start().format(MONTH),
                q.end().minusMonths(1).format(MONTH))).toList();
        return spark.createDataFrame(rows, StructType.fromDDL(
                "quarter STRING, prev_month STRING, first_month STRING, last_month STRING"));
    }
}

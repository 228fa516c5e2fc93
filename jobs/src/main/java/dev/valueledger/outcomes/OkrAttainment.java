package dev.valueledger.outcomes;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;

/** team_value_quarter.okr_attainment: per team and quarter, the mean attainment of its scored key results, each clamped to [0, 1] (CONTRACT §2 Outcome attainment, §3 team_value_quarter). */
public final class OkrAttainment {

    /** Comment for the okr_attainment column of team_value_quarter. */
    public static final String COLUMN_COMMENT = "Mean over the team's key results of the quarter with status achieved, partial or missed "
            + "(okr_progress) of their attainment clamped to [0, 1] first, so one overshoot cannot hide a miss and a regression counts as 0; "
            + "key results without data or inconclusive are left out; null when the team has none scored";

    private OkrAttainment() { }

    /** team_id, quarter, okr_attainment (DOUBLE) from {@link OkrProgress#compute} rows; teams without a scored key result get no row. */
    public static Dataset<Row> perTeamQuarter(Dataset<Row> okrProgress) {
        Column clamped = least(greatest(col("attainment"), lit(0.0)), lit(1.0));
        return okrProgress
                .filter(col("status").isin(Attainment.ACHIEVED, Attainment.PARTIAL, Attainment.MISSED))
                .groupBy(col("team_id"), col("quarter"))
                .agg(avg(clamped).as("okr_attainment"))
                .select(col("team_id"), col("quarter"), col("okr_attainment"));
    }
}

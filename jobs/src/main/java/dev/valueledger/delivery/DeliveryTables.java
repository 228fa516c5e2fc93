package dev.valueledger.delivery;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The delivery gold tables (each written with the SPEC of the class that computes it) and the unmapped statuses for data_quality_results (CONTRACT §2, §3). */
public record DeliveryTables(Dataset<Row> dimTeam, Dataset<Row> dimEpic, Dataset<Row> epicDelivery,
                             Dataset<Row> teamFlowQuarter, Dataset<Row> teamDoraQuarter, Dataset<Row> incidentLinks,
                             Dataset<Row> pullRequestDelivery, Dataset<Row> unmappedStatuses) { }

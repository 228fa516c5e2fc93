package dev.valueledger.delivery;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The silver inputs of the delivery metrics, in the schemas of {@code Source} (CONTRACT §1); optional sources may be empty. */
public record DeliveryInputs(Dataset<Row> teams, Dataset<Row> epics, Dataset<Row> workItems, Dataset<Row> transitions,
                             Dataset<Row> pullRequests, Dataset<Row> deployments, Dataset<Row> incidents) { }

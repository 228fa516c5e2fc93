package dev.valueledger.pipeline;

import dev.valueledger.config.AppConfig;
import dev.valueledger.publish.Lakehouse;
import org.apache.spark.sql.SparkSession;

import java.time.Instant;

/** What every stage of one run shares: its id and start, configuration, session, lakehouse, progress. */
public record RunContext(String runId, Instant startedAt, AppConfig cfg, SparkSession spark, Lakehouse lake,
                         Progress progress) { }

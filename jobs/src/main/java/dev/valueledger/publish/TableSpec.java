package dev.valueledger.publish;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * A table the pipeline writes: its layer, name, description, columns with the comment that says
 * where each figure comes from, partitioning and key. The comments travel into the Delta schema,
 * so {@code DESCRIBE} and BI tools show them.
 */
public record TableSpec(Layer layer, String name, String description, Map<String, String> columns,
                        List<String> partitionBy, List<String> key, boolean live) {

    /** Medallion layers: as received, conformed, curated (CONTRACT §3). */
    public enum Layer { BRONZE, SILVER, GOLD }

    public TableSpec {
        Sql.identifier(name);
        columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        partitionBy = List.copyOf(partitionBy);
        key = List.copyOf(key);
        for (String c : partitionBy) {
            if (!columns.containsKey(c)) {
                throw new IllegalArgumentException(name + ": partition column " + c + " is not a column");
            }
        }
    }

    /** Starts a gold table definition. */
    public static Builder gold(String name, String description) {
        return new Builder(Layer.GOLD, name, description);
    }

    public static Builder of(Layer layer, String name, String description) {
        return new Builder(layer, name, description);
    }

    /**
     * Whether readers see every commit as it lands (bronze and the run history: pipeline_runs,
     * quarantine, data-quality results, closes, restatements) rather than a view pinned to the last
     * good run's version, as for silver and the curated tables (CONTRACT §3, issue 6 crash safety).
     */
    public boolean pinned() {
        return !live;
    }

    /**
     * Whether Delta keeps per-file column statistics (minimum, maximum, nulls) for skipping files on
     * filtered reads. Bronze is read whole, once per run, by ingest's checks, and replaced by the next
     * run: its statistics skip nothing and cost a fifth of writing it (product events at scale 1:
     * 6.5 s with them, 5.2 s without, docs/benchmark.md stop 19).
     */
    public boolean skippingStatistics() {
        return layer != Layer.BRONZE;
    }

    public boolean partitionedByQuarter() {
        return partitionBy.contains("quarter");
    }

    /**
     * Selects exactly the declared columns, in order, with their comments attached. A missing
     * column is a programming error and fails here, before anything is written.
     */
    public Dataset<Row> conform(Dataset<Row> df) {
        List<String> missing = new ArrayList<>();
        List<String> present = Arrays.asList(df.columns());
        List<Column> cols = new ArrayList<>();
        for (Map.Entry<String, String> e : columns.entrySet()) {
            if (!present.contains(e.getKey())) {
                missing.add(e.getKey());
                continue;
            }
            Metadata md = new MetadataBuilder().putString("comment", e.getValue()).build();
            cols.add(col(e.getKey()).as(e.getKey(), md));
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("table " + name + " is missing columns " + missing + "; it has " + present);
        }
        return df.select(cols.toArray(new Column[0]));
    }

    /** Builds a spec column by column, so each definition reads as a list of documented fields. */
    public static final class Builder {
        private final Layer layer;
        private final String name;
        private final String description;
        private final Map<String, String> columns = new LinkedHashMap<>();
        private List<String> partitionBy = List.of();
        private List<String> key = List.of();
        private boolean live;

        private Builder(Layer layer, String name, String description) {
            this.layer = layer;
            this.live = layer == Layer.BRONZE;
            this.name = name;
            this.description = description;
        }

        public Builder column(String column, String comment) {
            if (columns.put(column, comment) != null) {
                throw new IllegalArgumentException(name + ": column " + column + " declared twice");
            }
            return this;
        }

        public Builder partitionBy(String... cols) {
            this.partitionBy = List.of(cols);
            return this;
        }

        public Builder key(String... cols) {
            this.key = List.of(cols);
            return this;
        }

        /** A history table: readers see each commit at once, also those of a run that later failed. */
        public Builder live() {
            this.live = true;
            return this;
        }

        public TableSpec build() {
            return new TableSpec(layer, name, description, columns, partitionBy, key, live);
        }
    }
}

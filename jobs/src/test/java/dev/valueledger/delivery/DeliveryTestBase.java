package dev.valueledger.delivery;

import dev.valueledger.SparkTestBase;
import dev.valueledger.ingest.Source;
import dev.valueledger.pipeline.Quarter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Fixture helpers for the delivery tests: silver-schema DataFrames and UTC instants from ISO-8601 with offsets. */
abstract class DeliveryTestBase extends SparkTestBase {

    static final Quarter Q1_2025 = Quarter.parse("2025-Q1", 1);
    static final double EPS = 1e-9;

    /** An instant from ISO-8601 with an offset or Z, as silver holds it. */
    static Timestamp ts(String iso) {
        return Timestamp.from(OffsetDateTime.parse(iso).toInstant());
    }

    /** Rows may leave out trailing optional columns (e.g. the pseudonymised assignee or author). */
    Dataset<Row> silver(Source source, Object[]... rows) {
        List<Row> list = new ArrayList<>();
        for (Object[] r : rows) {
            list.add(RowFactory.create(java.util.Arrays.copyOf(r, Math.max(r.length, source.silverSchema().size()))));
        }
        return spark().createDataFrame(list, source.silverSchema());
    }

    Dataset<Row> empty(Source source) {
        return silver(source);
    }

    /** Work item with the columns of Source.WORK_ITEMS. */
    static Object[] item(String key, String type, String epic, String team, String status, String resolvedAt,
                         Double points, List<String> labels) {
        return row(key, type, epic, team, status, ts("2024-12-01T00:00:00Z"),
                resolvedAt == null ? null : ts(resolvedAt), points, labels);
    }

    static Object[] transition(String key, String from, String to, String at) {
        return row(key, from, to, ts(at));
    }

    static Object[] team(String id) {
        return row(id, "Team " + id, "P1", "Product one");
    }

    static Object[] epic(String key, String team, String category, String releasedAt) {
        return row(key, "Epic " + key, team, "In Progress", ts("2024-12-01T00:00:00Z"), category, List.of("f1"),
                releasedAt == null ? null : ts(releasedAt), null, List.of(), null);
    }

    static Object[] deployment(String id, String service, String team, String env, String status, String finishedAt,
                               List<String> shas) {
        return row(id, service, team, env, status, ts(finishedAt), ts(finishedAt), shas);
    }

    /** Rows keyed by the string in their first column. */
    static Map<String, Row> byKey(Dataset<Row> df, String keyColumn) {
        Map<String, Row> m = new HashMap<>();
        for (Row r : df.collectAsList()) {
            m.put(r.getAs(keyColumn), r);
        }
        return m;
    }
}

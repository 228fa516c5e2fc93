package dev.valueledger.finance;

import dev.valueledger.SparkTestBase;
import dev.valueledger.ingest.Source;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;

/** Silver fixtures of work, transitions, team costs and Epics for the finance tests. */
abstract class CostFixtures extends SparkTestBase {

    static final Instant AS_OF = Instant.parse("2025-04-01T00:00:00Z");
    static final String DIM_EPIC = "epic_key STRING, team_id STRING, investment_category STRING, capitalizable BOOLEAN, released_at TIMESTAMP";

    static Timestamp ts(String iso) {
        return Timestamp.from(Instant.parse(iso));
    }

    static BigDecimal eur(String v) {
        return new BigDecimal(v);
    }

    /** A work item of a team, under an Epic or not (null), type Story unless given. */
    static Object[] item(String key, String epic, String team) {
        return row(key, "Story", epic, team, "Done", ts("2024-12-01T00:00:00Z"), null, null, null, null);
    }

    static Object[] move(String item, String to, String at) {
        return row(item, null, to, ts(at));
    }

    static Object[] cost(String team, String month, String currency, String amount) {
        return row(team, month, currency, new BigDecimal(amount), null);
    }

    Dataset<Row> items(Object[]... rows) {
        return df(Source.WORK_ITEMS.silverSchema().toDDL(), rows);
    }

    Dataset<Row> transitions(Object[]... rows) {
        return df(Source.WORK_ITEM_TRANSITIONS.silverSchema().toDDL(), rows);
    }

    Dataset<Row> teamCosts(Object[]... rows) {
        return df(Source.TEAM_COSTS.silverSchema().toDDL(), rows);
    }

    Dataset<Row> fx(Object[]... rows) {
        return df(Source.FX_RATES.silverSchema().toDDL(), rows);
    }

    /** The transform yields exactly the spec's columns but run_id, which Lakehouse fills. */
    static void assertMatchesSpec(dev.valueledger.publish.TableSpec spec, Dataset<Row> actual) {
        java.util.Set<String> declared = new java.util.TreeSet<>(spec.columns().keySet());
        declared.remove("run_id");
        org.junit.jupiter.api.Assertions.assertEquals(declared, new java.util.TreeSet<>(java.util.List.of(actual.columns())),
                spec.name() + " columns");
    }

    /** Same rows with every column nullable, so computed and fixture schemas compare on types only. */
    Dataset<Row> loose(Dataset<Row> d) {
        StructField[] f = d.schema().fields().clone();
        for (int i = 0; i < f.length; i++) {
            f[i] = new StructField(f[i].name(), f[i].dataType(), true, f[i].metadata());
        }
        return spark().createDataFrame(d.javaRDD(), new StructType(f));
    }
}

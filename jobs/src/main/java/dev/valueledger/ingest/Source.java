package dev.valueledger.ingest;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The input sources of CONTRACT §1 with their silver (typed, conformed) schema: every column,
 * its type, which columns form the key, which are required, and which carry personal data.
 */
public enum Source {
    TEAMS("teams", true, List.of("team_id"), Set.of(),
            "team_id STRING NOT NULL, name STRING NOT NULL, product_id STRING NOT NULL, product_name STRING NOT NULL"),
    EPICS("epics", true, List.of("epic_key"), Set.of(),
            "epic_key STRING NOT NULL, title STRING NOT NULL, team_id STRING NOT NULL, status STRING NOT NULL, "
                    + "created_at TIMESTAMP NOT NULL, investment_category STRING NOT NULL, feature_keys ARRAY<STRING>, "
                    + "released_at TIMESTAMP, outcome STRUCT<metric: STRING, direction: STRING, baseline: DECIMAL(38,6), "
                    + "target: DECIMAL(38,6), window_days: INT, hypothesis: STRING>, key_results ARRAY<STRING>, "
                    + "capitalizable BOOLEAN"),
    WORK_ITEMS("work_items", true, List.of("item_key"), Set.of("assignee"),
            "item_key STRING NOT NULL, type STRING NOT NULL, epic_key STRING, team_id STRING NOT NULL, "
                    + "status STRING NOT NULL, created_at TIMESTAMP NOT NULL, resolved_at TIMESTAMP, "
                    + "story_points DOUBLE, labels ARRAY<STRING>, assignee STRING"),
    WORK_ITEM_TRANSITIONS("work_item_transitions", true, List.of("item_key", "changed_at", "to_status"), Set.of(),
            "item_key STRING NOT NULL, from_status STRING, to_status STRING NOT NULL, changed_at TIMESTAMP NOT NULL"),
    PULL_REQUESTS("pull_requests", false, List.of("pr_id"), Set.of("author"),
            "pr_id STRING NOT NULL, repo STRING NOT NULL, title STRING NOT NULL, branch STRING NOT NULL, created_at TIMESTAMP NOT NULL, "
                    + "first_commit_at TIMESTAMP, merged_at TIMESTAMP, merge_commit_sha STRING, item_keys ARRAY<STRING>, "
                    + "author STRING"),
    DEPLOYMENTS("deployments", false, List.of("deployment_id"), Set.of(),
            "deployment_id STRING NOT NULL, service STRING NOT NULL, team_id STRING NOT NULL, environment STRING NOT NULL, "
                    + "status STRING NOT NULL, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP NOT NULL, "
                    + "commit_shas ARRAY<STRING>"),
    INCIDENTS("incidents", false, List.of("incident_id"), Set.of(),
            "incident_id STRING NOT NULL, service STRING NOT NULL, team_id STRING NOT NULL, severity STRING NOT NULL, "
                    + "started_at TIMESTAMP NOT NULL, resolved_at TIMESTAMP, caused_by_deployment_id STRING"),
    ACCOUNTS("accounts", true, List.of("account_id"), Set.of(),
            "account_id STRING NOT NULL, created_at TIMESTAMP NOT NULL, segment STRING NOT NULL, region STRING NOT NULL, plan STRING NOT NULL"),
    PRODUCT_EVENTS("product_events", true, List.of("event_id"), Set.of("user_id"),
            "event_id STRING NOT NULL, timestamp TIMESTAMP NOT NULL, account_id STRING NOT NULL, user_id STRING, "
                    + "event STRING NOT NULL, feature_key STRING, properties STRING"),
    FEATURE_EXPOSURES("feature_exposures", false, List.of("account_id", "feature_key", "exposed_at"), Set.of(),
            "account_id STRING NOT NULL, feature_key STRING NOT NULL, variant STRING NOT NULL, exposed_at TIMESTAMP NOT NULL"),
    INVOICE_LINES("invoice_lines", true, List.of("invoice_id", "line_id"), Set.of(),
            "invoice_id STRING NOT NULL, line_id STRING NOT NULL, account_id STRING NOT NULL, kind STRING NOT NULL, "
                    + "status STRING NOT NULL, currency STRING NOT NULL, amount DECIMAL(20,4) NOT NULL, "
                    + "period_start DATE NOT NULL, period_end DATE NOT NULL"),
    FX_RATES("fx_rates", false, List.of("month", "currency"), Set.of(),
            "month STRING NOT NULL, currency STRING NOT NULL, rate_to_reporting DECIMAL(20,10) NOT NULL"),
    TEAM_COSTS("team_costs", true, List.of("team_id", "month"), Set.of(),
            "team_id STRING NOT NULL, month STRING NOT NULL, currency STRING NOT NULL, loaded_cost DECIMAL(20,4) NOT NULL, "
                    + "fte DECIMAL(10,2) NOT NULL"),
    OKRS("okrs", false, List.of("objective_id"), Set.of(),
            "objective_id STRING NOT NULL, objective STRING NOT NULL, team_id STRING NOT NULL, quarter STRING NOT NULL, "
                    + "key_results ARRAY<STRUCT<kr_id: STRING, description: STRING, metric: STRING, direction: STRING, "
                    + "baseline: DECIMAL(38,6), target: DECIMAL(38,6), epic_keys: ARRAY<STRING>>>"),
    OKR_CHECKINS("okr_checkins", false, List.of("kr_id", "date"), Set.of(),
            "kr_id STRING NOT NULL, date DATE NOT NULL, value DECIMAL(38,6) NOT NULL");

    private final String sourceName;
    private final boolean required;
    private final List<String> key;
    private final Set<String> personalColumns;
    private final StructType declared;
    private final StructType silverSchema;

    Source(String sourceName, boolean required, List<String> key, Set<String> personalColumns, String ddl) {
        this.sourceName = sourceName;
        this.required = required;
        this.key = key;
        this.personalColumns = personalColumns;
        this.declared = StructType.fromDDL(ddl);
        // Silver columns are nullable as Spark writes them; which ones a record must carry is
        // the declared NOT NULL, enforced by validation (requiredColumns), not by the schema.
        StructField[] fields = declared.fields().clone();
        for (int i = 0; i < fields.length; i++) {
            fields[i] = new StructField(fields[i].name(), fields[i].dataType(), true, fields[i].metadata());
        }
        this.silverSchema = new StructType(fields);
    }

    /** The source's name in the input layout and in quarantine rows, e.g. {@code invoice_lines}. */
    public String sourceName() { return sourceName; }

    public boolean required() { return required; }

    /** Columns that identify a record; duplicates are judged on them (CONTRACT §1.3). */
    public List<String> key() { return key; }

    /** Columns that hold personal identifiers: pseudonymised before silver (CONTRACT §1). */
    public Set<String> personalColumns() { return personalColumns; }

    /** Typed columns as silver holds them (all nullable; see {@link #requiredColumns()}). */
    public StructType silverSchema() { return silverSchema; }

    public List<String> columnNames() { return Arrays.asList(silverSchema.fieldNames()); }

    public List<String> requiredColumns() {
        List<String> r = new ArrayList<>();
        for (StructField f : declared.fields()) {
            if (!f.nullable()) {
                r.add(f.name());
            }
        }
        return r;
    }

    public DataType typeOf(String column) {
        return silverSchema.apply(column).dataType();
    }

    public static Source byName(String name) {
        for (Source s : values()) {
            if (s.sourceName.equals(name.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown source " + name);
    }

    static boolean isTimestamp(DataType t) {
        return t.equals(DataTypes.TimestampType);
    }
}

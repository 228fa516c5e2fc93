package dev.valueledger.generate;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static dev.valueledger.generate.BadRecordRules.replace;
import static dev.valueledger.generate.BadRecordRules.set;
import static dev.valueledger.generate.BadRecordRules.suffix;
import static dev.valueledger.generate.BadRecordRules.with;
import java.time.OffsetDateTime;

/**
 * The canonical input layout of CONTRACT §1 as files: each source's file name, format and columns,
 * and the bad input of CONTRACT §1.3 each source can carry. Opens one writer per file.
 */
final class InputLayout {
    static final String TRUTH_FILE = "_truth.json";
    static final int EVENT_PARTS = 4;

    private static final String FUTURE = "2030-06-01T12:00:00Z";
    private static final String NOT_A_TIME = "yesterday";

    private final OutputFiles files;
    private final Tally tally;
    private final double badRate;
    private final long seed;

    InputLayout(OutputFiles files, Tally tally, double badRate, long seed) {
        this.files = files;
        this.tally = tally;
        this.badRate = badRate;
        this.seed = seed;
    }

    SourceWriter open(String source) {
        return open(source, fileOf(source), 0);
    }

    /** One of the part files of the product_events folder. */
    SourceWriter openEventPart(int part) {
        return open("product_events", String.format("product_events/part-%05d.jsonl.gz", part), part);
    }

    private SourceWriter open(String source, String file, int part) {
        LineFormat format = file.contains(".csv") ? LineFormat.csv(columnsOf(source)) : LineFormat.jsonl();
        return new SourceWriter(source, files.open(file), format, rulesOf(source), badRate,
                Rng.of(seed, "bad:" + source, part), tally);
    }

    static String fileOf(String source) {
        return switch (source) {
            case "teams", "work_items", "incidents", "accounts", "feature_exposures", "fx_rates", "team_costs",
                 "okr_checkins" -> source + ".csv";
            case "work_item_transitions", "invoice_lines" -> source + ".csv.gz";
            case "epics", "pull_requests", "deployments", "okrs" -> source + ".jsonl";
            case "product_events" -> "product_events/";
            default -> throw new IllegalArgumentException(source);
        };
    }

    /** CSV header of a CSV source: CONTRACT §1 columns, plus the personal {@code assignee} on work items. */
    static List<String> columnsOf(String source) {
        return switch (source) {
            case "teams" -> List.of("team_id", "name", "product_id", "product_name");
            case "work_items" -> List.of("item_key", "type", "epic_key", "team_id", "status", "created_at",
                    "resolved_at", "story_points", "labels", "assignee");
            case "work_item_transitions" -> List.of("item_key", "from_status", "to_status", "changed_at");
            case "incidents" -> List.of("incident_id", "service", "team_id", "severity", "started_at",
                    "resolved_at", "caused_by_deployment_id");
            case "accounts" -> List.of("account_id", "created_at", "segment", "region", "plan");
            case "feature_exposures" -> List.of("account_id", "feature_key", "variant", "exposed_at");
            case "invoice_lines" -> List.of("invoice_id", "line_id", "account_id", "kind", "status", "currency",
                    "amount", "period_start", "period_end");
            case "fx_rates" -> List.of("month", "currency", "rate_to_reporting");
            case "team_costs" -> List.of("team_id", "month", "currency", "loaded_cost", "fte");
            case "okr_checkins" -> List.of("kr_id", "date", "value");
            default -> throw new IllegalArgumentException(source + " is not a CSV source");
        };
    }

    /** Per source: the fresh key of a bad record and the ways CONTRACT §1.3 says it can be bad. */
    static BadRecordRules rulesOf(String source) {
        List<UnaryOperator<Map<String, Object>>> none = List.of();
        return switch (source) {
            case "teams" -> new BadRecordRules(suffix("team_id"), "name", null, null, none,
                    r -> with(r, "name", r.get("name") + " (renamed)"));
            case "epics" -> new BadRecordRules(suffix("epic_key"), "team_id", "created_at", NOT_A_TIME, none,
                    r -> with(r, "title", r.get("title") + " (copy)"));
            case "work_items" -> new BadRecordRules((r, n) -> with(r, "item_key", keyPrefix(r) + (900_000 + n)),
                    "team_id", "created_at", NOT_A_TIME, List.of(InputLayout::resolvedBeforeCreated),
                    r -> with(r, "story_points", "21"));
            case "work_item_transitions" -> new BadRecordRules(
                    (r, n) -> with(r, "item_key", keyPrefix(r) + (900_000 + n)), "to_status", "changed_at",
                    NOT_A_TIME, none, r -> with(r, "from_status", "Blocked"));
            case "pull_requests" -> new BadRecordRules(suffix("pr_id"), "repo", "created_at", NOT_A_TIME, none,
                    r -> with(r, "title", r.get("title") + " (force-pushed)"));
            case "deployments" -> new BadRecordRules(suffix("deployment_id"), "service", "finished_at", NOT_A_TIME,
                    List.of(set("status", "rolled_back")),
                    r -> with(r, "status", "success".equals(r.get("status")) ? "failure" : "success"));
            case "incidents" -> new BadRecordRules(suffix("incident_id"), "service", "started_at", NOT_A_TIME,
                    List.of(InputLayout::resolvedBeforeStarted), r -> with(r, "severity", "sev1"));
            case "accounts" -> new BadRecordRules(suffix("account_id"), "segment", "created_at", NOT_A_TIME, none,
                    r -> with(r, "plan", "enterprise-plus"));
            case "product_events" -> new BadRecordRules(suffix("event_id"), "account_id", "timestamp", NOT_A_TIME,
                    List.of(set("timestamp", FUTURE)), r -> with(r, "event", "login"));
            case "feature_exposures" -> new BadRecordRules(suffix("account_id"), "variant", "exposed_at",
                    NOT_A_TIME, List.of(set("variant", "maybe")),
                    r -> with(r, "variant", "on".equals(r.get("variant")) ? "off" : "on"));
            case "invoice_lines" -> new BadRecordRules(suffix("line_id"), "account_id", "amount", "abc",
                    List.of(InputLayout::negativeSubscription, set("currency", "XYZ"), InputLayout::positiveCredit,
                            set("kind", "refund"), set("status", "pending")),
                    r -> with(r, "amount", ((BigDecimal) r.get("amount")).add(BigDecimal.TEN)));
            case "fx_rates" -> new BadRecordRules(replace("month", n -> String.format("2023-%02d", 1 + n % 12)),
                    "rate_to_reporting", "rate_to_reporting", "abc", none,
                    r -> with(r, "rate_to_reporting", ((BigDecimal) r.get("rate_to_reporting")).add(new BigDecimal("0.01"))));
            case "team_costs" -> new BadRecordRules(replace("month", n -> String.format("2023-%02d", 1 + n % 12)),
                    "loaded_cost", "loaded_cost", "abc", none,
                    r -> with(r, "loaded_cost", ((BigDecimal) r.get("loaded_cost")).add(new BigDecimal("100.00"))));
            case "okrs" -> new BadRecordRules(suffix("objective_id"), "team_id", "key_results",
                    List.of(brokenKeyResult()), none,
                    r -> with(r, "objective", r.get("objective") + " (reworded)"));
            case "okr_checkins" -> new BadRecordRules(suffix("kr_id"), "value", "value", "abc", none,
                    r -> with(r, "value", ((BigDecimal) r.get("value")).add(BigDecimal.ONE)));
            default -> throw new IllegalArgumentException(source);
        };
    }

    /** A key result whose target is not a number; ordered, so the bytes do not depend on hashing. */
    private static Map<String, Object> brokenKeyResult() {
        Map<String, Object> kr = new LinkedHashMap<>();
        kr.put("kr_id", "KR-broken");
        kr.put("target", "abc");
        return kr;
    }

    private static String keyPrefix(Map<String, Object> row) {
        String key = String.valueOf(row.get("item_key"));
        return key.substring(0, key.indexOf('-') + 1);
    }

    private static Map<String, Object> resolvedBeforeCreated(Map<String, Object> row) {
        Map<String, Object> r = new LinkedHashMap<>(row);
        long created = OffsetDateTime.parse((String) r.get("created_at")).toEpochSecond();
        r.put("status", "Done");
        r.put("resolved_at", TimeAxis.utc(created - 3 * TimeAxis.DAY));
        return r;
    }

    private static Map<String, Object> resolvedBeforeStarted(Map<String, Object> row) {
        long started = OffsetDateTime.parse((String) row.get("started_at")).toEpochSecond();
        return with(row, "resolved_at", TimeAxis.utc(started - 2 * TimeAxis.HOUR));
    }

    private static Map<String, Object> negativeSubscription(Map<String, Object> row) {
        Map<String, Object> r = with(row, "kind", "subscription");
        return with(r, "amount", ((BigDecimal) row.get("amount")).abs().negate().subtract(BigDecimal.ONE));
    }

    private static Map<String, Object> positiveCredit(Map<String, Object> row) {
        Map<String, Object> r = with(row, "kind", "credit");
        return with(r, "amount", ((BigDecimal) row.get("amount")).abs().add(BigDecimal.ONE));
    }
}

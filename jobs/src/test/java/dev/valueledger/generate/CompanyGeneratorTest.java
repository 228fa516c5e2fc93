package dev.valueledger.generate;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.valueledger.generate.GeneratedInput.csv;
import static dev.valueledger.generate.GeneratedInput.csvFields;
import static dev.valueledger.generate.GeneratedInput.jsonl;
import static dev.valueledger.generate.GeneratedInput.lines;
import static dev.valueledger.generate.GeneratedInput.sourceLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompanyGeneratorTest {
    private static final Instant RUN = Instant.parse("2026-01-15T00:00:00Z");
    private static final Pattern ITEM_KEY = Pattern.compile("[A-Z][A-Z0-9]+-\\d+");
    /** CONTRACT §1 columns of the CSV sources (+ assignee, the personal column the brief allows). */
    private static final Map<String, List<String>> CSV_COLUMNS = Map.of(
            "teams.csv", List.of("team_id", "name", "product_id", "product_name"),
            "work_items.csv", List.of("item_key", "type", "epic_key", "team_id", "status", "created_at", "resolved_at",
                    "story_points", "labels", "assignee"),
            "work_item_transitions.csv.gz", List.of("item_key", "from_status", "to_status", "changed_at"),
            "incidents.csv", List.of("incident_id", "service", "team_id", "severity", "started_at", "resolved_at",
                    "caused_by_deployment_id"),
            "accounts.csv", List.of("account_id", "created_at", "segment", "region", "plan"),
            "feature_exposures.csv", List.of("account_id", "feature_key", "variant", "exposed_at"),
            "invoice_lines.csv.gz", List.of("invoice_id", "line_id", "account_id", "kind", "status", "currency",
                    "amount", "period_start", "period_end"),
            "fx_rates.csv", List.of("month", "currency", "rate_to_reporting"),
            "team_costs.csv", List.of("team_id", "month", "currency", "loaded_cost", "fte"),
            "okr_checkins.csv", List.of("kr_id", "date", "value"));
    private static final Map<String, Set<String>> JSON_KEYS = Map.of(
            "epics.jsonl", Set.of("epic_key", "title", "team_id", "status", "created_at", "investment_category",
                    "feature_keys", "released_at", "outcome", "key_results", "capitalizable"),
            "pull_requests.jsonl", Set.of("pr_id", "repo", "title", "branch", "created_at", "first_commit_at",
                    "merged_at", "merge_commit_sha", "item_keys", "author"),
            "deployments.jsonl", Set.of("deployment_id", "service", "team_id", "environment", "status", "started_at",
                    "finished_at", "commit_shas"),
            "okrs.jsonl", Set.of("objective_id", "objective", "team_id", "quarter", "key_results"),
            "product_events", Set.of("event_id", "timestamp", "account_id", "user_id", "event", "feature_key",
                    "properties"));

    @TempDir
    static Path shared;
    private static Path small;

    @BeforeAll
    static void generateSmallCompany() {
        small = shared.resolve("s002");
        CompanyGenerator.generate(small.toString(), new GeneratorOptions(0.02, 7, 0.0));
    }

    @Test
    void sameSeedGivesTheSameBytesAndAnotherSeedDoesNot(@TempDir Path tmp) {
        CompanyGenerator.generate(tmp.resolve("again").toString(), new GeneratorOptions(0.02, 7, 0.0));
        CompanyGenerator.generate(tmp.resolve("other").toString(), new GeneratorOptions(0.02, 8, 0.0));

        Map<String, String> first = GeneratedInput.digests(small);
        assertEquals(first, GeneratedInput.digests(tmp.resolve("again")));
        Map<String, String> other = GeneratedInput.digests(tmp.resolve("other"));
        assertEquals(first.keySet(), other.keySet());
        assertNotEquals(first.get("invoice_lines.csv.gz"), other.get("invoice_lines.csv.gz"));
        assertNotEquals(first.get("product_events/part-00000.jsonl.gz"), other.get("product_events/part-00000.jsonl.gz"));
    }

    @Test
    void everySourceIsWrittenWithTheContractColumns() {
        CSV_COLUMNS.forEach((file, columns) ->
                assertEquals(columns, csvFields(lines(small.resolve(file)).get(0)), file));
        JSON_KEYS.forEach((file, keys) -> {
            List<JsonNode> rows = jsonl(small, file);
            assertFalse(rows.isEmpty(), file);
            for (JsonNode row : rows) {
                for (Iterator<String> it = row.fieldNames(); it.hasNext(); ) {
                    String key = it.next();
                    assertTrue(keys.contains(key), file + " has unexpected key " + key);
                }
            }
        });
        try (var parts = Files.list(small.resolve("product_events"))) {
            assertTrue(parts.count() > 1, "product_events is a folder of several files");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(Files.exists(small.resolve("_truth.json")));
    }

    @Test
    void rowCountsGrowLinearlyWithScale(@TempDir Path tmp) {
        GenerationSummary twice = CompanyGenerator.generate(tmp.toString(), new GeneratorOptions(0.04, 7, 0.0));
        JsonNode rows = GeneratedInput.truth(small).get("rows");
        for (String source : List.of("accounts", "invoice_lines", "product_events")) {
            double ratio = (double) twice.rowsPerSource().get(source) / rows.get(source).asLong();
            assertTrue(ratio > 1.5 && ratio < 2.6, source + " grew by " + ratio);
        }
        // Row counts in the summary are the lines in the files (no header).
        assertEquals(lines(small.resolve("accounts.csv")).size() - 1, rows.get("accounts").asLong());
        assertEquals(sourceLines(small, "product_events").size(), rows.get("product_events").asLong());
    }

    @Test
    void cleanInputBreaksNoValidityRule() {
        Set<String> lineKeys = new HashSet<>();
        for (Map<String, String> l : csv(small, "invoice_lines.csv.gz")) {
            assertTrue(lineKeys.add(l.get("invoice_id") + "/" + l.get("line_id")), "duplicate line " + l);
            assertTrue(l.get("amount").matches("-?\\d+\\.\\d{2}"), "plain decimal amount " + l);
            BigDecimal amount = new BigDecimal(l.get("amount"));
            assertTrue(Set.of("EUR", "USD", "GBP").contains(l.get("currency")), l.toString());
            assertTrue(Set.of("paid", "open", "void", "uncollectible").contains(l.get("status")), l.toString());
            switch (l.get("kind")) {
                case "subscription", "one_time" -> assertTrue(amount.signum() >= 0, l.toString());
                case "credit" -> assertTrue(amount.signum() < 0, l.toString());
                default -> throw new AssertionError("kind " + l);
            }
            assertTrue(l.get("period_start").compareTo(l.get("period_end")) < 0, l.toString());
        }
        for (Map<String, String> item : csv(small, "work_items.csv")) {
            Instant created = instant(item.get("created_at"));
            if (item.get("resolved_at") != null) {
                assertFalse(instant(item.get("resolved_at")).isBefore(created), item.toString());
            }
        }
        for (Map<String, String> inc : csv(small, "incidents.csv")) {
            if (inc.get("resolved_at") != null) {
                assertFalse(instant(inc.get("resolved_at")).isBefore(instant(inc.get("started_at"))), inc.toString());
            }
        }
        csv(small, "work_item_transitions.csv.gz").forEach(t -> instant(t.get("changed_at")));
        csv(small, "accounts.csv").forEach(a -> instant(a.get("created_at")));
        csv(small, "feature_exposures.csv").forEach(x -> assertTrue(Set.of("on", "off").contains(x.get("variant"))));
        for (JsonNode d : jsonl(small, "deployments.jsonl")) {
            assertFalse(instant(d.get("finished_at").asText()).isBefore(instant(d.get("started_at").asText())));
            assertTrue(Set.of("success", "failure").contains(d.get("status").asText()));
        }
        Set<String> eventIds = new HashSet<>();
        for (JsonNode e : jsonl(small, "product_events")) {
            instant(e.get("timestamp").asText());
            assertTrue(eventIds.add(e.get("event_id").asText()), "duplicate event " + e);
            assertTrue(e.get("account_id").asText().startsWith("ACC-"));
        }
    }

    @Test
    void truthPlantsExactlyOneHarmfulEpicSomeWithoutEffectAndTheRestPositive() {
        JsonNode truth = GeneratedInput.truth(small);
        int negative = 0;
        int zero = 0;
        for (JsonNode e : truth.get("epics")) {
            BigDecimal effect = e.get("true_effect_mrr_eur").decimalValue();
            if (effect.signum() < 0) {
                negative++;
            } else if (effect.signum() == 0) {
                zero++;
            } else {
                assertTrue(effect.compareTo(new BigDecimal("5")) >= 0 && effect.compareTo(new BigDecimal("60")) <= 0);
            }
            assertTrue(e.get("feature_keys").size() > 0);
        }
        assertEquals(1, negative);
        assertTrue(zero > 0);
        assertEquals(0.02, truth.get("scale").asDouble());
        assertEquals(7, truth.get("seed").asLong());
    }

    /** CONTRACT §2 Adoption: an account adopts at its first event with the key on or after released_at. */
    @Test
    void adoptersAreTheAccountsWithAFeatureEventOnOrAfterRelease() {
        JsonNode truth = GeneratedInput.truth(small);
        List<JsonNode> events = jsonl(small, "product_events");
        for (JsonNode epic : truth.get("epics")) {
            Set<String> keys = new HashSet<>();
            epic.get("feature_keys").forEach(k -> keys.add(k.asText()));
            Instant release = instant(epic.get("released_at").asText());
            Set<String> adopters = new HashSet<>();
            for (JsonNode e : events) {
                if (e.hasNonNull("feature_key") && keys.contains(e.get("feature_key").asText())
                        && !instant(e.get("timestamp").asText()).isBefore(release)) {
                    adopters.add(e.get("account_id").asText());
                }
            }
            assertEquals(epic.get("adopters").asLong(), adopters.size(), epic.toString());
        }
        // Randomised roll-outs: no account shown "off" ever uses the feature.
        Set<String> off = new HashSet<>();
        csv(small, "feature_exposures.csv").stream().filter(x -> x.get("variant").equals("off"))
                .forEach(x -> off.add(x.get("account_id") + "/" + x.get("feature_key")));
        assertFalse(off.isEmpty());
        for (JsonNode e : events) {
            if (e.hasNonNull("feature_key")) {
                assertFalse(off.contains(e.get("account_id").asText() + "/" + e.get("feature_key").asText()));
            }
        }
    }

    /**
     * CONTRACT §1.1: without a given released_at, the release is the first successful production
     * deployment carrying the merge commit of a PR linked to one of the Epic's items.
     */
    @Test
    void derivedReleaseIsTheFirstSuccessfulProductionDeploymentOfALinkedMerge() {
        Map<String, String> epicOfItem = new HashMap<>();
        csv(small, "work_items.csv").forEach(i -> epicOfItem.put(i.get("item_key"), i.get("epic_key")));
        Map<String, Set<String>> epicsOfSha = new HashMap<>();
        for (JsonNode pr : jsonl(small, "pull_requests.jsonl")) {
            if (!pr.hasNonNull("merge_commit_sha")) {
                continue;
            }
            Set<String> keys = new HashSet<>();
            if (pr.hasNonNull("item_keys")) {
                pr.get("item_keys").forEach(k -> keys.add(k.asText()));
            } else {
                Matcher m = ITEM_KEY.matcher(pr.get("title").asText() + " " + pr.get("branch").asText());
                while (m.find()) {
                    keys.add(m.group());
                }
            }
            for (String k : keys) {
                if (epicOfItem.get(k) != null) {
                    epicsOfSha.computeIfAbsent(pr.get("merge_commit_sha").asText(), s -> new HashSet<>())
                            .add(epicOfItem.get(k));
                }
            }
        }
        List<JsonNode> deployments = new ArrayList<>(jsonl(small, "deployments.jsonl"));
        deployments.sort(Comparator.comparing(d -> instant(d.get("finished_at").asText())));
        Map<String, Instant> firstRelease = new HashMap<>();
        for (JsonNode d : deployments) {
            if (d.get("environment").asText().equalsIgnoreCase("production") && d.get("status").asText().equals("success")) {
                for (JsonNode sha : d.get("commit_shas")) {
                    for (String epic : epicsOfSha.getOrDefault(sha.asText(), Set.of())) {
                        firstRelease.putIfAbsent(epic, instant(d.get("finished_at").asText()));
                    }
                }
            }
        }
        Map<String, JsonNode> epicRows = new HashMap<>();
        jsonl(small, "epics.jsonl").forEach(e -> epicRows.put(e.get("epic_key").asText(), e));
        int derived = 0;
        for (JsonNode epic : GeneratedInput.truth(small).get("epics")) {
            String key = epic.get("epic_key").asText();
            Instant expected = instant(epic.get("released_at").asText());
            if (epic.get("released_at_source").asText().equals("deployment")) {
                derived++;
                assertTrue(epicRows.get(key).get("released_at").isNull(), key);
                assertEquals(expected, firstRelease.get(key), key);
            } else {
                assertEquals(expected, instant(epicRows.get(key).get("released_at").asText()), key);
            }
        }
        assertTrue(derived > 0);
    }

    @Test
    void badInputIsWrittenAndCountedPerKind(@TempDir Path tmp) {
        GenerationSummary s = CompanyGenerator.generate(tmp.toString(), new GeneratorOptions(0.05, 7, 0.02));
        for (String source : List.of("invoice_lines", "product_events")) {
            s.badPerSourceAndKind().get(source).forEach((kind, n) -> assertTrue(n > 0, source + " " + kind));
        }
        long brokenJson = 0;
        for (String line : sourceLines(tmp, "product_events")) {
            try {
                GeneratedInput.JSON.readTree(line);
            } catch (IOException e) {
                brokenJson++;
            }
        }
        assertEquals(s.badPerSourceAndKind().get("product_events").get("unparseable"), brokenJson);
        List<String> invoice = lines(tmp.resolve("invoice_lines.csv.gz"));
        long shortRows = invoice.stream().skip(1).filter(l -> csvFields(l).size() != 9).count();
        assertEquals(s.badPerSourceAndKind().get("invoice_lines").get("unparseable"), shortRows);
        // The sidecar says the same as the summary, and no source passes the 5% quarantine threshold.
        JsonNode truth = GeneratedInput.truth(tmp);
        s.badPerSourceAndKind().forEach((source, kinds) -> {
            long quarantined = 0;
            for (Map.Entry<String, Long> k : kinds.entrySet()) {
                assertEquals(k.getValue(), truth.get("bad_records").get(source).get(k.getKey()).asLong());
                quarantined += k.getKey().equals("exact_duplicate") ? 0 : k.getValue();
            }
            assertTrue(quarantined <= 0.05 * s.rowsPerSource().get(source), source);
        });
    }

    @Test
    void cleanAndDirtyRunsShareTheGoodRecords(@TempDir Path tmp) {
        CompanyGenerator.generate(tmp.toString(), new GeneratorOptions(0.02, 7, 0.02));
        Set<String> dirty = new HashSet<>(lines(tmp.resolve("invoice_lines.csv.gz")));
        List<String> clean = lines(small.resolve("invoice_lines.csv.gz"));
        assertTrue(dirty.containsAll(clean), "bad records are added, never replace good ones");
        assertTrue(dirty.size() > clean.size());
    }

    /**
     * Add-on lines are worth the effect in EUR after the CONTRACT's rounding: 23.47 EUR at 0.92 is
     * 23.47 / 0.92 = 25.5109 -> 25.51 USD, and 25.51 * 0.92 = 23.4692 -> 23.47 EUR.
     */
    @Test
    void aCompanyCachedByAnotherGeneratorRevisionIsNotReused(@TempDir Path tmp) throws java.io.IOException {
        GeneratorOptions o = new GeneratorOptions(0.02, 7, 0.0);
        assertTrue(CompanyCache.holds(small, o));
        assertFalse(CompanyCache.holds(small, new GeneratorOptions(0.02, 8, 0.0)));
        // The same options written by the previous revision (add-ons from the month after adoption).
        String truth = Files.readString(small.resolve("_truth.json"));
        String old = truth.replace("\"generator_revision\" : " + CompanyGenerator.REVISION,
                "\"generator_revision\" : " + (CompanyGenerator.REVISION - 1));
        assertNotEquals(truth, old, "the sidecar names the revision");
        Files.writeString(tmp.resolve("_truth.json"), old);
        assertFalse(CompanyCache.holds(tmp, o));
    }

    @Test
    void addOnAmountConvertsBackToTheEffectToTheCent() {
        assertEquals(new BigDecimal("25.51"), FxRates.closestAmount(new BigDecimal("23.47"), new BigDecimal("0.92")));
        // At 1.5 no USD amount gives 10.01 EUR (6.67 -> 10.005 -> 10.00, 6.68 -> 10.02): one cent is the best.
        BigDecimal a = FxRates.closestAmount(new BigDecimal("10.01"), new BigDecimal("1.5"));
        BigDecimal back = a.multiply(new BigDecimal("1.5")).setScale(2, RoundingMode.HALF_EVEN);
        assertEquals(new BigDecimal("0.01"), back.subtract(new BigDecimal("10.01")).abs());
    }

    private static Instant instant(String ts) {
        Instant t = OffsetDateTime.parse(ts).toInstant();
        assertTrue(t.isBefore(RUN), "timestamp after the run: " + ts);
        return t;
    }
}

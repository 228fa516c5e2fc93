package dev.valueledger.generate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.LocalDate;

/**
 * Plans the Epics: categories, customer-facing ones with feature keys, staggered releases and the
 * planted MRR effects (zero for about a third, negative for exactly one, 5-60 EUR for the rest).
 */
final class Portfolio {
    private static final String[] FEATURES = {"scheduled_exports", "smart_rounding", "approval_workflows",
            "custom_dashboards", "bulk_invoice_edit", "multi_currency_wallet", "sso_login", "audit_trail",
            "receipt_scan", "slack_alerts", "webhooks_v2", "cash_forecast", "budget_alerts", "vendor_portal",
            "expense_rules", "csv_import_wizard", "team_spaces", "usage_insights", "self_serve_api_keys",
            "revenue_recognition", "tax_autofill", "payment_links", "recurring_templates", "smart_search",
            "comments_mentions", "data_export_api", "saml_provisioning", "goal_tracking", "dark_mode",
            "ai_categorisation"};
    private static final String[] TOPICS = {"invoice totals", "the ledger API", "PDF rendering", "session handling",
            "the export queue", "currency conversion", "the billing cron", "search indexing", "push delivery",
            "the mobile sync", "audit logs", "permissions", "the reporting cache", "webhook retries", "CSV parsing"};
    private static final double[] OTHER_CATEGORY_WEIGHTS = {0.42, 0.18, 0.14, 0.18, 0.08};
    private static final String[] CATEGORIES = {"feature", "defect", "risk", "debt", "innovation"};
    private static final long FIRST_RELEASE = TimeAxis.epoch(LocalDate.of(2025, 2, 3));
    private static final long LAST_RELEASE = TimeAxis.epoch(LocalDate.of(2025, 9, 26));

    private Portfolio() { }

    /**
     * @param issueCounters next Jira issue number per team; Epic keys take numbers from it
     */
    static List<Epic> plan(List<Org.Team> teams, int epicCount, int customerFacing, long seed, int[] issueCounters) {
        Rng rng = Rng.of(seed, "portfolio");
        int cf = Math.min(customerFacing, epicCount - 3);

        // Which customer-facing Epic gets which release slot, effect and exposure design.
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < cf; k++) {
            order.add(k);
        }
        rng.shuffle(order);
        int zeros = Math.max(1, (int) Math.round(cf / 3.0));
        BigDecimal[] effects = new BigDecimal[cf];
        boolean[] exposures = new boolean[cf];
        boolean[] given = new boolean[cf];
        for (int pos = 0; pos < cf; pos++) {
            int k = order.get(pos);
            if (pos == 0) {
                // Large enough to be told from zero at scale 1; small enough to keep every MRR positive.
                effects[k] = money(-rng.uniform(25, 35));
            } else if (pos <= zeros) {
                effects[k] = money(0);
            } else {
                effects[k] = money(rng.uniform(5, 60));
            }
            // Two randomised roll-outs, never the harmful Epic, one with and one without an effect.
            exposures[k] = pos == 1 || pos == cf - 1;
            given[k] = pos == 2 || (pos > 2 && rng.chance(0.2));
        }
        List<Long> releases = new ArrayList<>();
        double slot = (double) (LAST_RELEASE - FIRST_RELEASE) / cf;
        for (int k = 0; k < cf; k++) {
            long day = FIRST_RELEASE + (long) ((k + rng.uniform(0.1, 0.9)) * slot);
            day -= Math.floorMod(day, TimeAxis.DAY);
            releases.add(day + rng.betweenLong(9 * TimeAxis.HOUR, 17 * TimeAxis.HOUR));
        }
        rng.shuffle(releases);

        List<Epic> epics = new ArrayList<>();
        for (int i = 0; i < epicCount; i++) {
            Rng e = Rng.of(seed, "epic", i);
            Org.Team team = teams.get(i % teams.size());
            String key = team.projectKey() + "-" + issueCounters[team.index()]++;
            if (i < cf) {
                epics.add(customerFacing(i, key, team, e, i % 5 == 4 ? "innovation" : "feature",
                        releases.get(i), given[i], effects[i], exposures[i]));
            } else {
                // The first three others make sure every category is present at tiny scales.
                int j = i - cf;
                String category = j < 3 ? CATEGORIES[j + 1] : CATEGORIES[e.weighted(OTHER_CATEGORY_WEIGHTS)];
                epics.add(internal(i, key, team, e, category));
            }
        }
        epics.sort(Comparator.comparingInt(x -> x.index));
        return List.copyOf(epics);
    }

    private static Epic customerFacing(int i, String key, Org.Team team, Rng e, String category, long release,
                                       boolean releaseGiven, BigDecimal effect, boolean exposures) {
        String feature = FEATURES[i % FEATURES.length] + (i >= FEATURES.length ? "_" + (i / FEATURES.length + 1) : "");
        List<String> keys = e.chance(0.3) ? List.of(feature, feature + "_admin") : List.of(feature);
        String title = humanise(feature);
        if (e.chance(0.15)) {
            title = title + ", phase " + e.between(1, 3);
        } else if (e.chance(0.1)) {
            title = "\"" + title + "\" for " + team.productName();
        }
        // Work finishes just before a deployment release, or weeks before a dark launch switched on later.
        long workEnd = release - (releaseGiven ? (long) (e.uniform(7, 21) * TimeAxis.DAY) : 2 * TimeAxis.HOUR);
        long workStart = Math.max(TimeAxis.epoch(LocalDate.of(2024, 9, 1)),
                release - (long) (e.uniform(60, 140) * TimeAxis.DAY));
        Map<String, Object> outcome = new LinkedHashMap<>();
        String[] metrics = {"mrr", "adoption_rate", "active_accounts", "churn_rate", "event:report_run"};
        String metric = metrics[e.weighted(new double[] {0.5, 0.2, 0.1, 0.1, 0.1})];
        outcome.put("metric", metric);
        outcome.put("direction", metric.equals("churn_rate") ? "decrease" : "increase");
        BigDecimal[] bt = baselineTarget(metric, e);
        outcome.put("baseline", e.chance(0.3) ? null : bt[0]);
        outcome.put("target", bt[1]);
        outcome.put("window_days", e.chance(0.2) ? null : new int[] {90, 90, 60, 120}[e.between(0, 3)]);
        outcome.put("hypothesis", "If we ship " + humanise(feature).toLowerCase() + ", accounts will "
                + (metric.equals("churn_rate") ? "churn less" : "grow " + metric.replace('_', ' ')));
        return new Epic(i, key, team, title, category, keys, release, releaseGiven, effect, exposures,
                workStart, workEnd, e.uniform(0.18, 0.42), e.uniform(25, 70), outcome,
                e.chance(0.08) ? Boolean.FALSE : null);
    }

    private static Epic internal(int i, String key, Org.Team team, Rng e, String category) {
        String topic = e.pick(TOPICS);
        String title = switch (category) {
            case "defect" -> e.pick(new String[] {"Fix rounding errors in ", "Stabilise ", "Bug bash: "}) + topic;
            case "risk" -> e.pick(new String[] {"SOC 2 controls for ", "Encrypt ", "GDPR retention for "}) + topic;
            case "debt" -> e.pick(new String[] {"Migrate ", "Remove the legacy path in ", "Refactor "}) + topic;
            case "innovation" -> "Explore ML-assisted " + topic;
            default -> "Internal tooling for " + topic + ", v" + e.between(2, 4);
        };
        long start = e.betweenLong(TimeAxis.HISTORY_START_S, TimeAxis.epoch(LocalDate.of(2025, 11, 20)));
        long end = start + (long) (e.uniform(25, 150) * TimeAxis.DAY);
        Map<String, Object> outcome = null;
        if (category.equals("defect") && e.chance(0.5)) {
            outcome = new LinkedHashMap<>();
            outcome.put("metric", "churn_rate");
            outcome.put("direction", "decrease");
            outcome.put("baseline", new BigDecimal("0.020"));
            outcome.put("target", new BigDecimal("0.015"));
            outcome.put("window_days", 90);
            outcome.put("hypothesis", "Fewer failures in " + topic + " keep accounts from leaving");
        } else if (category.equals("feature") && e.chance(0.4)) {
            outcome = new LinkedHashMap<>();
            outcome.put("metric", "event:export");
            outcome.put("direction", "increase");
            outcome.put("baseline", null);
            outcome.put("target", new BigDecimal("1.5"));
            outcome.put("hypothesis", "Better " + topic + " means more exports per account");
        }
        Boolean capitalizable = e.chance(0.1) ? Boolean.valueOf(!category.equals("feature")) : null;
        return new Epic(i, key, team, title, category, List.of(), -1, false, null, false, start, end,
                0, 0, outcome, capitalizable);
    }

    private static BigDecimal[] baselineTarget(String metric, Rng e) {
        return switch (metric) {
            case "mrr" -> {
                double b = e.uniform(150_000, 400_000);
                yield new BigDecimal[] {money(b), money(b * e.uniform(1.02, 1.08))};
            }
            case "adoption_rate" -> new BigDecimal[] {new BigDecimal("0.00"),
                    BigDecimal.valueOf(e.between(15, 40), 2)};
            case "active_accounts" -> {
                int b = e.between(500, 900);
                yield new BigDecimal[] {BigDecimal.valueOf(b), BigDecimal.valueOf(b + e.between(10, 60))};
            }
            case "churn_rate" -> new BigDecimal[] {new BigDecimal("0.018"), new BigDecimal("0.012")};
            default -> new BigDecimal[] {BigDecimal.valueOf(e.between(20, 40), 1),
                    BigDecimal.valueOf(e.between(45, 70), 1)};
        };
    }

    static BigDecimal money(double eur) {
        return BigDecimal.valueOf(eur).setScale(2, RoundingMode.HALF_EVEN);
    }

    private static String humanise(String featureKey) {
        String s = featureKey.replaceAll("_\\d+$", "").replace('_', ' ');
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}

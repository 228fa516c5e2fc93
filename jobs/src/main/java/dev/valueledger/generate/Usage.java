package dev.valueledger.generate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes product analytics events (CONTRACT §1 product_events) and feature-flag exposures: generic
 * usage while an account is active, and feature events that start exactly at the planned adoption.
 */
final class Usage {
    private static final String[] GENERIC = {"page_view", "dashboard_view", "search", "report_run", "export",
            "login", "invite_sent", "settings_changed"};
    private static final double[] GENERIC_WEIGHTS = {0.45, 0.15, 0.1, 0.1, 0.05, 0.08, 0.02, 0.05};
    private static final String[] PATHS = {"/dashboard", "/ledger", "/invoices", "/reports", "/settings", "/search"};
    /** Events per seat per active weekday, tuned to ~2,000,000 events at scale 1. */
    private static final double EVENTS_PER_SEAT_DAY = 0.62;

    private final List<Epic> customerFacing;
    private final long seed;

    Usage(List<Epic> customerFacing, long seed) {
        this.customerFacing = customerFacing;
        this.seed = seed;
    }

    /** All events of the accounts whose index falls in this part, account by account. */
    void writePart(List<Account> accounts, int part, int parts, SourceWriter out) {
        for (Account a : accounts) {
            if (a.index % parts == part) {
                writeAccount(a, out);
            }
        }
    }

    private void writeAccount(Account a, SourceWriter out) {
        Rng r = Rng.of(seed, "events", a.index);
        int[] seq = {0};
        for (int j = 0; j < customerFacing.size(); j++) {
            Epic epic = customerFacing.get(j);
            if (a.adoptedAt[j] >= 0) {
                if (epic.releaseGiven && r.chance(0.1)) {
                    // Beta users touched the feature before release: not yet adoption.
                    long beta = epic.release - (long) r.uniform(TimeAxis.HOUR, 14 * TimeAxis.DAY);
                    if (a.activeAt(beta)) {
                        out.write(event(a, seq, beta, "feature_used", epic.featureKeys.get(0), r));
                    }
                }
                out.write(event(a, seq, a.adoptedAt[j], "feature_used", epic.featureKeys.get(0), r));
            }
        }
        double perDay = EVENTS_PER_SEAT_DAY * a.users * a.engagement;
        long centre = switch (a.region) {
            case "na" -> 13;
            case "apac" -> 0;
            case "latam" -> 12;
            default -> 7;
        } * TimeAxis.HOUR;
        List<Integer> adopted = new ArrayList<>();
        for (long[] interval : a.active) {
            long firstDay = interval[0] - Math.floorMod(interval[0], TimeAxis.DAY);
            for (long day = firstDay; day < interval[1]; day += TimeAxis.DAY) {
                boolean weekend = Math.floorMod(day / TimeAxis.DAY + 3, 7) >= 5;
                int n = r.poisson(perDay * (weekend ? 0.35 : 1.0));
                for (int k = 0; k < n; k++) {
                    long t = day + centre + (long) r.uniform(0, 11 * TimeAxis.HOUR) + (r.chance(0.1) ? 12 * TimeAxis.HOUR : 0);
                    if (t < interval[0] || t >= interval[1]) {
                        continue;
                    }
                    adopted.clear();
                    for (int j = 0; j < a.adoptedAt.length; j++) {
                        if (a.adoptedAt[j] >= 0 && a.adoptedAt[j] < t) {
                            adopted.add(j);
                        }
                    }
                    if (!adopted.isEmpty() && r.chance(Math.min(0.5, 0.1 * adopted.size()))) {
                        List<String> keys = customerFacing.get(adopted.get(r.between(0, adopted.size() - 1))).featureKeys;
                        String key = keys.size() > 1 && r.chance(0.2) ? keys.get(1) : keys.get(0);
                        out.write(event(a, seq, t, "feature_used", key, r));
                    } else {
                        out.write(event(a, seq, t, GENERIC[r.weighted(GENERIC_WEIGHTS)], null, r));
                    }
                }
            }
        }
    }

    private static Map<String, Object> event(Account a, int[] seq, long t, String name, String featureKey, Rng r) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("event_id", "ev-" + a.id.substring(4) + "-" + (++seq[0]));
        row.put("timestamp", TimeAxis.ts(t, r));
        row.put("account_id", a.id);
        double u = r.uniform();
        // A few seats do most of the clicking.
        row.put("user_id", r.chance(0.02) ? null
                : "user-" + (a.firstUser + (int) (a.users * u * u) + 1) + "@" + a.company + ".example");
        row.put("event", name);
        if (featureKey != null) {
            row.put("feature_key", featureKey);
        }
        Map<String, Object> props = switch (name) {
            case "page_view" -> Map.of("path", PATHS[r.between(0, PATHS.length - 1)]);
            case "report_run" -> orderedProps("report", r.chance(0.5) ? "pnl" : "cashflow", "duration_ms", r.between(80, 4000));
            case "export" -> Map.of("format", r.chance(0.6) ? "csv" : r.chance(0.5) ? "xlsx" : "pdf");
            case "feature_used" -> Map.of("action", r.chance(0.6) ? "open" : r.chance(0.5) ? "create" : "share");
            default -> null;
        };
        if (props != null) {
            row.put("properties", props);
        }
        return row;
    }

    private static Map<String, Object> orderedProps(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    /** Randomised roll-outs: every account active at (or after) release is exposed to on or off. */
    void writeExposures(List<Account> accounts, SourceWriter out) {
        Rng r = Rng.of(seed, "exposure-format");
        for (int j = 0; j < customerFacing.size(); j++) {
            if (!customerFacing.get(j).exposures) {
                continue;
            }
            for (Account a : accounts) {
                if (a.exposedAt[j] >= 0) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("account_id", a.id);
                    row.put("feature_key", customerFacing.get(j).featureKeys.get(0));
                    row.put("variant", a.exposedOn[j] ? "on" : "off");
                    row.put("exposed_at", TimeAxis.ts(a.exposedAt[j], r));
                    out.write(row);
                }
            }
        }
    }
}

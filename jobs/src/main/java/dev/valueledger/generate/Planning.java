package dev.valueledger.generate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Team objectives with key results linked to Epics (CONTRACT §1.2 okrs), manual check-ins for custom
 * metrics (okr_checkins), and each team's monthly loaded cost (team_costs).
 */
final class Planning {
    private static final String[] METRICS = {"deployment_frequency", "lead_time_p50_hours", "change_failure_rate",
            "flow_time_p50_days", "flow_velocity", "mrr", "adoption_rate", "nps", "csat"};
    private static final String[] OBJECTIVES = {"Ship faster without breaking things", "Grow revenue from %s",
            "Make %s delightful, fast", "Cut toil, keep the lights on, cheaply", "Win the mid-market with %s"};

    private final List<Org.Team> teams;
    private final List<Epic> epics;
    private final long seed;
    private final List<Map<String, Object>> objectives = new ArrayList<>();
    private final List<Map<String, Object>> checkins = new ArrayList<>();

    Planning(List<Org.Team> teams, List<Epic> epics, long seed) {
        this.teams = teams;
        this.epics = epics;
        this.seed = seed;
    }

    /** Plans the objectives and links Epics to key results both ways (Epic.key_results, KR.epic_keys). */
    void plan() {
        for (Org.Team team : teams) {
            for (int q = 1; q <= 4; q++) {
                Rng r = Rng.of(seed, "okr:" + team.teamId(), q);
                long qStart = TimeAxis.epoch(LocalDate.of(2025, 3 * q - 2, 1));
                long qEnd = TimeAxis.epoch(LocalDate.of(2025, 3 * q - 2, 1).plusMonths(3));
                List<Epic> current = new ArrayList<>();
                for (Epic e : epics) {
                    long end = e.customerFacing() ? e.release : e.workEnd;
                    if (e.team == team && e.workStart < qEnd && end >= qStart) {
                        current.add(e);
                    }
                }
                String id = "OBJ-" + team.projectKey() + "-2025Q" + q;
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("objective_id", id);
                o.put("objective", String.format(r.pick(OBJECTIVES), team.productName()));
                o.put("team_id", team.teamId());
                o.put("quarter", "2025-Q" + q);
                List<Map<String, Object>> krs = new ArrayList<>();
                int n = r.between(1, 3);
                for (int k = 1; k <= n; k++) {
                    String krId = "KR-" + team.projectKey() + "-2025Q" + q + "-" + k;
                    String metric = r.pick(METRICS);
                    krs.add(keyResult(krId, metric, current, r, qStart, qEnd));
                }
                o.put("key_results", krs);
                objectives.add(o);
            }
        }
    }

    private Map<String, Object> keyResult(String krId, String metric, List<Epic> current, Rng r, long qStart, long qEnd) {
        boolean lower = metric.equals("lead_time_p50_hours") || metric.equals("change_failure_rate")
                || metric.equals("flow_time_p50_days");
        double[] bt = switch (metric) {
            case "deployment_frequency" -> new double[] {r.uniform(1, 5), 0};
            case "lead_time_p50_hours" -> new double[] {r.uniform(24, 120), 0};
            case "change_failure_rate" -> new double[] {r.uniform(0.08, 0.25), 0};
            case "flow_time_p50_days" -> new double[] {r.uniform(4, 15), 0};
            case "flow_velocity" -> new double[] {r.between(20, 60), 0};
            case "mrr" -> new double[] {r.uniform(150_000, 400_000), 0};
            case "adoption_rate" -> new double[] {0, 0};
            case "nps" -> new double[] {r.between(10, 40), 0};
            default -> new double[] {r.uniform(3.6, 4.3), 0};
        };
        bt[1] = metric.equals("adoption_rate") ? r.uniform(0.15, 0.4)
                : lower ? bt[0] * r.uniform(0.6, 0.9) : bt[0] * r.uniform(1.05, 1.4) + (metric.equals("nps") ? 5 : 0);
        Map<String, Object> kr = new LinkedHashMap<>();
        kr.put("kr_id", krId);
        kr.put("description", (lower ? "Bring " : "Raise ") + metric.replace('_', ' ') + " to " + round(bt[1]));
        kr.put("metric", metric);
        kr.put("direction", lower ? "decrease" : "increase");
        kr.put("baseline", r.chance(0.1) ? null : round(bt[0]));
        kr.put("target", round(bt[1]));
        List<String> epicKeys = new ArrayList<>();
        for (Epic e : current) {
            boolean fits = metric.equals("mrr") || metric.equals("adoption_rate") ? e.customerFacing() : r.chance(0.5);
            if (fits && epicKeys.size() < 2) {
                epicKeys.add(e.key);
                e.keyResults.add(krId);
            }
        }
        kr.put("epic_keys", epicKeys);
        if (metric.equals("nps") || metric.equals("csat")) {
            int n = r.between(3, 5);
            for (int i = 0; i < n; i++) {
                long day = qStart + (qEnd - qStart) * (i + 1) / (n + 1);
                double value = bt[0] + (bt[1] - bt[0]) * (i + 1) / n * r.uniform(0.5, 1.1);
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("kr_id", krId);
                c.put("date", TimeAxis.date(day).toString());
                c.put("value", round(value));
                checkins.add(c);
            }
        }
        return kr;
    }

    private static BigDecimal round(double v) {
        BigDecimal d = BigDecimal.valueOf(Math.max(0, v)).setScale(v >= 100 ? 0 : 3, RoundingMode.HALF_EVEN)
                .stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0) : d;
    }

    void writeOkrs(SourceWriter out) {
        objectives.forEach(out::write);
    }

    void writeCheckins(SourceWriter out) {
        checkins.forEach(out::write);
    }

    /** Loaded cost per team and month of 2025: FTE times a loaded monthly rate, in the team's currency. */
    void writeTeamCosts(SourceWriter out) {
        for (Org.Team team : teams) {
            Rng r = Rng.of(seed, "cost", team.index());
            double fte = team.fte();
            double perFte = r.uniform(10_500, 13_500);
            for (int m = 3; m < TimeAxis.MONTHS; m++) {
                if (r.chance(0.1)) {
                    fte = Math.max(2, fte + (r.chance(0.6) ? 1 : -1) * r.between(1, 2) * 0.5);
                }
                double cost = fte * perFte * r.uniform(0.97, 1.03) / FxRates.listRate(team.costCurrency());
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("team_id", team.teamId());
                row.put("month", TimeAxis.month(m));
                row.put("currency", team.costCurrency());
                row.put("loaded_cost", BigDecimal.valueOf(cost).setScale(2, RoundingMode.HALF_EVEN));
                row.put("fte", BigDecimal.valueOf(fte).setScale(1, RoundingMode.HALF_EVEN));
                out.write(row);
            }
        }
    }
}

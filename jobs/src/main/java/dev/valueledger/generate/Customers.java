package dev.valueledger.generate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Arrays;

/**
 * The customer base: accounts, their subscription paths (additive price noise with one distribution
 * for every segment, churn and reactivation) and their adoption of customer-facing Epics, which
 * favours larger, more active accounts (selection on level).
 */
final class Customers {
    private static final String[] ADJ = {"north", "blue", "bright", "swift", "green", "iron", "silver", "quiet",
            "bold", "clear", "true", "prime"};
    private static final String[] NOUN = {"wind", "harbor", "leaf", "peak", "stone", "field", "river", "forge",
            "lane", "works", "bridge", "labs"};
    /** Lowest list price in any currency: keeps MRR positive under the largest credits. */
    private static final long MIN_PRICE = 59;
    private static final String[] SEGMENT_CYCLE = {"enterprise", "smb", "mid_market", "smb", "smb", "mid_market",
            "smb", "smb", "mid_market", "smb"};
    private static final Map<String, Double> SEGMENT_PROPENSITY = Map.of("smb", 0.92, "mid_market", 1.05,
            "enterprise", 1.35);
    /** Expected monthly MRR lost to churn, in EUR, the same for every account (keeps trends parallel in levels). */
    private static final double CHURN_EUR_PER_MONTH = 1.0;

    private Customers() { }

    static List<Account> build(int count, long seed) {
        List<Account> accounts = new ArrayList<>();
        int users = 0;
        for (int i = 0; i < count; i++) {
            Rng r = Rng.of(seed, "account", i);
            int year = 2023 + r.weighted(new double[] {0.3, 0.35, 0.35});
            LocalDate first = LocalDate.of(year, 1, 1);
            int days = year == 2025 ? 353 : first.lengthOfYear();
            long created = TimeAxis.epoch(first.plusDays(r.between(0, days - 1))) + r.betweenLong(0, TimeAxis.DAY);
            // Segments by position (60/30/10 in every run of ten) so that every scale has the same mix.
            String segment = SEGMENT_CYCLE[i % SEGMENT_CYCLE.length];
            String region = new String[] {"emea", "na", "apac", "latam"}[r.weighted(new double[] {0.45, 0.35, 0.12, 0.08})];
            String currency = switch (region) {
                case "emea" -> r.chance(0.2) ? "GBP" : "EUR";
                case "apac" -> r.chance(0.3) ? "EUR" : "USD";
                default -> "USD";
            };
            // Annual terms are sold in EUR only: an annual line in USD would move with the exchange rate
            // every month, a multiplicative change that breaks parallel trends in levels.
            boolean eur = currency.equals("EUR");
            String plan;
            int seats;
            double baseEur;
            boolean annual;
            switch (segment) {
                case "smb" -> {
                    plan = r.chance(0.6) ? "starter" : "growth";
                    seats = 2 + r.poisson(3);
                    baseEur = r.uniform(79, 249);
                    annual = eur && r.chance(0.2);
                }
                case "mid_market" -> {
                    plan = r.chance(0.5) ? "growth" : "business";
                    seats = 6 + r.poisson(7);
                    baseEur = r.uniform(400, 1200);
                    annual = eur && r.chance(0.4);
                }
                default -> {
                    plan = "enterprise";
                    seats = 15 + r.poisson(15);
                    baseEur = r.uniform(2500, 8000);
                    annual = eur && r.chance(0.7);
                }
            }
            String company = ADJ[r.between(0, ADJ.length - 1)] + NOUN[r.between(0, NOUN.length - 1)] + "-" + (i + 1);
            Account a = new Account(i, company, created, segment, region, plan, currency, annual, seats, users,
                    r.logNormal(1.0, 0.45));
            users += seats;
            subscription(a, baseEur, r);
            accounts.add(a);
        }
        double mean = 0;
        for (Account a : accounts) {
            // Selection on level (segment) with a narrow spread: adopters of one Epic adopt the others
            // only a little more than everybody else, so co-adoption barely biases a single Epic's estimate.
            a.weight = SEGMENT_PROPENSITY.get(a.segment) * Math.pow(a.engagement, 0.15);
            mean += a.weight / accounts.size();
        }
        for (Account a : accounts) {
            a.weight /= mean;
        }
        return List.copyOf(accounts);
    }

    /** Walks the account's monthly price (EUR) through 2024-10..2025-12 with churn and a possible comeback. */
    private static void subscription(Account a, double baseEur, Rng r) {
        BigDecimal price = BigDecimal.valueOf(Math.round(baseEur));
        int createdMonth = TimeAxis.monthIndex(a.created);
        int firstMonth = createdMonth < 0 ? 0 : a.annual ? createdMonth + 1 : createdMonth;
        int anniversary = TimeAxis.date(a.created).getMonthValue() % 12 + 1;
        long useFrom = Math.max(a.created, TimeAxis.HISTORY_START_S);
        boolean billed = false;
        boolean cameBack = false;
        int termEnd = -1;
        for (int m = firstMonth; m < TimeAxis.MONTHS; m++) {
            boolean monthly = a.billedMonthly(m);
            if (!billed && m == firstMonth) {
                billed = true;
                if (!monthly) {
                    termEnd = nextBoundary(m, anniversary);
                    a.termEnd[m] = termEnd;
                }
            } else if (billed) {
                double eur = price.doubleValue();
                double hazard = Math.min(0.06, CHURN_EUR_PER_MONTH / Math.max(eur, 20));
                boolean renewal = !monthly && m == termEnd;
                boolean churns = monthly ? r.chance(hazard) : renewal && r.chance(1 - Math.pow(1 - hazard, 12));
                if (churns) {
                    billed = false;
                    a.churn = m;
                    a.lastMonthUncollectible = monthly && r.chance(0.3);
                    long stop = Math.max(useFrom + TimeAxis.DAY,
                            TimeAxis.monthStartS(m) - (long) r.uniform(0, 12 * TimeAxis.DAY));
                    a.active.add(new long[] {useFrom, Math.min(stop, TimeAxis.END_S)});
                    if (!cameBack && r.chance(0.25)) {
                        cameBack = true;
                        a.reactivation = m + r.between(2, 6);
                    }
                    continue;
                }
                if (renewal) {
                    termEnd = m + 12;
                    a.termEnd[m] = termEnd;
                }
                if (r.chance(0.12)) {
                    // Additive noise: the same distribution of EUR changes in every segment.
                    long delta = Math.round(r.normal(4, 30));
                    if (delta != 0 && price.longValue() + delta >= MIN_PRICE) {
                        price = price.add(BigDecimal.valueOf(delta));
                        if (monthly && r.chance(0.3)) {
                            a.changeDay[m] = r.between(2, 28);
                        }
                    }
                }
            } else if (m == a.reactivation) {
                billed = true;
                useFrom = TimeAxis.monthStartS(m) + (long) r.uniform(0, 3 * TimeAxis.DAY);
            } else {
                continue;
            }
            a.price[m] = price.setScale(2, RoundingMode.UNNECESSARY);
        }
        if (billed || a.active.isEmpty() && firstMonth >= TimeAxis.MONTHS) {
            a.active.add(new long[] {useFrom, TimeAxis.END_S});
        }
    }

    private static int nextBoundary(int m, int anniversaryMonth) {
        int b = m + 1;
        while (TimeAxis.monthStart(b).getMonthValue() != anniversaryMonth) {
            b++;
        }
        return b;
    }

    /**
     * Decides who adopts each customer-facing Epic and when (CONTRACT §2 Adoption): only while active,
     * on/after release, larger and more engaged accounts more often and sooner; where the roll-out is
     * randomised, only accounts exposed to the {@code on} variant.
     */
    static void adopt(List<Account> accounts, List<Epic> customerFacing, long seed) {
        for (Account a : accounts) {
            a.adoptedAt = new long[customerFacing.size()];
            a.exposedAt = new long[customerFacing.size()];
            a.exposedOn = new boolean[customerFacing.size()];
            Arrays.fill(a.adoptedAt, -1);
            Arrays.fill(a.exposedAt, -1);
        }
        // A company twice the size ships twice the features to twice the customers, but a customer
        // does not use twice the features: past the scale-1 portfolio each Epic's adoption share is
        // thinned so that an account adopts about as many Epics as at scale 1. Without it adoptions
        // grew with accounts x Epics (5,638 at scale 1, 91,286 at scale 4), so did every table
        // built on them, and at scale 16 nearly every account adopted some Epic in every month,
        // leaving the impact estimate almost no clean controls. Scales up to 1 are unchanged.
        double thinning = Math.min(1.0, CompanyGenerator.CUSTOMER_FACING_AT_SCALE_1 / (double) customerFacing.size());
        for (int j = 0; j < customerFacing.size(); j++) {
            Epic epic = customerFacing.get(j);
            for (Account a : accounts) {
                Rng r = Rng.of(seed, "adopt:" + epic.key, a.index);
                long[] interval = a.activeFrom(epic.release);
                if (interval == null) {
                    continue;
                }
                long eligible = Math.max(epic.release, interval[0]);
                double boost = 1;
                if (epic.exposures) {
                    long exposed = eligible + (long) r.uniform(0, (interval[0] > epic.release ? 48 : 72) * TimeAxis.HOUR);
                    if (exposed >= interval[1]) {
                        continue;
                    }
                    a.exposedAt[j] = exposed;
                    a.exposedOn[j] = r.chance(0.5);
                    if (!a.exposedOn[j]) {
                        continue;
                    }
                    eligible = exposed;
                    boost = 2;
                }
                if (!r.chance(Math.min(0.95, epic.adoptShare * a.weight * boost) * thinning)) {
                    continue;
                }
                // Adoption times run from the release for everybody: an account that starts later adopts
                // only if its time falls after it starts. Starting the clock at sign-up instead would make new
                // accounts catch up on every older feature at once, and co-adoption would then depend on tenure.
                long t = epic.release + 60 + (long) (r.exponential(epic.adoptMeanDays / a.weight) * TimeAxis.DAY);
                if (t >= eligible && t < TimeAxis.END_S && a.activeAt(t)) {
                    a.adoptedAt[j] = t;
                    epic.adopters++;
                }
            }
        }
    }

    static void writeAccounts(List<Account> accounts, SourceWriter out, long seed) {
        Rng rng = Rng.of(seed, "account-format");
        for (Account a : accounts) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("account_id", a.id);
            row.put("created_at", TimeAxis.ts(a.created, rng));
            row.put("segment", a.segment);
            row.put("region", a.region);
            row.put("plan", a.plan);
            out.write(row);
        }
    }
}

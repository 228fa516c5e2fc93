package dev.valueledger.generate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes invoice lines (CONTRACT §1 invoice_lines) so that each account's MRR by the CONTRACT §2
 * definition follows its price path, plus the planted effect of each Epic it adopted as a monthly
 * add-on (a credit for the harmful Epic) from the adoption day, worth the effect in EUR a month.
 */
final class Billing {
    private static final BigDecimal DAYS_PER_MONTH = new BigDecimal("30.4375");

    private final FxRates fx;
    private final List<Epic> customerFacing;
    private final long seed;

    Billing(FxRates fx, List<Epic> customerFacing, long seed) {
        this.fx = fx;
        this.customerFacing = customerFacing;
        this.seed = seed;
    }

    void write(List<Account> accounts, SourceWriter out) {
        for (Account a : accounts) {
            writeAccount(a, out, Rng.of(seed, "billing", a.index));
        }
    }

    private void writeAccount(Account a, SourceWriter out, Rng r) {
        int createdMonth = TimeAxis.monthIndex(a.created);
        LocalDate createdDay = TimeAxis.date(a.created);
        int termEnd = -1;
        for (int m = 0; m < TimeAxis.MONTHS; m++) {
            Invoice inv = new Invoice(a, m, out);
            String status = status(a, m, r);
            LocalDate start = TimeAxis.monthStart(m);
            LocalDate next = TimeAxis.monthStart(m + 1);
            BigDecimal price = a.price[m];
            BigDecimal before = m > 0 ? a.price[m - 1] : null;
            if (m == createdMonth && (r.chance(a.segment.equals("enterprise") ? 0.9 : 0.35))) {
                BigDecimal fee = BigDecimal.valueOf(a.segment.equals("smb") ? 99 : a.segment.equals("mid_market") ? 490 : 2500)
                        .multiply(BigDecimal.valueOf(r.between(1, 3)));
                inv.line("one_time", status, fee, createdDay, createdDay.plusDays(1));
            }
            if (price != null) {
                if (a.billedMonthly(m)) {
                    if (m == createdMonth && createdDay.getDayOfMonth() > 1) {
                        inv.line("subscription", status, prorate(local(a, price, m), createdDay, next), createdDay, next);
                    } else if (a.changeDay[m] > 0 && before != null) {
                        // Billed at the old price in advance, then the mid-month change as a prorated line.
                        LocalDate from = start.withDayOfMonth(a.changeDay[m]);
                        inv.line("subscription", status, local(a, before, m), start, next);
                        BigDecimal delta = price.subtract(before);
                        BigDecimal change = prorate(local(a, delta.abs(), m), from, next);
                        inv.line(delta.signum() > 0 ? "subscription" : "credit", status,
                                delta.signum() > 0 ? change : change.negate(), from, next);
                    } else {
                        if (r.chance(0.015)) {
                            inv.line("subscription", "void", local(a, price, m), start, next); // re-issued below
                        }
                        inv.line("subscription", status, local(a, price, m), start, next);
                    }
                } else if (a.termEnd[m] > 0) {
                    // Annual terms are in EUR (see Customers), so the price is the amount.
                    termEnd = a.termEnd[m];
                    inv.line("subscription", "paid", price.multiply(BigDecimal.valueOf(termEnd - m)), start,
                            TimeAxis.monthStart(termEnd));
                } else if (before != null && price.compareTo(before) != 0) {
                    // Up- or downgrade inside an annual term: the difference for the rest of the term.
                    BigDecimal rest = price.subtract(before).multiply(BigDecimal.valueOf(termEnd - m));
                    inv.line(rest.signum() > 0 ? "subscription" : "credit", "paid", rest, start,
                            TimeAxis.monthStart(termEnd));
                }
                boolean staysTwoMonths = m + 2 < TimeAxis.MONTHS && a.price[m + 1] != null && a.price[m + 2] != null;
                if (r.chance(0.01) && staysTwoMonths) {
                    // A goodwill credit spread over three months: at most a quarter of the lowest price in
                    // them, so MRR stays positive even with the harmful Epic's credit on top.
                    BigDecimal lowest = price.min(a.price[m + 1]).min(a.price[m + 2]);
                    BigDecimal goodwill = BigDecimal.valueOf(r.between(10, 50)).min(
                            lowest.divide(BigDecimal.valueOf(4), 0, RoundingMode.DOWN));
                    inv.line("credit", "paid", local(a, goodwill, m).multiply(BigDecimal.valueOf(3)).negate(), start,
                            TimeAxis.monthStart(m + 3));
                }
                for (int j = 0; j < customerFacing.size(); j++) {
                    long adopted = a.adoptedAt[j];
                    BigDecimal effect = customerFacing.get(j).effectEur;
                    if (adopted < 0 || effect.signum() == 0 || m < TimeAxis.monthIndex(adopted)) {
                        continue;
                    }
                    // From the adoption day, as a SaaS add-on is bought: a prorated line in the
                    // adoption month is active at its last day, so the account's MRR carries the whole
                    // effect from the adoption month on (the cohort month of CONTRACT §2 Impact).
                    LocalDate from = m == TimeAxis.monthIndex(adopted) ? TimeAxis.date(adopted) : start;
                    BigDecimal monthly = fx.amountFor(effect.abs(), a.currency, m);
                    BigDecimal amount = from.equals(start) ? monthly : prorate(monthly, from, next);
                    inv.line(effect.signum() > 0 ? "subscription" : "credit", status,
                            effect.signum() > 0 ? amount : amount.negate(), from, next);
                }
            }
        }
    }

    private static String status(Account a, int m, Rng r) {
        if (a.lastMonthUncollectible && m == a.churn - 1) {
            return "uncollectible";
        }
        if (m == TimeAxis.MONTHS - 1) {
            return r.chance(0.7) ? "open" : "paid";
        }
        return m == TimeAxis.MONTHS - 2 && r.chance(0.15) ? "open" : "paid";
    }

    /** The account's currency amount worth {@code eur} at the month's rate. */
    private BigDecimal local(Account a, BigDecimal eur, int m) {
        return fx.amountFor(eur, a.currency, m);
    }

    /** Amount for [from, to) at a monthly price, using the CONTRACT's 30.4375-day month. */
    private static BigDecimal prorate(BigDecimal monthly, LocalDate from, LocalDate to) {
        long days = ChronoUnit.DAYS.between(from, to);
        return monthly.multiply(BigDecimal.valueOf(days)).divide(DAYS_PER_MONTH, 2, RoundingMode.HALF_EVEN);
    }

    /** The lines billed to one account in one month, under one invoice id. */
    private static final class Invoice {
        private final Account account;
        private final String id;
        private final SourceWriter out;
        private int lines;

        Invoice(Account account, int month, SourceWriter out) {
            this.account = account;
            this.id = "INV-" + account.id.substring(4) + "-" + TimeAxis.month(month).replace("-", "");
            this.out = out;
        }

        void line(String kind, String status, BigDecimal amount, LocalDate from, LocalDate to) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("invoice_id", id);
            row.put("line_id", String.valueOf(++lines));
            row.put("account_id", account.id);
            row.put("kind", kind);
            row.put("status", status);
            row.put("currency", account.currency);
            row.put("amount", amount.setScale(2, RoundingMode.HALF_EVEN));
            row.put("period_start", from.toString());
            row.put("period_end", to.toString());
            out.write(row);
        }
    }
}

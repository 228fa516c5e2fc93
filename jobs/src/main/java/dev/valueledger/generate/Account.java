package dev.valueledger.generate;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One customer account: who it is, what it pays per month (in its currency) and when, when it uses
 * the product, and when it adopted each customer-facing Epic.
 */
final class Account {
    final int index;
    final String id;
    final String company;
    final long created;
    final String segment;
    final String region;
    final String plan;
    final String currency;
    final boolean annual;
    final int users;
    final int firstUser;
    final double engagement;
    /**
     * Price per billed month in EUR, null where nothing is billed. Accounts in USD or GBP are billed its
     * equivalent at the month's rate (FX-indexed pricing), so exchange rates never move anyone's MRR.
     */
    final BigDecimal[] price = new BigDecimal[TimeAxis.MONTHS];
    /** Day of month of a mid-month price change billed as a prorated line; 0 = none. */
    final int[] changeDay = new int[TimeAxis.MONTHS];
    /** For annual billing: the month (exclusive) its term ends, set on the months a term starts; else -1. */
    final int[] termEnd = new int[TimeAxis.MONTHS];
    /** First month billed monthly after coming back, or -1. */
    int reactivation = -1;
    int churn = -1;
    boolean lastMonthUncollectible;
    /** Intervals [from, to) of product use, epoch seconds. */
    final List<long[]> active = new ArrayList<>();
    /** Adoption instant per customer-facing Epic (by position), -1 if never. */
    long[] adoptedAt;
    /** Exposure instant per customer-facing Epic with a randomised roll-out, -1 if not exposed. */
    long[] exposedAt;
    boolean[] exposedOn;
    /** Relative propensity to adopt (mean 1 over accounts): larger and more engaged accounts adopt more and sooner. */
    double weight;

    Account(int index, String company, long created, String segment, String region, String plan, String currency,
            boolean annual, int users, int firstUser, double engagement) {
        this.index = index;
        this.id = String.format("ACC-%05d", index + 1);
        this.company = company;
        this.created = created;
        this.segment = segment;
        this.region = region;
        this.plan = plan;
        this.currency = currency;
        this.annual = annual;
        this.users = users;
        this.firstUser = firstUser;
        this.engagement = engagement;
        Arrays.fill(termEnd, -1);
    }

    boolean activeAt(long t) {
        for (long[] a : active) {
            if (t >= a[0] && t < a[1]) {
                return true;
            }
        }
        return false;
    }

    /** The interval containing t or, failing that, the first one starting after it; null if none. */
    long[] activeFrom(long t) {
        for (long[] a : active) {
            if (a[1] > t) {
                return a;
            }
        }
        return null;
    }

    boolean billedMonthly(int m) {
        return !annual || (reactivation >= 0 && m >= reactivation);
    }
}

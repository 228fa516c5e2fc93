package dev.valueledger.generate;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One Epic of the portfolio with its planted truth: for customer-facing Epics the release instant
 * customers got it at, the true monthly MRR effect on adopting accounts, and how adoption spreads.
 */
final class Epic {
    final int index;
    final String key;
    final Org.Team team;
    final String title;
    final String category;
    final List<String> featureKeys;
    /** True release instant (epoch seconds) of a customer-facing Epic, else -1. */
    final long release;
    /** Whether {@code released_at} is written in the epics file (else derived from deployments). */
    final boolean releaseGiven;
    final BigDecimal effectEur;
    final boolean exposures;
    final long workStart;
    final long workEnd;
    /** Share of accounts that would adopt, before churn and the end of the data cut it short. */
    final double adoptShare;
    final double adoptMeanDays;
    final Map<String, Object> outcome;
    final Boolean capitalizable;

    final List<String> keyResults = new ArrayList<>();
    long createdAt = Long.MAX_VALUE;
    int itemsTotal;
    int itemsDone;
    long adopters;

    Epic(int index, String key, Org.Team team, String title, String category, List<String> featureKeys,
         long release, boolean releaseGiven, BigDecimal effectEur, boolean exposures, long workStart, long workEnd,
         double adoptShare, double adoptMeanDays, Map<String, Object> outcome, Boolean capitalizable) {
        this.index = index;
        this.key = key;
        this.team = team;
        this.title = title;
        this.category = category;
        this.featureKeys = featureKeys;
        this.release = release;
        this.releaseGiven = releaseGiven;
        this.effectEur = effectEur;
        this.exposures = exposures;
        this.workStart = workStart;
        this.workEnd = workEnd;
        this.adoptShare = adoptShare;
        this.adoptMeanDays = adoptMeanDays;
        this.outcome = outcome;
        this.capitalizable = capitalizable;
    }

    boolean customerFacing() {
        return !featureKeys.isEmpty();
    }

    /** Released through a deployment the pipeline must find (CONTRACT §1.1 released_at fallback). */
    boolean releasedByDeployment() {
        return customerFacing() && !releaseGiven;
    }

    String status() {
        if (itemsTotal > 0 && itemsDone == itemsTotal) {
            return "Done";
        }
        return itemsDone > 0 || createdAt < TimeAxis.END_S - 30 * TimeAxis.DAY ? "In Progress" : "To Do";
    }
}

package dev.valueledger.config;

import java.util.List;

/** The input sources of CONTRACT §1, by name; configuration keys per source must name one of them. */
public final class SourceNames {
    public static final List<String> ALL = List.of(
            "teams", "epics", "work_items", "work_item_transitions", "pull_requests", "deployments",
            "incidents", "accounts", "product_events", "feature_exposures", "invoice_lines", "fx_rates",
            "team_costs", "okrs", "okr_checkins");

    private SourceNames() { }
}

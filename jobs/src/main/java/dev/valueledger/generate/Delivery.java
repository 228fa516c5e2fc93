package dev.valueledger.generate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The delivery side of CONTRACT §1: work items of every Epic and team, the pull requests that carry
 * their code and the deployments that ship it, so that a customer-facing Epic without a given
 * {@code released_at} first reaches production, successfully, exactly at its true release instant.
 */
final class Delivery {
    private static final String[] VERBS = {"Add", "Fix", "Handle", "Refactor", "Support", "Speed up", "Validate",
            "Log", "Cache", "Retry"};
    private static final String[] OBJECTS = {"rounding in invoice totals", "empty currency, fall back to EUR",
            "\"null\" amounts in the export", "UTF-8 in CSV exports", "pagination of the ledger API",
            "timezone offsets in reports", "webhook delivery", "the onboarding checklist", "PDF layout, A4 and Letter",
            "permissions on shared dashboards", "the mobile sync queue", "search ranking", "audit log filters",
            "SSO redirect", "bulk edit", "scheduled jobs"};
    private static final String[] LABELS = {"backend", "frontend", "api", "mobile", "customer-reported", "ux"};

    private final List<Org.Team> teams;
    private final List<Epic> epics;
    private final long seed;
    private final int[] issueCounters;
    private final int unparentedItems;
    private final List<WorkItem> items = new ArrayList<>();
    private final PullRequests pullRequests;
    private final Deployments deployments;

    Delivery(List<Org.Team> teams, List<Epic> epics, long seed, int[] issueCounters, int unparentedItems) {
        this.teams = teams;
        this.epics = epics;
        this.seed = seed;
        this.issueCounters = issueCounters;
        this.unparentedItems = unparentedItems;
        this.pullRequests = new PullRequests(seed);
        this.deployments = new Deployments(teams, epics, seed);
    }

    void simulate() {
        for (Epic epic : epics) {
            Rng rng = Rng.of(seed, "epic-items", epic.index);
            int n = Math.max(4, rng.poisson(15));
            List<WorkItem> group = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                group.add(epicItem(epic, rng, i < n * 0.8 || !epic.customerFacing()));
            }
            pullRequests.open(group, rng);
            if (epic.releasedByDeployment()) {
                pullRequests.ensureReleasable(epic, group, rng);
            }
        }
        for (Org.Team team : teams) {
            Rng rng = Rng.of(seed, "team-items", team.index());
            int n = Math.max(3, (int) Math.round((double) unparentedItems / teams.size()));
            List<WorkItem> group = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                group.add(unparentedItem(team, rng));
            }
            pullRequests.open(group, rng);
        }
        deployments.simulate(pullRequests);
    }

    private WorkItem epicItem(Epic epic, Rng rng, boolean beforeRelease) {
        WorkItem item = newItem(epic.team, rng);
        item.epic = epic;
        boolean bugs = epic.category.equals("defect");
        item.type = bugs ? (rng.chance(0.7) ? "Bug" : "Task") : rng.chance(0.6) ? "Story" : rng.chance(0.9) ? "Task" : "Bug";
        item.labels = labels(rng);
        if (epic.category.equals("risk") && rng.chance(0.5)) {
            item.labels.add("security");
        } else if (epic.category.equals("debt") && rng.chance(0.5)) {
            item.labels.add("tech-debt");
        }
        long windowEnd = Math.max(epic.workStart + TimeAxis.DAY, epic.workEnd);
        if (epic.customerFacing() && !beforeRelease) {
            // Follow-up work after the release: its PRs deploy in the ordinary flow.
            long created = epic.release + (long) (rng.uniform(1, 40) * TimeAxis.DAY);
            item.simulateHistory(rng, created, created);
        } else {
            long created = rng.betweenLong(epic.workStart - 10 * TimeAxis.DAY, epic.workStart + (windowEnd - epic.workStart) / 2);
            item.simulateHistory(rng, created, Math.max(created, epic.workStart));
            if (epic.customerFacing()) {
                item.shiftBefore(epic.workEnd, rng);
            }
        }
        epic.createdAt = Math.min(epic.createdAt, item.created - (long) (rng.uniform(1, 20) * TimeAxis.DAY));
        item.cutAtEnd();
        epic.itemsTotal++;
        if (item.resolved != null) {
            epic.itemsDone++;
        }
        return item;
    }

    private WorkItem unparentedItem(Org.Team team, Rng rng) {
        WorkItem item = newItem(team, rng);
        item.labels = labels(rng);
        double kind = rng.uniform();
        if (kind < 0.5) {
            item.type = "Bug";
        } else if (kind < 0.75) {
            item.type = "Task";
            item.labels.add("tech-debt");
        } else if (kind < 0.9) {
            item.type = "Task";
            item.labels.add(rng.chance(0.7) ? "security" : "compliance");
        } else {
            item.type = "Story";
        }
        long created = rng.betweenLong(TimeAxis.HISTORY_START_S, TimeAxis.END_S - 10 * TimeAxis.DAY);
        item.simulateHistory(rng, created, created);
        item.cutAtEnd();
        return item;
    }

    private WorkItem newItem(Org.Team team, Rng rng) {
        WorkItem item = new WorkItem();
        item.team = team;
        item.key = team.projectKey() + "-" + issueCounters[team.index()]++;
        item.summary = rng.pick(VERBS) + " " + rng.pick(OBJECTS);
        item.assignee = rng.chance(0.9) ? rng.pick(team.emails()) : null;
        items.add(item);
        return item;
    }

    private static List<String> labels(Rng rng) {
        List<String> l = new ArrayList<>();
        int n = rng.weighted(new double[] {0.4, 0.45, 0.15});
        for (int i = 0; i < n; i++) {
            String label = rng.pick(LABELS);
            if (!l.contains(label)) {
                l.add(label);
            }
        }
        return l;
    }

    void writeWorkItems(SourceWriter itemsOut, SourceWriter transitionsOut) {
        for (WorkItem item : items) {
            Rng rng = Rng.of(seed, "item-format", item.key.hashCode());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("item_key", item.key);
            row.put("type", item.type);
            row.put("epic_key", item.epic == null ? null : item.epic.key);
            row.put("team_id", item.team.teamId());
            row.put("status", item.status);
            row.put("created_at", TimeAxis.ts(item.created, rng));
            row.put("resolved_at", item.resolved == null ? null : TimeAxis.ts(item.resolved, rng));
            row.put("story_points", item.points);
            row.put("labels", item.labels);
            row.put("assignee", item.assignee);
            itemsOut.write(row);
            for (WorkItem.Transition t : item.transitions) {
                Map<String, Object> tr = new LinkedHashMap<>();
                tr.put("item_key", item.key);
                tr.put("from_status", t.from());
                tr.put("to_status", t.to());
                tr.put("changed_at", TimeAxis.ts(t.at(), rng));
                transitionsOut.write(tr);
            }
        }
    }

    void writePullRequests(SourceWriter out) {
        pullRequests.write(out);
    }

    void writeDeployments(SourceWriter deploymentsOut, SourceWriter incidentsOut) {
        deployments.write(deploymentsOut, incidentsOut);
    }
}

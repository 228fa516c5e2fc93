package dev.valueledger.generate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Simulates the delivery side (CONTRACT §1 work_items, work_item_transitions, pull_requests,
 * deployments, incidents) so that a customer-facing Epic without a given {@code released_at} is
 * first deployed to production, successfully, exactly at its true release instant.
 */
final class Delivery {
    private static final Set<String> DONE = Set.of("Done", "Won't Do");
    private static final String[] VERBS = {"Add", "Fix", "Handle", "Refactor", "Support", "Speed up", "Validate",
            "Log", "Cache", "Retry"};
    private static final String[] OBJECTS = {"rounding in invoice totals", "empty currency, fall back to EUR",
            "\"null\" amounts in the export", "UTF-8 in CSV exports", "pagination of the ledger API",
            "timezone offsets in reports", "webhook delivery", "the onboarding checklist", "PDF layout, A4 and Letter",
            "permissions on shared dashboards", "the mobile sync queue", "search ranking", "audit log filters",
            "SSO redirect", "bulk edit", "scheduled jobs"};
    private static final String[] LABELS = {"backend", "frontend", "api", "mobile", "customer-reported", "ux"};

    record Transition(String from, String to, long at) { }

    static final class Item {
        String key;
        String type;
        Epic epic;
        Org.Team team;
        long created;
        List<Transition> transitions = new ArrayList<>();
        List<Long> merges = new ArrayList<>();
        String status;
        Long resolved;
        Integer points;
        List<String> labels;
        String assignee;
        String summary;
    }

    static final class PullRequest {
        String id;
        String repo;
        String title;
        String branch;
        long created;
        Long firstCommit;
        Long merged;
        String sha;
        List<String> itemKeys;
        String author;
        /** Not deployable to production before this instant (held for an Epic's release deployment). */
        long holdUntil;
    }

    static final class Deployment {
        String id;
        String service;
        Org.Team team;
        String environment;
        String status;
        long started;
        long finished;
        List<String> shas = new ArrayList<>();
        /** Merged PRs held until this instant may ride along (the release instant for release attempts). */
        long horizon;
        boolean release;
    }

    private final List<Org.Team> teams;
    private final List<Epic> epics;
    private final long seed;
    private final int[] issueCounters;
    private final int unparentedItems;
    private final List<Item> items = new ArrayList<>();
    private final List<PullRequest> prs = new ArrayList<>();
    private final List<Deployment> deployments = new ArrayList<>();
    private final Map<String, Integer> prNumbers = new HashMap<>();
    private final Map<String, List<PullRequest>> byRepo = new HashMap<>();

    Delivery(List<Org.Team> teams, List<Epic> epics, long seed, int[] issueCounters, int unparentedItems) {
        this.teams = teams;
        this.epics = epics;
        this.seed = seed;
        this.issueCounters = issueCounters;
        this.unparentedItems = unparentedItems;
    }

    void simulate() {
        for (Epic epic : epics) {
            Rng rng = Rng.of(seed, "epic-items", epic.index);
            int n = Math.max(4, rng.poisson(15));
            List<Item> group = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                group.add(epicItem(epic, rng, i < n * 0.8 || !epic.customerFacing()));
            }
            pullRequests(group, rng);
            if (epic.releasedByDeployment()) {
                ensureReleasable(epic, group, rng);
            }
        }
        for (Org.Team team : teams) {
            Rng rng = Rng.of(seed, "team-items", team.index());
            int n = Math.max(3, (int) Math.round((double) unparentedItems / teams.size()));
            List<Item> group = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                group.add(unparentedItem(team, rng));
            }
            pullRequests(group, rng);
        }
        for (Org.Team team : teams) {
            for (String service : team.services()) {
                deploy(team, service, Rng.of(seed, "deploy:" + service));
            }
        }
    }

    private Item epicItem(Epic epic, Rng rng, boolean beforeRelease) {
        Item item = newItem(epic.team, rng);
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
            timeline(item, rng, created, created);
        } else {
            long created = rng.betweenLong(epic.workStart - 10 * TimeAxis.DAY, epic.workStart + (windowEnd - epic.workStart) / 2);
            timeline(item, rng, created, Math.max(created, epic.workStart));
            if (epic.customerFacing()) {
                fitBefore(item, epic.workEnd, rng);
            }
        }
        epic.createdAt = Math.min(epic.createdAt, item.created - (long) (rng.uniform(1, 20) * TimeAxis.DAY));
        finish(item);
        epic.itemsTotal++;
        if (item.resolved != null) {
            epic.itemsDone++;
        }
        return item;
    }

    private Item unparentedItem(Org.Team team, Rng rng) {
        Item item = newItem(team, rng);
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
        timeline(item, rng, created, created);
        finish(item);
        return item;
    }

    private Item newItem(Org.Team team, Rng rng) {
        Item item = new Item();
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

    /** A status history in the default workflow, with waits, reopenings and a few unmapped statuses. */
    private static void timeline(Item item, Rng rng, long createdAt, long notBefore) {
        long created = Math.min(createdAt, TimeAxis.END_S - TimeAxis.DAY);
        item.created = created;
        item.points = item.type.equals("Bug") && rng.chance(0.5) || rng.chance(0.2) ? null
                : new int[] {1, 2, 3, 5, 8, 13}[rng.weighted(new double[] {0.1, 0.25, 0.3, 0.2, 0.1, 0.05})];
        Track t = new Track(item, created);
        t.go(null, "To Do");
        if (rng.chance(0.04)) {
            t.after(rng.exponential(6 * TimeAxis.DAY) + TimeAxis.HOUR).go(rng.chance(0.3) ? "Won't Do" : "Done");
            return;
        }
        t.at = Math.max(t.at + (long) rng.exponential(4 * TimeAxis.DAY) + TimeAxis.HOUR, notBefore);
        if (rng.chance(0.15)) {
            t.go("Selected for Development").after(rng.exponential(2 * TimeAxis.DAY) + 600);
        }
        if (rng.chance(0.03)) {
            t.go("Design Review").after(rng.uniform(1, 3) * TimeAxis.DAY);
        }
        t.go("In Progress").after(rng.logNormal(2.5 * TimeAxis.DAY, 0.8));
        if (rng.chance(0.22)) {
            t.go(rng.pick(new String[] {"Blocked", "Waiting", "On Hold"})).after(rng.uniform(1, 8) * TimeAxis.DAY);
            t.go("In Progress").after(rng.uniform(0.5, 2) * TimeAxis.DAY);
        }
        t.go("In Review").after(rng.uniform(0.2, 2) * TimeAxis.DAY);
        boolean code = rng.chance(0.88);
        if (code) {
            item.merges.add(t.at - 600);
        }
        if (rng.chance(0.3)) {
            t.go("Ready for QA").after(rng.uniform(0.5, 3) * TimeAxis.DAY);
            t.go("Testing").after(rng.uniform(0.3, 1) * TimeAxis.DAY);
        }
        if (rng.chance(0.02)) {
            t.go("Awaiting Deploy").after(rng.uniform(0.5, 2) * TimeAxis.DAY);
        }
        t.go("Done");
        if (rng.chance(0.07)) {
            t.after(rng.uniform(2, 20) * TimeAxis.DAY).go("In Progress").after(rng.uniform(0.5, 3) * TimeAxis.DAY);
            t.go("In Review").after(rng.uniform(0.2, 1) * TimeAxis.DAY);
            if (code) {
                item.merges.add(t.at - 600);
            }
            t.go("Done");
        }
    }

    /** Shifts a customer-facing item so that its first merge lands before the Epic's release work ends. */
    private static void fitBefore(Item item, long limit, Rng rng) {
        long first = item.merges.isEmpty() ? item.transitions.get(item.transitions.size() - 1).at() : item.merges.get(0);
        long target = limit - (long) rng.uniform(TimeAxis.HOUR, 20 * TimeAxis.DAY);
        if (first <= target) {
            return;
        }
        long shift = first - target;
        item.created -= shift;
        item.transitions.replaceAll(x -> new Transition(x.from(), x.to(), x.at() - shift));
        item.merges.replaceAll(m -> m - shift);
    }

    /** Cuts the history at the end of the data and makes status and resolved_at agree with it. */
    private static void finish(Item item) {
        item.transitions.removeIf(x -> x.at() >= TimeAxis.END_S);
        Transition last = item.transitions.get(item.transitions.size() - 1);
        item.status = last.to();
        item.resolved = DONE.contains(last.to()) ? last.at() : null;
    }

    private static final class Track {
        final Item item;
        long at;
        String current;

        Track(Item item, long at) {
            this.item = item;
            this.at = at;
        }

        Track go(String to) {
            return go(current, to);
        }

        Track go(String from, String to) {
            item.transitions.add(new Transition(from, to, at));
            current = to;
            return this;
        }

        Track after(double seconds) {
            at += (long) seconds;
            return this;
        }
    }

    private void pullRequests(List<Item> group, Rng rng) {
        for (Item item : group) {
            for (long merge : item.merges) {
                PullRequest pr = pr(item, group, rng, merge - (long) (rng.uniform(0.3, 3) * TimeAxis.DAY));
                if (merge < TimeAxis.END_S) {
                    pr.merged = merge;
                    pr.sha = rng.hex(40);
                    Epic epic = item.epic;
                    pr.holdUntil = epic != null && epic.releasedByDeployment() && merge < epic.release
                            ? epic.release : merge;
                }
            }
            if (!item.merges.isEmpty() && rng.chance(0.06)) {
                pr(item, group, rng, item.merges.get(0) - (long) (rng.uniform(1, 5) * TimeAxis.DAY));
            }
        }
    }

    /** Guarantees the release deployment carries at least one of the Epic's merge commits. */
    private void ensureReleasable(Epic epic, List<Item> group, Rng rng) {
        for (PullRequest pr : prs) {
            if (pr.holdUntil == epic.release && pr.repo.equals(epic.team.mainService())) {
                return;
            }
        }
        Item item = group.get(0);
        long merge = epic.release - (long) rng.uniform(3 * TimeAxis.HOUR, 3 * TimeAxis.DAY);
        PullRequest pr = pr(item, group, rng, merge - TimeAxis.DAY);
        pr.merged = merge;
        pr.sha = rng.hex(40);
        pr.holdUntil = epic.release;
    }

    private PullRequest pr(Item item, List<Item> group, Rng rng, long created) {
        PullRequest pr = new PullRequest();
        boolean customerRelease = item.epic != null && item.epic.customerFacing();
        pr.repo = customerRelease ? item.team.mainService()
                : rng.chance(0.04) ? item.team.docsRepo() : rng.pick(item.team.services());
        int number = prNumbers.merge(pr.repo, 1, Integer::sum) + 100;
        pr.id = pr.repo + "#" + number;
        pr.created = Math.min(created, TimeAxis.END_S - TimeAxis.HOUR);
        pr.firstCommit = rng.chance(0.1) ? null : pr.created - (long) (rng.uniform(0.05, 3) * TimeAxis.DAY);
        pr.author = rng.pick(item.team.logins());
        String slug = item.summary.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        slug = slug.substring(0, Math.min(30, slug.length()));
        String prefix = item.type.equals("Bug") ? "bugfix/" : "feature/";
        String key = item.key;
        double style = rng.uniform();
        if (style < 0.4) {
            pr.title = key + " " + item.summary;
            pr.branch = prefix + key + "-" + slug;
        } else if (style < 0.6) {
            pr.title = "[" + key + "] " + item.summary;
            pr.branch = prefix + slug;
        } else if (style < 0.75) {
            pr.title = item.summary + " (" + key + ")";
            pr.branch = prefix + key;
        } else if (style < 0.88) {
            pr.title = item.summary;
            pr.branch = prefix + key + "-" + slug;
        } else if (style < 0.95) {
            // The keys live only in the explicit array.
            pr.title = item.summary;
            pr.branch = "chore/" + slug;
            pr.itemKeys = List.of(key);
        } else {
            Item sibling = rng.pick(group);
            pr.title = sibling == item ? key + " " + item.summary : key + ", " + sibling.key + ": " + item.summary;
            pr.branch = prefix + key + "-" + slug;
        }
        if (pr.itemKeys == null && rng.chance(0.05)) {
            pr.itemKeys = List.of(key);
        }
        prs.add(pr);
        byRepo.computeIfAbsent(pr.repo, r -> new ArrayList<>()).add(pr);
        return pr;
    }

    private void deploy(Org.Team team, String service, Rng rng) {
        List<Deployment> prod = new ArrayList<>();
        List<long[]> releaseWindows = new ArrayList<>();
        for (Epic epic : epics) {
            if (epic.releasedByDeployment() && epic.team == team && service.equals(team.mainService())) {
                long started = epic.release - rng.betweenLong(300, 1200);
                if (rng.chance(0.3)) {
                    // A failed first attempt carrying the same commits: not yet a release.
                    prod.add(deployment(team, service, "production", epic.release - 2400, epic.release - 1500,
                            epic.release, true));
                }
                prod.add(deployment(team, service, "production", started, epic.release, epic.release, true));
                releaseWindows.add(new long[] {epic.release - 3 * TimeAxis.HOUR, epic.release + TimeAxis.HOUR});
            }
        }
        for (long day = TimeAxis.HISTORY_START_S; day < TimeAxis.END_S - TimeAxis.DAY; day += TimeAxis.DAY) {
            int dow = (int) Math.floorMod(day / TimeAxis.DAY + 3, 7); // 0 = Monday (1970-01-01 was a Thursday)
            if (dow >= 5 || !rng.chance(team.deployRate())) {
                continue;
            }
            int count = rng.chance(0.1) ? 2 : 1;
            for (int i = 0; i < count; i++) {
                long started = day + rng.betweenLong(8 * TimeAxis.HOUR, 18 * TimeAxis.HOUR);
                long finished = started + rng.betweenLong(180, 1500);
                boolean clash = false;
                for (long[] w : releaseWindows) {
                    clash |= finished > w[0] && started < w[1];
                }
                if (!clash) {
                    prod.add(deployment(team, service, "production", started, finished, finished, false));
                }
            }
        }
        prod.sort(Comparator.comparingLong((Deployment d) -> d.started).thenComparingLong(d -> d.finished));
        List<PullRequest> merged = new ArrayList<>();
        for (PullRequest pr : byRepo.getOrDefault(service, List.of())) {
            // A few merged PRs never reach production (reverted before a release); never a held one.
            if (pr.merged != null && (pr.holdUntil > pr.merged || !rng.chance(0.02))) {
                merged.add(pr);
            }
        }
        merged.sort(Comparator.comparingLong(p -> p.merged));

        List<Deployment> staging = new ArrayList<>();
        Set<PullRequest> pending = new LinkedHashSet<>();
        Set<PullRequest> unstaged = new LinkedHashSet<>();
        int next = 0;
        List<String> previous = List.of();
        for (Deployment d : prod) {
            long stagedAt = d.started - rng.betweenLong(TimeAxis.HOUR, 20 * TimeAxis.HOUR);
            while (next < merged.size() && merged.get(next).merged < d.started) {
                PullRequest pr = merged.get(next++);
                unstaged.add(pr);
                pending.add(pr);
            }
            List<PullRequest> toStage = new ArrayList<>();
            for (PullRequest pr : unstaged) {
                if (pr.merged < stagedAt) {
                    toStage.add(pr);
                }
            }
            if (!d.release && !toStage.isEmpty() && stagedAt > TimeAxis.HISTORY_START_S) {
                Deployment s = deployment(team, service, "staging", stagedAt, stagedAt + rng.betweenLong(120, 900),
                        0, false);
                s.status = rng.chance(0.05) ? "failure" : "success";
                toStage.forEach(pr -> s.shas.add(pr.sha));
                if (s.status.equals("success")) {
                    toStage.forEach(unstaged::remove);
                }
                staging.add(s);
            }
            List<PullRequest> carried = new ArrayList<>();
            for (PullRequest pr : pending) {
                if (pr.holdUntil <= d.horizon) {
                    carried.add(pr);
                }
            }
            boolean failedAttempt = d.release && d.finished < d.horizon;
            d.status = d.release ? (failedAttempt ? "failure" : "success")
                    : rng.chance(team.failureRate()) ? "failure" : "success";
            carried.forEach(pr -> d.shas.add(pr.sha));
            if (d.shas.isEmpty()) {
                d.shas.add(rng.hex(40)); // a direct commit or configuration change
            }
            if (d.status.equals("success")) {
                carried.forEach(pending::remove);
                if (!d.release && rng.chance(0.05)) {
                    // Redeploying the previous change set with this one: a PR in two production deployments.
                    previous.forEach(sha -> {
                        if (!d.shas.contains(sha)) {
                            d.shas.add(sha);
                        }
                    });
                }
                previous = List.copyOf(d.shas);
            }
            if (rng.chance(0.05)) {
                d.environment = "Production";
            }
        }
        List<Deployment> all = new ArrayList<>(prod);
        all.addAll(staging);
        all.sort(Comparator.comparingLong((Deployment d) -> d.started).thenComparing(d -> d.environment));
        int n = 0;
        for (Deployment d : all) {
            d.id = service + "-" + String.format("%05d", ++n);
        }
        deployments.addAll(all);
    }

    private static Deployment deployment(Org.Team team, String service, String env, long started, long finished,
                                         long horizon, boolean release) {
        Deployment d = new Deployment();
        d.team = team;
        d.service = service;
        d.environment = env;
        d.started = started;
        d.finished = finished;
        d.horizon = horizon;
        d.release = release;
        return d;
    }

    void writeWorkItems(SourceWriter itemsOut, SourceWriter transitionsOut) {
        for (Item item : items) {
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
            for (Transition t : item.transitions) {
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
        Rng rng = Rng.of(seed, "pr-format");
        for (PullRequest pr : prs) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("pr_id", pr.id);
            row.put("repo", pr.repo);
            row.put("title", pr.title);
            row.put("branch", pr.branch);
            row.put("created_at", TimeAxis.ts(pr.created, rng));
            row.put("first_commit_at", pr.firstCommit == null ? null : TimeAxis.ts(pr.firstCommit, rng));
            row.put("merged_at", pr.merged == null ? null : TimeAxis.ts(pr.merged, rng));
            row.put("merge_commit_sha", pr.sha);
            if (pr.itemKeys != null) {
                row.put("item_keys", pr.itemKeys);
            }
            row.put("author", pr.author);
            out.write(row);
        }
    }

    /** Deployments, and the incidents they (and the background) cause. */
    void writeDeployments(SourceWriter deploymentsOut, SourceWriter incidentsOut) {
        Rng rng = Rng.of(seed, "ops");
        int incident = 1000;
        for (Deployment d : deployments) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("deployment_id", d.id);
            row.put("service", d.service);
            row.put("team_id", d.team.teamId());
            row.put("environment", d.environment);
            row.put("status", d.status);
            row.put("started_at", TimeAxis.ts(d.started, rng));
            row.put("finished_at", TimeAxis.ts(d.finished, rng));
            row.put("commit_shas", d.shas);
            deploymentsOut.write(row);
            if (d.environment.equalsIgnoreCase("production") && d.status.equals("success")) {
                if (rng.chance(d.team.incidentRate())) {
                    long started = d.finished + 300 + (long) rng.exponential(8 * TimeAxis.HOUR);
                    incident = incident(incidentsOut, rng, incident, d.service, d.team, started,
                            rng.chance(0.6) ? d.id : null);
                }
            }
        }
        for (Org.Team team : teams) {
            for (String service : team.services()) {
                int n = rng.poisson(5);
                for (int i = 0; i < n; i++) {
                    long started = rng.betweenLong(TimeAxis.HISTORY_START_S, TimeAxis.END_S);
                    incident = incident(incidentsOut, rng, incident, service, team, started, null);
                }
            }
        }
    }

    private static int incident(SourceWriter out, Rng rng, int number, String service, Org.Team team, long started,
                                String causedBy) {
        if (started >= TimeAxis.END_S) {
            return number;
        }
        long resolved = started + (long) rng.logNormal(3 * TimeAxis.HOUR, 1.0) + 300;
        boolean open = rng.chance(0.04) || resolved >= TimeAxis.END_S;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("incident_id", "INC-" + number);
        row.put("service", service);
        row.put("team_id", team.teamId());
        row.put("severity", new String[] {"sev1", "sev2", "sev3", "sev4"}[rng.weighted(new double[] {0.05, 0.2, 0.5, 0.25})]);
        row.put("started_at", TimeAxis.ts(started, rng));
        row.put("resolved_at", open ? null : TimeAxis.ts(resolved, rng));
        row.put("caused_by_deployment_id", causedBy);
        out.write(row);
        return number + 1;
    }

    /** The released Epics' true release instants must be what the pipeline can derive; checked here. */
    List<Item> items() {
        return items;
    }
}

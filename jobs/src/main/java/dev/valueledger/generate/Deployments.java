package dev.valueledger.generate;

import dev.valueledger.generate.PullRequests.PullRequest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deployments per service, staging and production (CONTRACT §1 deployments), and the incidents
 * they cause (incidents). Merges of an Epic released by deployment are held back until its release
 * instant, where one successful production deployment carries them first (CONTRACT §1.1).
 */
final class Deployments {
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
    private final List<Deployment> all = new ArrayList<>();

    Deployments(List<Org.Team> teams, List<Epic> epics, long seed) {
        this.teams = teams;
        this.epics = epics;
        this.seed = seed;
    }

    void simulate(PullRequests pullRequests) {
        for (Org.Team team : teams) {
            for (String service : team.services()) {
                deploy(team, service, pullRequests, Rng.of(seed, "deploy:" + service));
            }
        }
    }

    private void deploy(Org.Team team, String service, PullRequests pullRequests, Rng rng) {
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
        for (PullRequest pr : pullRequests.ofRepo(service)) {
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
        this.all.addAll(all);
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

    /** Deployments, and the incidents they (and the background) cause. */
    void write(SourceWriter deploymentsOut, SourceWriter incidentsOut) {
        Rng rng = Rng.of(seed, "ops");
        int incident = 1000;
        for (Deployment d : all) {
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
}

package dev.valueledger.generate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pull requests of work items (CONTRACT §1 pull_requests), linked by keys in title or branch or by
 * an explicit item_keys array; merged, abandoned, or still open at the end of the data.
 */
final class PullRequests {
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

    private final long seed;
    private final List<PullRequest> all = new ArrayList<>();
    private final Map<String, Integer> numbers = new HashMap<>();
    private final Map<String, List<PullRequest>> byRepo = new HashMap<>();

    PullRequests(long seed) {
        this.seed = seed;
    }

    List<PullRequest> ofRepo(String repo) {
        return byRepo.getOrDefault(repo, List.of());
    }

    /** Opens the PRs of a group of items (an Epic's, or a team's items without Epic). */
    void open(List<WorkItem> group, Rng rng) {
        for (WorkItem item : group) {
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
    void ensureReleasable(Epic epic, List<WorkItem> group, Rng rng) {
        for (PullRequest pr : all) {
            if (pr.holdUntil == epic.release && pr.repo.equals(epic.team.mainService())) {
                return;
            }
        }
        WorkItem item = group.get(0);
        long merge = epic.release - (long) rng.uniform(3 * TimeAxis.HOUR, 3 * TimeAxis.DAY);
        PullRequest pr = pr(item, group, rng, merge - TimeAxis.DAY);
        pr.merged = merge;
        pr.sha = rng.hex(40);
        pr.holdUntil = epic.release;
    }

    private PullRequest pr(WorkItem item, List<WorkItem> group, Rng rng, long created) {
        PullRequest pr = new PullRequest();
        boolean customerRelease = item.epic != null && item.epic.customerFacing();
        pr.repo = customerRelease ? item.team.mainService()
                : rng.chance(0.04) ? item.team.docsRepo() : rng.pick(item.team.services());
        int number = numbers.merge(pr.repo, 1, Integer::sum) + 100;
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
            WorkItem sibling = rng.pick(group);
            pr.title = sibling == item ? key + " " + item.summary : key + ", " + sibling.key + ": " + item.summary;
            pr.branch = prefix + key + "-" + slug;
        }
        if (pr.itemKeys == null && rng.chance(0.05)) {
            pr.itemKeys = List.of(key);
        }
        all.add(pr);
        byRepo.computeIfAbsent(pr.repo, r -> new ArrayList<>()).add(pr);
        return pr;
    }

    void write(SourceWriter out) {
        Rng rng = Rng.of(seed, "pr-format");
        for (PullRequest pr : all) {
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
}

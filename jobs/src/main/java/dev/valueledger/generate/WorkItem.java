package dev.valueledger.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A Jira-like issue and its status history in the default workflow (CONTRACT §1 work_items and
 * work_item_transitions): waits, reopenings, items straight to done, a few unmapped statuses, and
 * status and resolved_at always agreeing with the last transition.
 */
final class WorkItem {
    private static final Set<String> DONE = Set.of("Done", "Won't Do");

    record Transition(String from, String to, long at) { }

    String key;
    String type;
    Epic epic;
    Org.Team team;
    long created;
    final List<Transition> transitions = new ArrayList<>();
    /** When this item's code was merged (one PR per merge), in time order. */
    final List<Long> merges = new ArrayList<>();
    String status;
    Long resolved;
    Integer points;
    List<String> labels;
    String assignee;
    String summary;

    /** A status history in the default workflow, with waits, reopenings and a few unmapped statuses. */
    void simulateHistory(Rng rng, long createdAt, long notBefore) {
        created = Math.min(createdAt, TimeAxis.END_S - TimeAxis.DAY);
        points = type.equals("Bug") && rng.chance(0.5) || rng.chance(0.2) ? null
                : new int[] {1, 2, 3, 5, 8, 13}[rng.weighted(new double[] {0.1, 0.25, 0.3, 0.2, 0.1, 0.05})];
        Track t = new Track(this, created);
        t.go(null, "To Do");
        if (rng.chance(0.04)) {
            t.after(rng.exponential(6 * TimeAxis.DAY) + TimeAxis.HOUR).go(rng.chance(0.3) ? "Won't Do" : "Done");
            return;
        }
        if (rng.chance(0.06)) {
            return; // parked in the backlog: still open when the data ends
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
            merges.add(t.at - 600);
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
                merges.add(t.at - 600);
            }
            t.go("Done");
        }
    }

    /** Shifts a customer-facing item so that its first merge lands before the Epic's release work ends. */
    void shiftBefore(long limit, Rng rng) {
        long first = merges.isEmpty() ? transitions.get(transitions.size() - 1).at() : merges.get(0);
        long target = limit - (long) rng.uniform(TimeAxis.HOUR, 20 * TimeAxis.DAY);
        if (first <= target) {
            return;
        }
        long shift = first - target;
        created -= shift;
        transitions.replaceAll(x -> new Transition(x.from(), x.to(), x.at() - shift));
        merges.replaceAll(m -> m - shift);
    }

    /** Cuts the history at the end of the data and makes status and resolved_at agree with it. */
    void cutAtEnd() {
        transitions.removeIf(x -> x.at() >= TimeAxis.END_S);
        Transition last = transitions.get(transitions.size() - 1);
        status = last.to();
        resolved = DONE.contains(last.to()) ? last.at() : null;
    }

    private static final class Track {
        final WorkItem item;
        long at;
        String current;

        Track(WorkItem item, long at) {
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
}

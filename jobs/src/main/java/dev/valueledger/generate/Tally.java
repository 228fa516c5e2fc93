package dev.valueledger.generate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Rows and bad records written per source, summed over the files (and threads) of a source. */
final class Tally {
    private final Map<String, Long> rows = new TreeMap<>();
    private final Map<String, Map<String, Long>> bad = new TreeMap<>();

    synchronized void add(String source, long rowCount, Map<BadKind, Long> badCounts) {
        rows.merge(source, rowCount, Long::sum);
        Map<String, Long> kinds = bad.computeIfAbsent(source, s -> {
            Map<String, Long> m = new LinkedHashMap<>();
            for (BadKind k : BadKind.values()) {
                m.put(k.label(), 0L);
            }
            return m;
        });
        badCounts.forEach((k, v) -> kinds.merge(k.label(), v, Long::sum));
    }

    synchronized Map<String, Long> rows() {
        return new TreeMap<>(rows);
    }

    synchronized Map<String, Map<String, Long>> bad() {
        Map<String, Map<String, Long>> copy = new TreeMap<>();
        bad.forEach((s, m) -> copy.put(s, new LinkedHashMap<>(m)));
        return copy;
    }
}

package dev.valueledger.generate;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams one file of a source and mixes bad records (CONTRACT §1.3) in at the requested rate:
 * after every 1/rate good records, one bad record of the next kind in turn, placed next to the
 * record it was made from, never so many that the file's quarantined share passes 4%.
 */
final class SourceWriter implements Closeable {
    /** Below the default 5% failure threshold with room to spare. */
    private static final double MAX_QUARANTINED_SHARE = 0.04;

    private final String source;
    private final Writer out;
    private final LineFormat format;
    private final BadRecordRules rules;
    private final List<BadKind> kinds;
    private final double badRate;
    private final Tally tally;
    private final Map<BadKind, Long> bad = new EnumMap<>(BadKind.class);
    private long rows;
    private long quarantined;
    private double due;
    private int nextKind;
    private int nextOutOfDomain;
    private int serial;

    SourceWriter(String source, Writer out, LineFormat format, BadRecordRules rules, double badRate,
                 Rng rng, Tally tally) {
        this.source = source;
        this.out = out;
        this.format = format;
        this.rules = rules;
        this.kinds = rules.kinds();
        this.badRate = badRate;
        this.tally = tally;
        this.due = rng.uniform();
        this.nextKind = rng.between(0, kinds.size() - 1);
        this.nextOutOfDomain = rng.between(0, 7);
        if (format.header() != null) {
            line(format.header());
            rows--;
        }
    }

    void write(Map<String, Object> row) {
        line(format.encode(row));
        if (badRate <= 0) {
            return;
        }
        due += badRate;
        if (due < 1) {
            return;
        }
        BadKind kind = kinds.get(nextKind % kinds.size());
        int written = kind == BadKind.CONFLICTING_DUPLICATE ? 2 : 1;
        if (quarantined + kind.quarantinedRows() > MAX_QUARANTINED_SHARE * (rows + written)) {
            return;
        }
        due -= 1;
        nextKind++;
        quarantined += kind.quarantinedRows();
        bad.merge(kind, (long) written, Long::sum);
        inject(kind, row);
    }

    private void inject(BadKind kind, Map<String, Object> row) {
        int n = ++serial;
        switch (kind) {
            case UNPARSEABLE -> line(format.unparseable(rules.freshKey().apply(row, n)));
            case MISSING_REQUIRED -> {
                Map<String, Object> r = rules.freshKey().apply(row, n);
                r.remove(rules.requiredColumn());
                line(format.encode(r));
            }
            case WRONG_TYPE -> line(format.encode(
                    BadRecordRules.with(rules.freshKey().apply(row, n), rules.typedColumn(), rules.wrongValue())));
            case OUT_OF_DOMAIN -> {
                var ways = rules.outOfDomain();
                line(format.encode(ways.get(nextOutOfDomain++ % ways.size()).apply(rules.freshKey().apply(row, n))));
            }
            case CONFLICTING_DUPLICATE -> {
                Map<String, Object> first = rules.freshKey().apply(row, n);
                line(format.encode(first));
                line(format.encode(rules.conflict().apply(new LinkedHashMap<>(first))));
            }
            case EXACT_DUPLICATE -> line(format.encode(row));
        }
    }

    private void line(String text) {
        try {
            out.write(text);
            out.write('\n');
            rows++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
        tally.add(source, rows, bad);
    }
}

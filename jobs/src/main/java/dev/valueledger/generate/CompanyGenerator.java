package dev.valueledger.generate;

import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a synthetic SaaS company in the canonical input layout of CONTRACT §1 (with bad input per
 * §1.3 at the requested rate) and the planted truth in {@code _truth.json}; deterministic for a seed.
 */
public final class CompanyGenerator {

    /**
     * Changes whenever the same options would write different records (2: add-ons billed from the
     * adoption day; 3: adoption shares thinned above scale 1), so a company cached by an older version is generated again ({@link CompanyCache}).
     */
    public static final int REVISION = 3;
    private static final int MIN_TEAMS = 2;
    private static final int MIN_EPICS = 8;
    private static final int MIN_CUSTOMER_FACING = 5;
    /** Customer-facing Epics of the scale-1 company: about what one account gets to see and adopt. */
    static final int CUSTOMER_FACING_AT_SCALE_1 = 24;

    private CompanyGenerator() { }

    public static GenerationSummary generate(String outUri, GeneratorOptions o) {
        long began = System.nanoTime();
        Company company = plan(o);
        Tally tally = new Tally();
        try (OutputFiles files = new OutputFiles(outUri)) {
            write(company, new InputLayout(files, tally, o.badRate(), o.seed()));
            writeTruth(files, o, company.released(), tally);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new GenerationSummary(outUri, tally.rows(), tally.bad(), Duration.ofNanos(System.nanoTime() - began));
    }

    /** Everything but the product events, small enough to hold in memory. */
    private record Company(List<Org.Team> teams, List<Epic> epics, List<Epic> released, Delivery delivery,
                           Planning planning, FxRates fx, List<Account> accounts, long seed) {
    }

    private static Company plan(GeneratorOptions o) {
        long seed = o.seed();
        double s = o.scale();
        int teamCount = Math.max(MIN_TEAMS, (int) Math.round(20 * s));
        int epicCount = Math.max(MIN_EPICS, (int) Math.round(150 * s));
        int customerFacing = Math.max(MIN_CUSTOMER_FACING, (int) Math.round(CUSTOMER_FACING_AT_SCALE_1 * s));
        int accountCount = Math.max(10, (int) Math.round(1000 * s));
        int unparented = (int) Math.round(750 * s);

        List<Org.Team> teams = Org.build(teamCount, seed);
        int[] issueCounters = new int[teams.size()];
        for (Org.Team t : teams) {
            issueCounters[t.index()] = 10 + Rng.of(seed, "issue-start", t.index()).between(0, 90);
        }
        List<Epic> epics = Portfolio.plan(teams, epicCount, customerFacing, seed, issueCounters);
        List<Epic> released = epics.stream().filter(Epic::customerFacing).toList();
        Delivery delivery = new Delivery(teams, epics, seed, issueCounters, unparented);
        delivery.simulate();
        Planning planning = new Planning(teams, epics, seed);
        planning.plan();
        List<Account> accounts = Customers.build(accountCount, seed);
        Customers.adopt(accounts, released, seed);
        return new Company(teams, epics, released, delivery, planning, new FxRates(seed), accounts, seed);
    }

    private static void write(Company c, InputLayout layout) throws IOException {
        Usage usage = new Usage(c.released(), c.seed());
        ExecutorService pool = Executors.newFixedThreadPool(
                Math.max(1, Math.min(InputLayout.EVENT_PARTS, Runtime.getRuntime().availableProcessors())));
        try {
            // Events are most of the bytes: their part files are written in parallel with everything else.
            List<Future<?>> parts = new ArrayList<>();
            for (int p = 0; p < InputLayout.EVENT_PARTS; p++) {
                int part = p;
                parts.add(pool.submit(() -> {
                    try (SourceWriter out = layout.openEventPart(part)) {
                        usage.writePart(c.accounts(), part, InputLayout.EVENT_PARTS, out);
                    }
                    return null;
                }));
            }
            try (SourceWriter out = layout.open("teams")) {
                writeTeams(c.teams(), out);
            }
            try (SourceWriter out = layout.open("epics")) {
                writeEpics(c.epics(), out, c.seed());
            }
            try (SourceWriter items = layout.open("work_items");
                 SourceWriter transitions = layout.open("work_item_transitions")) {
                c.delivery().writeWorkItems(items, transitions);
            }
            try (SourceWriter out = layout.open("pull_requests")) {
                c.delivery().writePullRequests(out);
            }
            try (SourceWriter deployments = layout.open("deployments");
                 SourceWriter incidents = layout.open("incidents")) {
                c.delivery().writeDeployments(deployments, incidents);
            }
            try (SourceWriter out = layout.open("accounts")) {
                Customers.writeAccounts(c.accounts(), out, c.seed());
            }
            try (SourceWriter out = layout.open("feature_exposures")) {
                usage.writeExposures(c.accounts(), out);
            }
            try (SourceWriter out = layout.open("invoice_lines")) {
                new Billing(c.fx(), c.released(), c.seed()).write(c.accounts(), out);
            }
            try (SourceWriter out = layout.open("fx_rates")) {
                c.fx().write(out);
            }
            try (SourceWriter out = layout.open("team_costs")) {
                c.planning().writeTeamCosts(out);
            }
            try (SourceWriter out = layout.open("okrs")) {
                c.planning().writeOkrs(out);
            }
            try (SourceWriter out = layout.open("okr_checkins")) {
                c.planning().writeCheckins(out);
            }
            for (Future<?> f : parts) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("generation interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("writing product events failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void writeTeams(List<Org.Team> teams, SourceWriter out) {
        for (Org.Team t : teams) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("team_id", t.teamId());
            row.put("name", t.name());
            row.put("product_id", t.productId());
            row.put("product_name", t.productName());
            out.write(row);
        }
    }

    private static void writeEpics(List<Epic> epics, SourceWriter out, long seed) {
        Rng rng = Rng.of(seed, "epic-format");
        for (Epic e : epics) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epic_key", e.key);
            row.put("title", e.title);
            row.put("team_id", e.team.teamId());
            row.put("status", e.status());
            row.put("created_at", TimeAxis.ts(e.createdAt, rng));
            row.put("investment_category", e.category);
            row.put("feature_keys", e.featureKeys);
            row.put("released_at", e.releaseGiven ? TimeAxis.ts(e.release, rng) : null);
            row.put("outcome", e.outcome);
            row.put("key_results", e.keyResults);
            if (e.capitalizable != null) {
                row.put("capitalizable", e.capitalizable);
            }
            out.write(row);
        }
    }

    /** The sidecar: what was planted (CONTRACT §2 Impact inputs) and what bad input was written. */
    private static void writeTruth(OutputFiles files, GeneratorOptions o, List<Epic> released, Tally tally) {
        Map<String, Object> truth = new LinkedHashMap<>();
        truth.put("generator_revision", REVISION);
        truth.put("seed", o.seed());
        truth.put("scale", o.scale());
        truth.put("bad_rate", o.badRate());
        Map<String, Object> period = new LinkedHashMap<>();
        period.put("start", TimeAxis.PERIOD_START.toString());
        period.put("end", TimeAxis.PERIOD_END.toString());
        period.put("quarters", List.of("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"));
        period.put("history_start", TimeAxis.HISTORY_START.toString());
        period.put("reporting_currency", FxRates.REPORTING);
        truth.put("period", period);
        List<Map<String, Object>> epics = new ArrayList<>();
        for (Epic e : released) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epic_key", e.key);
            row.put("feature_keys", e.featureKeys);
            row.put("true_effect_mrr_eur", e.effectEur);
            row.put("released_at", TimeAxis.utc(e.release));
            row.put("released_at_source", e.releaseGiven ? "given" : "deployment");
            row.put("adopters", e.adopters);
            row.put("has_exposures", e.exposures);
            epics.add(row);
        }
        truth.put("epics", epics);
        truth.put("bad_records", tally.bad());
        truth.put("rows", tally.rows());
        try (Writer w = files.open(InputLayout.TRUTH_FILE)) {
            w.write(LineFormat.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(truth));
            w.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

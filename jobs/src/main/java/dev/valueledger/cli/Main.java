package dev.valueledger.cli;

import dev.valueledger.UserError;
import dev.valueledger.bench.Benchmark;
import dev.valueledger.config.AppConfig;
import dev.valueledger.generate.CompanyGenerator;
import dev.valueledger.generate.GenerationSummary;
import dev.valueledger.generate.GeneratorOptions;
import dev.valueledger.impact.EstimateCommand;
import dev.valueledger.impact.ControlGroup;
import dev.valueledger.impact.EstimateOptions;
import dev.valueledger.pipeline.Pipeline;
import dev.valueledger.pipeline.Progress;
import dev.valueledger.pipeline.Quarter;
import dev.valueledger.pipeline.QuarterClose;
import dev.valueledger.pipeline.SparkSessions;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;

import java.io.File;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The command line of CONTRACT §4: {@code demo}, {@code generate}, {@code run}, {@code sql},
 * {@code estimate}, and issue 6's {@code close} and {@code diff}. A user error ends with one line on
 * stderr and exit status 2; anything else with exit status 1, the stack trace only with {@code --verbose}.
 */
public final class Main {

    static final String USAGE = """
            usage: valueledger <command> [options]    (valueledger <command> --help for its options)

            commands:
              demo       generate a realistic company, run every quarter, print what was written
              generate   write a synthetic company in the input layout (CONTRACT §1)
              run        run the pipeline on an input folder into a lakehouse
              sql        run one SQL statement against the lakehouse catalog and print the result
              estimate   run the staggered difference-in-differences estimator on a panel file
              close      freeze the as-reported figures of a quarter (later runs of it are restatements)
              diff       show the figures of a closed quarter that changed since its close
              bench      time the whole pipeline per stage on a generated company of a given scale

            every command takes --verbose (stack traces on failure) and --help
            """;

    private Main() { }

    public static void main(String[] argv) {
        int status = run(argv, System.out, System.err);
        System.exit(status);
    }

    /** Runs one command; returns the exit status instead of exiting, for tests. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        boolean verbose = Arrays.asList(argv).contains("--verbose");
        String[] args = Arrays.stream(argv).filter(a -> !a.equals("--verbose")).toArray(String[]::new);
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        try {
            Command c = Command.named(args[0]);
            if (Arrays.asList(args).contains("--help")) {
                out.print(c.help());
                return 0;
            }
            return c.execute(args, out, err);
        } catch (UserError e) {
            err.println("valueledger: " + e.getMessage());
            if (verbose) {
                e.printStackTrace(err);
            }
            return 2;
        } catch (Exception e) {
            // Spark's AnalysisException is a checked exception in Java's eyes: catch them all here.
            Throwable root = rootCause(e);
            if (root instanceof AnalysisException ae) {
                err.println("valueledger: " + ae.getSimpleMessage());
                return 2;
            }
            err.println("valueledger: failed: " + oneLine(root) + (verbose ? "" : " (run with --verbose for the stack trace)"));
            if (verbose) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c && !(c instanceof AnalysisException)) {
            c = c.getCause();
        }
        return c;
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** The configuration for a command: defaults, --config, and --lake when given. */
    static AppConfig config(Args a) {
        Map<String, String> overrides = new HashMap<>();
        a.get("lake").ifPresent(l -> overrides.put("valueledger.lake.root", l));
        return AppConfig.load(a.get("config").map(File::new), overrides);
    }

    static GeneratorOptions generatorOptions(Args a, double defaultBadRate) {
        return new GeneratorOptions(a.number("scale", 1.0, 0.001, 100), a.integer("seed", 42),
                a.number("bad-rate", defaultBadRate, 0, 0.05));
    }

    static SparkSession spark(AppConfig cfg) {
        return SparkSessions.getOrCreate(cfg);
    }

    /** The subcommands and their options. */
    enum Command {
        RUN("run", Set.of("input", "lake", "quarter", "config"), Set.of("all", "insecure-dev-key"), """
                usage: valueledger run --input DIR --lake DIR (--quarter YYYY-Qn | --all) [--config FILE] [--insecure-dev-key]

                Reads the input folder (CONTRACT §1; a local path or any URI Spark reads), writes bronze,
                quarantine, silver and the curated tables of the quarter(s) into the lakehouse, and records
                the run in pipeline_runs. Personal identifiers are hashed with the key in $VALUELEDGER_HASH_KEY;
                --insecure-dev-key uses a publicly known key instead (never for real data).
                Exit status 0 on success, non-zero with a one-line reason otherwise.
                """) {
            @Override
            int execute(String[] argv, PrintStream out, PrintStream err) {
                Args a = Args.parse(name, argv, 1, valued, flags);
                String input = a.require("input", "DIR (the folder holding teams.csv, epics.jsonl, ...)");
                a.require("lake", "DIR (where the lakehouse lives)");
                if (a.flag("all") == a.get("quarter").isPresent()) {
                    throw new UserError("'run' needs exactly one of --quarter YYYY-Qn or --all");
                }
                AppConfig cfg = config(a);
                Optional<Quarter> q = a.get("quarter").map(s -> Quarter.parse(s, cfg.fiscalYearStartMonth()));
                Progress progress = new Progress(err);
                Pipeline.Result r = Pipeline.run(spark(cfg), cfg, new Pipeline.Request(input, q, a.flag("insecure-dev-key")), progress);
                out.println("run " + r.runId() + " succeeded: " + r.quarters().size() + " quarter(s), "
                        + r.ingest().rowsRead() + " records read, " + r.ingest().rowsQuarantined() + " quarantined, "
                        + r.versions().size() + " tables written to " + cfg.lakeRoot() + " and published");
                return 0;
            }
        },
        GENERATE("generate", Set.of("out", "scale", "seed", "bad-rate"), Set.of(), """
                usage: valueledger generate --out DIR [--scale N] [--seed S] [--bad-rate R]

                Writes a synthetic SaaS company in the input layout of CONTRACT §1, deterministic for a seed:
                scale 1 is about 1,000 accounts, 2 million product events, 20 teams and 150 Epics over 2025.
                --bad-rate R (0 to 0.05) mixes in bad records of every kind in CONTRACT §1.3. The planted truth
                (true effect of each Epic, bad-record counts) goes to DIR/_truth.json, which the pipeline ignores.
                """) {
            @Override
            int execute(String[] argv, PrintStream out, PrintStream err) {
                Args a = Args.parse(name, argv, 1, valued, flags);
                String dir = a.require("out", "DIR (where to write the input files)");
                GenerationSummary s = CompanyGenerator.generate(dir, generatorOptions(a, 0.0));
                out.println(Demo.describe(s));
                return 0;
            }
        },
        DEMO("demo", Set.of("out", "lake", "scale", "seed", "bad-rate", "config"), Set.of(), """
                usage: valueledger demo [--out DIR] [--lake DIR] [--scale N] [--seed S] [--bad-rate R] [--config FILE]

                Generates a realistic company (default scale 1, seed 42, bad rate 0.01) into DIR (default
                ./demo/input; reused when already generated with the same settings), runs every quarter it
                covers into the lakehouse (default ./lakehouse), and prints the curated tables, their row counts,
                the quarantined records by reason, and how to query them. Uses the publicly known development
                hash key unless VALUELEDGER_HASH_KEY is set, and says so.
                """) {
            @Override
            int execute(String[] argv, PrintStream out, PrintStream err) {
                Args a = Args.parse(name, argv, 1, valued, flags);
                AppConfig cfg = config(a);
                return Demo.run(cfg, a.get("out").orElse("demo/input"), generatorOptions(a, 0.01), out, err);
            }
        },
        ESTIMATE("estimate", Set.of("panel", "unit", "time", "outcome", "cohort", "control", "out", "covariates"), Set.of(), """
                usage: valueledger estimate --panel FILE --unit COL --time COL --outcome COL --cohort COL
                                           [--control never|not-yet] [--out DIR] [--covariates COL[,COL...]]

                Runs the staggered difference-in-differences estimator of Callaway and Sant'Anna (CONTRACT §2
                Impact) on any balanced panel (CSV with a header, or Parquet; cohort 0 = never treated) and
                writes attgt.csv (group, t, att, se) and aggte.csv (type, egt, att_egt, se_egt, overall_att,
                overall_se; simple, group, dynamic, calendar) in the layout of R package did, with analytic
                standard errors. Default controls: never treated; default output folder: the current one.
                --covariates names numeric columns for the doubly robust adjustment (R did's xformla with
                est_method "dr"), each taken at the cell's base period; without it, no covariates.
                """) {
            @Override
            int execute(String[] argv, PrintStream out, PrintStream err) {
                Args a = Args.parse(name, argv, 1, valued, flags);
                EstimateOptions o = new EstimateOptions(a.require("panel", "FILE"), a.require("unit", "COL"),
                        a.require("time", "COL"), a.require("outcome", "COL"), a.require("cohort", "COL"),
                        ControlGroup.parse(a.get("control").orElse("never")), a.get("out").orElse("."),
                        a.get("covariates").map(v -> List.of(v.split(","))).orElse(List.of()).stream()
                                .map(String::trim).filter(c -> !c.isEmpty()).toList());
                AppConfig cfg = AppConfig.defaults().with(Map.of("valueledger.catalog.implementation", "in-memory"));
                EstimateCommand.run(spark(cfg), o);
                out.println("wrote " + o.out() + "/attgt.csv and " + o.out() + "/aggte.csv");
                return 0;
            }
        },
        CLOSE("close", Set.of("quarter", "lake", "config"), Set.of(), """
                usage: valueledger close --quarter YYYY-Qn --lake DIR [--config FILE]

                Closes a quarter: records the Delta version of every curated table, as the last successful run
                covering the quarter left them, in table quarter_closes and as a 'closed' row in pipeline_runs.
                Those versions stay the as-reported figures; a later run of the quarter is a restatement, whose
                changed figures go to table restatements. Closing again freezes the figures as they are then.
                """) {
            @Override
            int execute(String[] argv, PrintStream out, PrintStream err) {
                Args a = Args.parse(name, argv, 1, valued, flags);
                String label = a.require("quarter", "YYYY-Qn (the quarter to close)");
                a.require("lake", "DIR (where the lakehouse lives)");
                AppConfig cfg = config(a);
                QuarterClose.Closed c = QuarterClose.close(spark(cfg), cfg, Quarter.parse(label, cfg.fiscalYearStartMonth()), new Progress(err));
                out.println("closed " + c.quarter() + " at " + c.closedAt() + " as reported by run " + c.runId() + ": "
                        + c.tableVersions().size() + " table versions recorded (close " + c.closeId() + ")");
                return 0;
            }
        },
        DIFF("diff", Set.of("quarter", "lake", "config", "format"), Set.of(), """
                usage: valueledger diff --quarter YYYY-Qn --lake DIR [--format table|csv|json] [--config FILE]

                Compares the closed quarter's figures (the table versions of its latest close) with the current
                ones, row by row on each table's key, and prints one line per changed figure: quarter, table_name,
                key (JSON), column_name ('*' for a whole row added or removed), closed_value, current_value.
                Writes nothing; a quarter unchanged since its close prints no figure (0 rows).
                """) {
            @Override
            int execute(String[] argv, PrintStream out, PrintStream err) {
                Args a = Args.parse(name, argv, 1, valued, flags);
                String label = a.require("quarter", "YYYY-Qn (a closed quarter)");
                a.require("lake", "DIR (where the lakehouse lives)");
                AppConfig cfg = config(a);
                DiffCommand.run(spark(cfg), cfg, Quarter.parse(label, cfg.fiscalYearStartMonth()), a.get("format").orElse("table"), out);
                return 0;
            }
        },
        BENCH("bench", Set.of("scale", "runs", "out", "seed", "bad-rate", "config"), Set.of(), """
                usage: valueledger bench --scale N [--runs K] [--out DIR] [--seed S] [--bad-rate R] [--config FILE]

                Generates a company of scale N once (cached in DIR/input-scale-N, default DIR .bench; reused while
                its _truth.json matches; seed 42 and bad rate 0.01 by default), runs the whole pipeline on every
                quarter K times (default 1) into fresh lakehouses under DIR/work, and reports per stage the wall time,
                records read and written by its Spark tasks, rows per second, shuffle bytes, and the run's peak JVM
                heap; medians over the runs. Writes DIR/bench-scale-N.json and appends each run to
                DIR/bench-results.csv with the machine's cores and memory. Driver heap: VALUELEDGER_JAVA_OPTS=-Xmx4g.
                """) {
            @Override
            int execute(String[] argv, PrintStream out, PrintStream err) {
                Args a = Args.parse(name, argv, 1, valued, flags);
                a.require("scale", "N (1 is about 1,000 accounts and 2 million product events)");
                Benchmark.Options o = new Benchmark.Options(generatorOptions(a, 0.01), (int) Math.min(a.integer("runs", 1), 1000),
                        java.nio.file.Path.of(a.get("out").orElse(".bench")));
                out.println(Benchmark.table(Benchmark.run(config(a), o, err)));
                return 0;
            }
        },
        SQL("sql", Set.of("lake", "config", "format"), Set.of(), """
                usage: valueledger sql "<statement>" [--lake DIR] [--format table|csv|json] [--config FILE]

                Runs one SQL statement against the lakehouse catalog (curated tables in schema value_ledger,
                silver in value_ledger_silver, bronze in value_ledger_bronze) and prints the result: an aligned
                table, CSV with a header, or one JSON object per line.
                """) {
            @Override
            int execute(String[] argv, PrintStream out, PrintStream err) {
                Args a = Args.parse(name, argv, 1, valued, flags);
                if (a.positionals().size() != 1) {
                    throw new UserError("'sql' takes exactly one statement in quotes, e.g. valueledger sql \"SHOW TABLES IN value_ledger\"");
                }
                String format = a.get("format").orElse("table");
                AppConfig cfg = config(a);
                SqlCommand.run(spark(cfg), cfg, a.positionals().get(0), format, out);
                return 0;
            }
        };

        final String name;
        final Set<String> valued;
        final Set<String> flags;
        private final String help;

        Command(String name, Set<String> valued, Set<String> flags, String help) {
            this.name = name;
            this.valued = valued;
            this.flags = flags;
            this.help = help;
        }

        String help() {
            return help;
        }

        abstract int execute(String[] argv, PrintStream out, PrintStream err);

        static Command named(String name) {
            for (Command c : values()) {
                if (c.name.equals(name)) {
                    return c;
                }
            }
            throw new UserError("unknown command '" + name + "'; the commands are demo, generate, run, sql, estimate, close, diff, bench (valueledger --help)");
        }
    }
}

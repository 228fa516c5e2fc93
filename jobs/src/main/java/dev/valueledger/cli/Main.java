package dev.valueledger.cli;

import dev.valueledger.UserError;
import dev.valueledger.config.AppConfig;
import dev.valueledger.pipeline.Pipeline;
import dev.valueledger.pipeline.Progress;
import dev.valueledger.pipeline.Quarter;
import dev.valueledger.pipeline.SparkSessions;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;

import java.io.File;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The command line of CONTRACT §4: {@code demo}, {@code generate}, {@code run}, {@code sql},
 * {@code estimate}. A user error ends with one line on stderr and exit status 2; anything else
 * with exit status 1, the stack trace only with {@code --verbose}.
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
        } catch (RuntimeException e) {
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
                        + r.versions().size() + " curated tables written to " + cfg.lakeRoot());
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
            throw new UserError("unknown command '" + name + "'; the commands are demo, generate, run, sql, estimate (valueledger --help)");
        }
    }
}

package dev.valueledger.cli;

import dev.valueledger.UserError;
import dev.valueledger.config.AppConfig;
import dev.valueledger.pipeline.GoldTables;
import dev.valueledger.pipeline.Quarter;
import dev.valueledger.pipeline.QuarterClose;
import dev.valueledger.pipeline.QuarterDiff;
import dev.valueledger.publish.Lakehouse;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.List;

/** Prints the figures of a closed quarter that differ from its close (issue 6 {@code valueledger diff}); writes nothing. */
final class DiffCommand {

    private DiffCommand() { }

    static void run(SparkSession spark, AppConfig cfg, Quarter quarter, String format, PrintStream out) {
        SqlCommand.checkFormat(format);
        Lakehouse lake = new Lakehouse(spark, cfg);
        QuarterClose.Closed close = QuarterClose.latest(lake, List.of(quarter.label())).stream().findFirst()
                .orElseThrow(() -> new UserError(quarter.label() + " has not been closed in " + cfg.lakeRoot()
                        + "; close it first with valueledger close --quarter " + quarter.label()));
        SqlCommand.print(QuarterDiff.sinceClose(lake, close, GoldTables.quarterSliced())
                .orderBy("table_name", "key", "column_name"), format, out);
    }
}

package dev.valueledger.outcomes;

import dev.valueledger.config.AppConfig;
import dev.valueledger.pipeline.Quarter;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.make_dt_interval;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

/** epic_outcome_scorecard: per quarter and Epic, its declared outcome metric measured over the window after release against baseline and target, with attainment and status (CONTRACT §1.1 outcome, §2 Outcome attainment, §3). */
public final class EpicOutcomeScorecard {

    public static final String DECLARED = "declared";
    public static final String MEASURED_PRE_RELEASE = "measured_pre_release";

    public static final TableSpec SPEC = TableSpec.gold("epic_outcome_scorecard",
                    "Each released Epic's anticipated outcome measured over the window after its release, per reporting quarter (CONTRACT §1.1 outcome, §2 Outcome attainment)")
            .column("quarter", "Reporting quarter YYYY-Qn: the scorecard as known at the quarter's end (one row per quarter run and Epic released before its end)")
            .column("epic_key", "Epic (dim_epic.epic_key) with an outcome and a released_at")
            .column("metric", "Outcome metric (epics.outcome.metric): "
                    + "mrr = total MRR in the reporting currency (CONTRACT §2 MRR) of the last calendar month that ended by the end of the measured window, over the account x month panel; "
                    + "churn_rate = share of the accounts with MRR > 0 in the last month ended by the window start whose MRR is 0 at some later month end up to the last month ended by the window end (CONTRACT §2 MRR movements: churn); "
                    + "adoption_rate = at d = end of the measured window, accounts active at d that adopted the Epic (first event with one of its feature_keys on or after released_at) before d / accounts active at d, active = any event in the 28 days (adoption.active-window-days) before d (CONTRACT §2 Adoption); "
                    + "active_accounts = accounts with any product event in the 28 days before the end of the measured window; "
                    + "event:<name> = product events named <name> in the measured window / accounts with any event in it")
            .column("direction", "increase | decrease (epics.outcome.direction): which way is better")
            .column("baseline", "Declared baseline (epics.outcome.baseline), else the metric measured over the window of the same length ending at released_at (for adoption_rate that is 0: nobody adopts before release)")
            .column("baseline_source", "declared | measured_pre_release")
            .column("target", "Declared target (epics.outcome.target)")
            .column("actual", "The metric measured over [window_start, least(window_end, quarter end)): the final figure once the window is over, the figure so far while pending")
            .column("attainment", "(actual - baseline) / (target - baseline) for increase, (baseline - actual) / (baseline - target) for decrease (CONTRACT §2 Outcome attainment); null when target = baseline or a figure is missing; not clamped")
            .column("status", "inconclusive when there is no target, target = baseline, the target is not in the declared direction from the baseline, the metric is unknown, a figure is missing or fewer than outcomes.min-accounts accounts are behind the actual or the measured baseline; "
                    + "else pending while window_end is after the quarter end; else achieved (attainment >= 1), partial (>= 0.5) or missed (< 0.5)")
            .column("window_start", "released_at (dim_epic, UTC): start of the outcome window")
            .column("window_end", "released_at + window_days (epics.outcome.window_days, default outcomes.default-window-days = 90), exclusive")
            .column("n_accounts", "Accounts behind the actual: paying at the month end (mrr), paying at the window start (churn_rate), active at the window end (adoption_rate, active_accounts), active in the window (event:<name>)")
            .column("baseline_n_accounts", "Accounts behind a measured baseline, counted like n_accounts; null when the baseline is declared")
            .column("currency", "Reporting currency of baseline, target and actual when metric is mrr (declared mrr figures are taken to be in it); null for the other metrics, which are not money")
            .column("note", "Why the status is inconclusive or pending, in words; null otherwise")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .partitionBy("quarter")
            .key("quarter", "epic_key")
            .build();

    private EpicOutcomeScorecard() { }

    /**
     * One row per quarter of {@code quarters} and Epic of {@code in.dimEpic()} with an outcome and
     * a released_at before the quarter's end. All quarters and Epics are measured in one job.
     */
    public static Dataset<Row> compute(OutcomeInputs in, AppConfig cfg, List<Quarter> quarters) {
        Dataset<Row> quarterRows = QuarterFrame.of(in.dimEpic().sparkSession(), quarters);
        Column windowLength = make_dt_interval(coalesce(col("outcome_window_days"), lit(cfg.outcomes().defaultWindowDays())));
        Dataset<Row> epics = in.dimEpic()
                .filter(col("outcome_metric").isNotNull().and(col("released_at").isNotNull()))
                .select(col("epic_key"), col("outcome_metric").as("metric"), col("outcome_direction").as("direction"),
                        col("outcome_baseline").cast(OutcomeMeasure.VALUE_TYPE).as("declared_baseline"),
                        col("outcome_target").cast(OutcomeMeasure.VALUE_TYPE).as("target"),
                        col("released_at").as("window_start"),
                        col("released_at").plus(windowLength).as("window_end"),
                        col("released_at").minus(windowLength).as("pre_start"));

        Dataset<Row> rows = epics.crossJoin(quarterRows)
                .filter(col("window_start").lt(col("quarter_end")))
                .withColumn("actual_probe", concat_ws("|", col("quarter"), col("epic_key"), lit("actual")))
                .withColumn("baseline_probe", when(col("declared_baseline").isNull(),
                        concat_ws("|", col("epic_key"), lit("baseline"))));

        Dataset<Row> actualProbes = rows.select(col("actual_probe").as("probe_id"), col("metric"),
                col("window_start").as("from_ts"), least(col("window_end"), col("quarter_end")).as("to_ts"),
                array(col("epic_key")).as("adoption_epics"));
        // The baseline does not depend on the quarter, so it is measured once per Epic.
        Dataset<Row> baselineProbes = epics.filter(col("declared_baseline").isNull())
                .select(concat_ws("|", col("epic_key"), lit("baseline")).as("probe_id"), col("metric"),
                        col("pre_start").as("from_ts"), col("window_start").as("to_ts"),
                        array(col("epic_key")).as("adoption_epics"));
        Dataset<Row> measures = OutcomeMeasure.of(actualProbes.unionByName(baselineProbes), in, cfg);

        Dataset<Row> measured = rows
                .join(measures.select(col("probe_id").as("a_probe"), col("value").as("actual"),
                        col("n_accounts")), col("actual_probe").equalTo(col("a_probe")), "left")
                .join(measures.select(col("probe_id").as("b_probe"), col("value").as("measured_baseline"),
                        col("n_accounts").as("baseline_n_accounts")), col("baseline_probe").equalTo(col("b_probe")), "left")
                .withColumn("baseline", coalesce(col("declared_baseline"), col("measured_baseline")));

        Column attainment = Attainment.of(col("actual"), col("baseline"), col("target"), col("direction"));
        Verdict verdict = verdict(attainment, cfg.outcomes().minAccounts());
        return measured.select(col("quarter"), col("epic_key"), col("metric"), col("direction"), col("baseline"),
                when(col("declared_baseline").isNotNull(), lit(DECLARED)).otherwise(lit(MEASURED_PRE_RELEASE)).as("baseline_source"),
                col("target"), col("actual"), attainment.as("attainment"), verdict.status().as("status"),
                col("window_start"), col("window_end"), col("n_accounts"), col("baseline_n_accounts"),
                when(col("metric").equalTo(OutcomeMeasure.MRR), lit(cfg.reportingCurrency())).as("currency"),
                verdict.note().as("note"));
    }

    private record Verdict(Column status, Column note) { }

    /** The first rule that holds decides status and note, so the note always names the deciding reason. */
    private static Verdict verdict(Column attainment, int minAccounts) {
        Column planned = Attainment.plannedGain(col("baseline"), col("target"), col("direction"));
        Column measuredBaseline = col("baseline_n_accounts").isNotNull();
        List<Rule> rules = List.of(
                new Rule(col("target").isNull(), Attainment.INCONCLUSIVE, lit("no target declared")),
                new Rule(not(OutcomeMeasure.isOutcomeMetric(col("metric"))), Attainment.INCONCLUSIVE,
                        concat(lit("'"), col("metric"), lit("' is not an outcome metric (mrr, churn_rate, adoption_rate, active_accounts, event:<name>)"))),
                new Rule(col("baseline").isNull(), Attainment.INCONCLUSIVE, lit("no data to measure the baseline before release")),
                new Rule(planned.equalTo(0), Attainment.INCONCLUSIVE, lit("target equals baseline: attainment is undefined")),
                new Rule(planned.lt(0), Attainment.INCONCLUSIVE, concat(lit("target is not in the declared direction ("),
                        coalesce(col("direction"), lit("increase")), lit(") from the baseline"))),
                new Rule(measuredBaseline.and(col("baseline_n_accounts").lt(minAccounts)), Attainment.INCONCLUSIVE,
                        concat(lit("only "), col("baseline_n_accounts"), lit(" accounts behind the measured baseline (outcomes.min-accounts = "
                                + minAccounts + ")"))),
                new Rule(col("window_end").gt(col("quarter_end")), Attainment.PENDING,
                        concat(lit("window ends "), date_format(col("window_end"), "yyyy-MM-dd HH:mm"),
                                lit(" UTC, after the quarter end; actual is the figure so far"))),
                new Rule(col("actual").isNull(), Attainment.INCONCLUSIVE, lit("no data in the outcome window")),
                new Rule(col("n_accounts").lt(minAccounts), Attainment.INCONCLUSIVE,
                        concat(lit("only "), col("n_accounts"), lit(" accounts behind the actual (outcomes.min-accounts = "
                                + minAccounts + ")"))));
        Column status = null;
        Column note = null;
        for (Rule r : rules) {
            status = status == null ? when(r.holds(), lit(r.status())) : status.when(r.holds(), lit(r.status()));
            note = note == null ? when(r.holds(), r.note()) : note.when(r.holds(), r.note());
        }
        return new Verdict(status.otherwise(Attainment.band(attainment)), note);
    }

    private record Rule(Column holds, String status, Column note) { }
}

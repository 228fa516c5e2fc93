package dev.valueledger.outcomes;

import dev.valueledger.config.AppConfig;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.make_dt_interval;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

/** The outcome metrics of CONTRACT §1.1 (mrr, churn_rate, adoption_rate, active_accounts, event:<name>) measured over time windows, with the accounts behind each figure (§2 MRR, Adoption, Outcome attainment; docs/outcomes.md). */
public final class OutcomeMeasure {

    /** Type of every baseline, target and actual (the silver type of declared outcome figures). */
    public static final String VALUE_TYPE = "decimal(38,6)";
    public static final String MRR = "mrr";
    public static final String CHURN_RATE = "churn_rate";
    public static final String ADOPTION_RATE = "adoption_rate";
    public static final String ACTIVE_ACCOUNTS = "active_accounts";
    public static final String EVENT_PREFIX = "event:";

    private OutcomeMeasure() { }

    /** Whether {@code metric} is one of the outcome metrics this class measures. */
    public static Column isOutcomeMetric(Column metric) {
        return metric.isin(MRR, CHURN_RATE, ADOPTION_RATE, ACTIVE_ACCOUNTS).or(metric.startsWith(EVENT_PREFIX));
    }

    /**
     * Definitions, for a probe [from, to):
     * <ul>
     * <li>{@code mrr}: total MRR (reporting currency, account x month panel) of the last calendar month
     *     that ended by {@code to}; accounts = those with MRR &gt; 0 that month.</li>
     * <li>{@code churn_rate}: of the accounts with MRR &gt; 0 in the last month ended by {@code from}, the
     *     share whose MRR is 0 (or less) at some later month end up to the last month ended by {@code to};
     *     accounts = those paying at the start.</li>
     * <li>{@code adoption_rate}: at d = {@code to}, accounts active at d (any event in the
     *     adoption.active-window-days, 28, before d) that adopted one of the probe's Epics (first event with
     *     one of its feature keys on or after its released_at) before d, ÷ accounts active at d.</li>
     * <li>{@code active_accounts}: accounts with any event in the 28 days before {@code to}.</li>
     * <li>{@code event:<name>}: events named {@code <name>} in [from, to) ÷ accounts with any event in
     *     [from, to) (the accounts active over the window).</li>
     * </ul>
     * Returns probe_id, value DECIMAL(38,6), n_accounts LONG for each probe (probe_id STRING, metric STRING,
     * from_ts TIMESTAMP, to_ts TIMESTAMP, adoption_epics ARRAY&lt;STRING&gt;: the Epics whose adoption
     * adoption_rate counts). value is null when the metric is not an outcome metric or its
     * denominator is 0; n_accounts is 0 when no account is behind the figure.
     */
    public static Dataset<Row> of(Dataset<Row> probes, OutcomeInputs in, AppConfig cfg) {
        Column metric = col("metric");
        Dataset<Row> panelFigures = panelFigures(probes.filter(metric.isin(MRR, CHURN_RATE)), in.accountMonthPanel());
        Dataset<Row> eventFigures = eventFigures(
                probes.filter(metric.isin(ADOPTION_RATE, ACTIVE_ACCOUNTS).or(metric.startsWith(EVENT_PREFIX))), in, cfg);
        // Probes without a single panel row or event still get a row: MRR 0 of nobody, no accounts.
        return probes.select(col("probe_id"), col("metric"))
                .join(panelFigures.unionByName(eventFigures), "probe_id", "left")
                .select(col("probe_id"),
                        when(metric.equalTo(MRR), coalesce(col("value"), lit(0))).otherwise(col("value"))
                                .cast(VALUE_TYPE).as("value"),
                        coalesce(col("n_accounts"), lit(0L)).as("n_accounts"));
    }

    /**
     * 'YYYY-MM' of the last calendar month whose last day had fully passed by {@code ts}: the month
     * end at which MRR (which the contract reads on a month's last day) is known at {@code ts}.
     */
    static Column monthEndedBy(Column ts) {
        return date_format(add_months(trunc(to_date(ts), "MM"), -1), "yyyy-MM");
    }

    /**
     * mrr and churn_rate from a few rows per month instead of every account's months per probe (which
     * grows with accounts x probes, and probes grow with Epics): per month the total MRR and the
     * paying accounts; per pair (s, z) the accounts paying at month s whose first later month at
     * MRR &lt;= 0 is z (null: none in the panel). A probe's churned accounts are those of its s with
     * z up to its end month.
     */
    private static Dataset<Row> panelFigures(Dataset<Row> probes, Dataset<Row> panel) {
        Column endMonth = monthEndedBy(col("to_ts"));
        Column startMonth = when(col("metric").equalTo(CHURN_RATE), monthEndedBy(col("from_ts"))).otherwise(endMonth);
        Dataset<Row> p = probes.select(col("probe_id"), col("metric"), startMonth.as("s_month"), endMonth.as("e_month"));

        Dataset<Row> months = panel.groupBy(col("month").as("e_month"))
                .agg(sum(col("mrr")).as("mrr_total"), count_if(col("mrr").gt(0)).as("paying_at_end"));
        Dataset<Row> mrr = p.filter(col("metric").equalTo(MRR))
                .join(months, "e_month")
                .select(col("probe_id"), col("mrr_total").cast(VALUE_TYPE).as("value"), col("paying_at_end").as("n_accounts"));

        WindowSpec later = Window.partitionBy(col("account_id")).orderBy(col("month"))
                .rowsBetween(1, Window.unboundedFollowing());
        Dataset<Row> starts = panel.select(col("account_id"), col("month"), col("mrr"),
                        min(when(col("mrr").leq(0), col("month"))).over(later).as("zero_month"))
                .filter(col("mrr").gt(0))
                .groupBy(col("month").as("s_month"), col("zero_month"))
                .agg(count(lit(1)).as("accounts"));
        Dataset<Row> churn = p.filter(col("metric").equalTo(CHURN_RATE).and(col("s_month").leq(col("e_month"))))
                .join(starts, "s_month")
                .groupBy(col("probe_id"))
                .agg(sum(col("accounts")).as("paying_at_start"),
                        sum(when(col("zero_month").leq(col("e_month")), col("accounts")).otherwise(0L)).as("churned"))
                .select(col("probe_id"), ratio(col("churned"), col("paying_at_start")).as("value"),
                        col("paying_at_start").as("n_accounts"));
        return mrr.unionByName(churn);
    }

    private static Dataset<Row> eventFigures(Dataset<Row> probes, OutcomeInputs in, AppConfig cfg) {
        int activeWindowDays = cfg.adoption().activeWindowDays();
        Column isEventCount = col("metric").startsWith(EVENT_PREFIX);
        // event:<name> counts over the whole window; the other two read the active window before `to`.
        Column lower = when(isEventCount, col("from_ts"))
                .otherwise(col("to_ts").minus(make_dt_interval(lit(activeWindowDays))));
        Dataset<Row> windows = probes.select(col("probe_id"), col("to_ts"), lower.as("lower_ts"),
                when(isEventCount, col("metric").substr(EVENT_PREFIX.length() + 1, Integer.MAX_VALUE)).as("event_name"));

        // Only adoption_rate reads adoption: its probes' accounts that adopted one of their Epics before `to`.
        Dataset<Row> adoptedBefore = probes.filter(col("metric").equalTo(ADOPTION_RATE))
                .select(col("probe_id"), col("to_ts"), explode(col("adoption_epics")).as("a_epic"))
                .join(in.firstUse().select(col("epic_key"), col("account_id"), col("adopted_at")),
                        col("a_epic").equalTo(col("epic_key")))
                .filter(col("adopted_at").lt(col("to_ts")))
                .select(col("probe_id"), col("account_id"), col("to_ts"))
                .distinct();
        Dataset<Row> adopting = WindowActivity.activeAmong(adoptedBefore, in.eventDays(), activeWindowDays)
                .groupBy(col("probe_id").as("a_probe"))
                .agg(count(lit(1)).as("adopting"));
        Dataset<Row> named = WindowActivity.namedEvents(windows, in.eventDays(), in.productEvents())
                .select(col("probe_id").as("n_probe"), col("named_events"));

        // A probe without an event in its window gets no figure here (OutcomeMeasure.of gives it no value).
        return WindowActivity.accounts(windows, in.eventDays(), in.productEvents())
                .filter(col("accounts").gt(0))
                .join(probes.select(col("probe_id"), col("metric")), "probe_id")
                .join(adopting, col("probe_id").equalTo(col("a_probe")), "left")
                .join(named, col("probe_id").equalTo(col("n_probe")), "left")
                .select(col("probe_id"),
                        when(col("metric").equalTo(ADOPTION_RATE), ratio(coalesce(col("adopting"), lit(0L)), col("accounts")))
                                .when(col("metric").equalTo(ACTIVE_ACCOUNTS), col("accounts").cast(VALUE_TYPE))
                                .otherwise(ratio(coalesce(col("named_events"), lit(0L)), col("accounts"))).as("value"),
                        col("accounts").as("n_accounts"));
    }

    /** num ÷ den in decimal arithmetic (rounded to 6 places), null when den is 0. */
    static Column ratio(Column num, Column den) {
        return when(den.gt(0), num.cast("decimal(20,0)").divide(den.cast("decimal(20,0)"))).cast(VALUE_TYPE);
    }
}

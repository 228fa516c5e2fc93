package dev.valueledger.outcomes;

import dev.valueledger.SparkTestBase;
import dev.valueledger.config.AppConfig;
import dev.valueledger.generate.CompanyGenerator;
import dev.valueledger.generate.GeneratorOptions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.make_dt_interval;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.functions.when;

/**
 * The per-day measure gives the figures of the range join it replaced (main before the per-day rewrite, kept below
 * as the reference) on a generated company's events, for windows that start and end at any second: on midnights,
 * within a day, across days, before and after all events, and empty.
 */
class OutcomeMeasureEquivalenceTest extends SparkTestBase {

    @TempDir
    Path tmp;

    @Test
    void sameFiguresAsTheRangeJoinOnAGeneratedCompany() throws Exception {
        String dir = tmp.resolve("in").toString();
        CompanyGenerator.generate(dir, new GeneratorOptions(0.02, 7, 0.0));
        Dataset<Row> events = spark().read().json(dir + "/product_events")
                .select(col("event_id"), to_timestamp(col("timestamp")).as("timestamp"), col("account_id"),
                        col("user_id"), col("event"), col("feature_key"), lit(null).cast("string").as("properties"))
                .cache();
        Dataset<Row> epics = spark().read().json(dir + "/epics.jsonl")
                .filter(col("feature_keys").isNotNull())
                .select(col("epic_key"), col("feature_keys"),
                        // released at various hours, so adoption starts on a partial day
                        to_timestamp(lit("2025-01-01 00:00:00")).plus(make_dt_interval(lit(0),
                                pmod(hash(col("epic_key")), lit(8000)), pmod(hash(col("title")), lit(60)))).as("released_at"));
        List<String> epicKeys = epics.select("epic_key").as(Encoders.STRING()).collectAsList();

        Random r = new Random(7);
        LocalDateTime origin = LocalDateTime.of(2024, 6, 1, 0, 0);
        String[] metrics = {"active_accounts", "adoption_rate", "event:export", "event:report_run", "event:page_view"};
        List<Object[]> probes = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            LocalDateTime from = origin.plusDays(r.nextInt(700));
            // a third on midnights, the rest at any second
            if (i % 3 != 0) {
                from = from.plusSeconds(r.nextInt(86_400));
            }
            Duration length = switch (i % 4) {
                case 0 -> Duration.ofSeconds(r.nextInt(86_400));             // within a day or just across midnight
                case 1 -> Duration.ofDays(r.nextInt(120));                    // whole days from any second
                case 2 -> Duration.ofDays(r.nextInt(60)).plusSeconds(r.nextInt(86_400));
                default -> Duration.ofDays(90);
            };
            LocalDateTime to = from.plus(length);
            String metric = metrics[i % metrics.length];
            String[] adoption = metric.equals("adoption_rate")
                    ? new String[] {epicKeys.get(r.nextInt(epicKeys.size())), epicKeys.get(r.nextInt(epicKeys.size()))}
                    : new String[0];
            probes.add(row("p" + i, metric, Timestamp.valueOf(from), Timestamp.valueOf(to), adoption));
        }
        probes.add(row("empty", "event:export", Timestamp.valueOf("2025-03-03 10:00:00"), Timestamp.valueOf("2025-03-03 10:00:00"), new String[0]));
        probes.add(row("inverted", "event:export", Timestamp.valueOf("2025-03-04 10:00:00"), Timestamp.valueOf("2025-03-03 10:00:00"), new String[0]));
        probes.add(row("before", "active_accounts", Timestamp.valueOf("2020-01-01 00:00:00"), Timestamp.valueOf("2020-02-01 00:00:00"), new String[0]));
        probes.add(row("after", "event:export", Timestamp.valueOf("2030-01-01 00:00:00"), Timestamp.valueOf("2030-02-01 00:00:00"), new String[0]));
        Dataset<Row> probeRows = df(OutcomeMeasureWindowTest.PROBES, probes.toArray(new Object[0][]));

        OutcomeInputs in = new OutcomeInputs(epics, events, df(EpicOutcomeScorecardTest.PANEL), df(OkrProgressTest.OKRS),
                df(OkrProgressTest.CHECKINS), df("team_id STRING, quarter STRING"), df("team_id STRING, quarter STRING"));
        Dataset<Row> perDay = OutcomeMeasure.of(probeRows, in, TEST_CONFIG);
        Dataset<Row> rangeJoin = RangeJoinReference.of(probeRows, in, TEST_CONFIG);

        Assertions.assertEquals(probes.size(), rangeJoin.count());
        Assertions.assertTrue(rangeJoin.filter(col("n_accounts").gt(0)).count() > probes.size() / 2,
                "most windows hold events, so the comparison compares figures");
        assertSameRows(rangeJoin, perDay);
    }

    /**
     * mrr and churn_rate from per-month totals and (start, first zero) pairs give the figures of the
     * account x month x probe join they replaced, on a panel with churn, returns, credits (MRR below 0),
     * missing months, and probes that start or end outside it or end before they start.
     */
    @Test
    void panelFiguresAsTheAccountMonthJoin() {
        Random r = new Random(11);
        List<Object[]> rows = new ArrayList<>();
        for (int a = 0; a < 60; a++) {
            int start = r.nextInt(18);
            boolean paying = true;
            for (int m = start; m < 24; m++) {
                if (r.nextInt(12) == 0) {
                    continue;   // a missing month
                }
                if (r.nextInt(paying ? 8 : 3) == 0) {
                    paying = !paying;   // churns, or comes back
                }
                java.math.BigDecimal mrr = !paying ? (r.nextInt(5) == 0 ? new java.math.BigDecimal("-5.00") : java.math.BigDecimal.ZERO)
                        : java.math.BigDecimal.valueOf(10 + r.nextInt(400), 1);
                rows.add(row("A" + a, String.format("%d-%02d", 2024 + m / 12, m % 12 + 1), mrr, paying ? 1 : 0));
            }
        }
        Dataset<Row> panel = df(EpicOutcomeScorecardTest.PANEL, rows.toArray(new Object[0][]));
        List<Object[]> probes = new ArrayList<>();
        LocalDateTime origin = LocalDateTime.of(2023, 11, 1, 0, 0);
        for (int i = 0; i < 200; i++) {
            LocalDateTime from = origin.plusDays(r.nextInt(820)).plusSeconds(r.nextInt(86_400));
            LocalDateTime to = from.plusDays(r.nextInt(200) - 20);   // some end before they start
            probes.add(row("p" + i, i % 2 == 0 ? "mrr" : "churn_rate", Timestamp.valueOf(from), Timestamp.valueOf(to), new String[0]));
        }
        Dataset<Row> probeRows = df(OutcomeMeasureWindowTest.PROBES, probes.toArray(new Object[0][]));
        OutcomeInputs in = new OutcomeInputs(df(EpicOutcomeScorecardTest.DIM_EPIC),
                df(EpicOutcomeScorecardTest.EVENTS), panel, df(OkrProgressTest.OKRS),
                df(OkrProgressTest.CHECKINS), df("team_id STRING, quarter STRING"), df("team_id STRING, quarter STRING"));

        Dataset<Row> reference = PanelJoinReference.of(probeRows, panel);
        Assertions.assertTrue(reference.filter(col("n_accounts").gt(0)).count() > 150, "most probes measure accounts");
        Assertions.assertTrue(reference.filter(col("value").gt(0).and(col("n_accounts").gt(0))).count() > 50,
                "churn and MRR figures above 0");
        assertSameRows(reference, OutcomeMeasure.of(probeRows, in, TEST_CONFIG));
    }

    /** OutcomeMeasure.of for mrr and churn_rate as on main before the per-month rewrite (commit 3615b37). */
    static final class PanelJoinReference {
        static Dataset<Row> of(Dataset<Row> probes, Dataset<Row> panel) {
            Column metric = col("metric");
            return probes.select(col("probe_id"), col("metric"))
                    .join(panelFigures(probes, panel), "probe_id", "left")
                    .select(col("probe_id"),
                            when(metric.equalTo(OutcomeMeasure.MRR), coalesce(col("value"), lit(0))).otherwise(col("value"))
                                    .cast(OutcomeMeasure.VALUE_TYPE).as("value"),
                            coalesce(col("n_accounts"), lit(0L)).as("n_accounts"));
        }

        private static Dataset<Row> panelFigures(Dataset<Row> probes, Dataset<Row> panel) {
            Column endMonth = OutcomeMeasure.monthEndedBy(col("to_ts"));
            Column startMonth = when(col("metric").equalTo(OutcomeMeasure.CHURN_RATE), OutcomeMeasure.monthEndedBy(col("from_ts")))
                    .otherwise(endMonth);
            Dataset<Row> p = probes.select(col("probe_id"), col("metric"), startMonth.as("s_month"), endMonth.as("e_month"));
            Dataset<Row> perAccount = panel.select(col("account_id"), col("month"), col("mrr"))
                    .join(broadcast(p), col("month").geq(col("s_month")).and(col("month").leq(col("e_month"))))
                    .groupBy(col("probe_id"), col("metric"), col("account_id"))
                    .agg(sum(when(col("month").equalTo(col("e_month")), col("mrr"))).as("mrr_end"),
                            max(when(col("month").equalTo(col("s_month")).and(col("mrr").gt(0)), 1).otherwise(0))
                                    .as("paying_at_start"),
                            max(when(col("month").gt(col("s_month")).and(col("mrr").leq(0)), 1).otherwise(0))
                                    .as("hit_zero"));
            Column payingAtStart = col("paying_at_start").equalTo(1);
            Dataset<Row> perProbe = perAccount.groupBy(col("probe_id"), col("metric"))
                    .agg(sum(col("mrr_end")).as("mrr_total"),
                            count_if(col("mrr_end").gt(0)).as("paying_at_end"),
                            count_if(payingAtStart).as("paying_at_start"),
                            count_if(payingAtStart.and(col("hit_zero").equalTo(1))).as("churned"));
            Column isMrr = col("metric").equalTo(OutcomeMeasure.MRR);
            return perProbe.select(col("probe_id"),
                    when(isMrr, col("mrr_total").cast(OutcomeMeasure.VALUE_TYPE))
                            .otherwise(OutcomeMeasure.ratio(col("churned"), col("paying_at_start"))).as("value"),
                    when(isMrr, col("paying_at_end")).otherwise(col("paying_at_start")).as("n_accounts"));
        }
    }

    /** OutcomeMeasure.of for the event metrics as on main before the per-day rewrite (commit 6f214d0). */
    static final class RangeJoinReference {
        static Dataset<Row> of(Dataset<Row> probes, OutcomeInputs in, AppConfig cfg) {
            return probes.select(col("probe_id"), col("metric"))
                    .join(eventFigures(probes, in, cfg), "probe_id", "left")
                    .select(col("probe_id"), col("value").cast(OutcomeMeasure.VALUE_TYPE).as("value"),
                            coalesce(col("n_accounts"), lit(0L)).as("n_accounts"));
        }

        private static Dataset<Row> eventFigures(Dataset<Row> probes, OutcomeInputs in, AppConfig cfg) {
            Dataset<Row> events = in.productEvents();
            Column isEventCount = col("metric").startsWith(OutcomeMeasure.EVENT_PREFIX);
            Column lower = when(isEventCount, col("from_ts"))
                    .otherwise(col("to_ts").minus(make_dt_interval(lit(cfg.adoption().activeWindowDays()))));
            Dataset<Row> p = probes.select(col("probe_id"), col("metric"), col("to_ts"), lower.as("lower_ts"),
                    when(isEventCount, col("metric").substr(OutcomeMeasure.EVENT_PREFIX.length() + 1, Integer.MAX_VALUE)).as("event_name"));
            Dataset<Row> adopters = probes.select(col("probe_id").as("a_probe"), explode(col("adoption_epics")).as("a_epic"))
                    .join(in.firstUse().select(col("epic_key"), col("account_id").as("a_account"),
                            col("adopted_at")), col("a_epic").equalTo(col("epic_key")))
                    .groupBy(col("a_probe"), col("a_account"))
                    .agg(min(col("adopted_at")).as("adopted_at"));
            return events.select(col("account_id"), col("timestamp"), col("event"))
                    .join(broadcast(p), col("timestamp").geq(col("lower_ts")).and(col("timestamp").lt(col("to_ts"))))
                    .join(adopters, col("probe_id").equalTo(col("a_probe")).and(col("account_id").equalTo(col("a_account"))), "left")
                    .groupBy(col("probe_id"), col("metric"))
                    .agg(countDistinct(col("account_id")).as("accounts"),
                            countDistinct(when(col("adopted_at").lt(col("to_ts")), col("account_id"))).as("adopting"),
                            count_if(col("event").equalTo(col("event_name"))).as("named_events"))
                    .select(col("probe_id"),
                            when(col("metric").equalTo(OutcomeMeasure.ADOPTION_RATE), OutcomeMeasure.ratio(col("adopting"), col("accounts")))
                                    .when(col("metric").equalTo(OutcomeMeasure.ACTIVE_ACCOUNTS), col("accounts").cast(OutcomeMeasure.VALUE_TYPE))
                                    .otherwise(OutcomeMeasure.ratio(col("named_events"), col("accounts"))).as("value"),
                            col("accounts").as("n_accounts"));
        }
    }
}

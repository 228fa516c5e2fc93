package dev.valueledger.pipeline;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.valueledger.config.AppConfig;
import dev.valueledger.ingest.IngestTables;
import dev.valueledger.ingest.Source;
import dev.valueledger.publish.Lakehouse;
import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Row;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.apache.spark.sql.functions.col;

/**
 * What readers see (issue 6 crash safety): the silver and curated tables through views pinned to
 * the versions of the last run that passed all its checks. A run's success row in pipeline_runs is
 * the moment of publication; the views follow it, and a run killed in between is repaired by the
 * next one, so a reader never sees half a run.
 */
public final class Publication {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Publication() { }

    /** The name under which a table's version is recorded in pipeline_runs.output_versions. */
    public static String key(TableSpec spec) {
        return spec.layer() == TableSpec.Layer.GOLD ? spec.name() : spec.layer().name().toLowerCase(java.util.Locale.ROOT) + "." + spec.name();
    }

    /** Every pinned table, by its key: silver of every source and every curated table. */
    static Map<String, TableSpec> pinnedTables(AppConfig cfg) {
        Map<String, TableSpec> all = new LinkedHashMap<>();
        for (Source s : Source.values()) {
            all.put(key(IngestTables.silver(s)), IngestTables.silver(s));
        }
        GoldTables.published(cfg).forEach(t -> all.put(key(t), t));
        return all;
    }

    /** The versions a successful run wrote, as recorded in its pipeline_runs row. */
    public record Published(String runId, Map<String, Long> versions) {
        /** The versions of the gold tables only (silver keys carry their layer), as a quarter close freezes them. */
        public Map<String, Long> gold() {
            Map<String, Long> out = new java.util.TreeMap<>(versions);
            out.keySet().removeIf(k -> k.contains("."));
            return out;
        }
    }

    /** The last run that succeeded, with the versions it published (a small read of pipeline_runs). */
    public static Optional<Published> lastSuccess(Lakehouse lake) {
        if (!lake.exists(RunLog.SPEC)) {
            return Optional.empty();
        }
        List<Row> rows = lake.read(RunLog.SPEC).filter(col("status").equalTo("success"))
                .orderBy(col("finished_at").desc()).select("run_id", "output_versions").limit(1).collectAsList();
        return rows.stream().findFirst().map(r -> new Published(r.getString(0), parse(r.getString(1))));
    }

    /** Points every pinned table a successful run wrote at its new version. */
    public static void publish(RunContext ctx, Map<TableSpec, Long> written) {
        written.forEach((spec, version) -> {
            if (spec.pinned()) {
                ctx.lake().publish(spec, version, ctx.runId());
            }
        });
        ctx.progress().report("publish", written.keySet().stream().filter(TableSpec::pinned).count()
                + " tables published to readers at the versions of run " + ctx.runId());
    }

    /**
     * Re-points views that lag behind the last successful run: that run was killed after recording
     * its success and before all its views followed. Metastore look-ups only when nothing lags.
     *
     * @return how many views were repaired
     */
    public static int repair(RunContext ctx) {
        Optional<Published> last = lastSuccess(ctx.lake());
        if (last.isEmpty()) {
            return 0;
        }
        int repaired = 0;
        for (Map.Entry<String, TableSpec> e : pinnedTables(ctx.cfg()).entrySet()) {
            Long v = last.get().versions().get(e.getKey());
            if (v == null) {
                continue;
            }
            OptionalLong shown = ctx.lake().publishedVersion(e.getValue());
            if (shown.isEmpty() || shown.getAsLong() != v) {
                ctx.lake().publish(e.getValue(), v, last.get().runId());
                repaired++;
            }
        }
        if (repaired > 0) {
            ctx.progress().report("publish", repaired + " views re-pointed at the versions of run " + last.get().runId()
                    + ", which succeeded but stopped before publishing them all");
        }
        return repaired;
    }

    private static Map<String, Long> parse(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, new TypeReference<Map<String, Long>>() { });
        } catch (java.io.IOException e) {
            throw new IllegalStateException("pipeline_runs.output_versions is not JSON: " + json, e);
        }
    }
}

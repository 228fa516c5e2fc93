package dev.valueledger.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes and publishes the curated tables of CONTRACT §3 for the given quarters from silver.
 * Returns the Delta version written per table.
 */
public final class GoldStage {

    private GoldStage() { }

    public static Map<String, Long> run(RunContext ctx, List<Quarter> quarters) {
        Map<String, Long> versions = new LinkedHashMap<>();
        return versions;
    }
}

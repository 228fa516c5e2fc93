package dev.valueledger.generate;

import java.time.Duration;
import java.util.Map;

/**
 * What one generation wrote: rows per source (bad ones included) and the bad records per source and
 * kind of CONTRACT §1.3, as the sidecar {@code _truth.json} records them.
 */
public record GenerationSummary(String outUri, Map<String, Long> rowsPerSource,
                                Map<String, Map<String, Long>> badPerSourceAndKind, Duration elapsed) {
}

package dev.valueledger.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reuse of a generated company: a local folder whose {@code _truth.json} names the same generator
 * revision, seed, scale and bad rate already holds exactly what {@link CompanyGenerator} would
 * write (it is deterministic), so the demo and the benchmark generate only once.
 */
public final class CompanyCache {

    private CompanyCache() { }

    /** Whether {@code dir} holds a company generated with these options. */
    public static boolean holds(Path dir, GeneratorOptions o) {
        Path truth = dir.resolve("_truth.json");
        if (!Files.isRegularFile(truth)) {
            return false;
        }
        try {
            JsonNode t = new ObjectMapper().readTree(truth.toFile());
            return t.path("generator_revision").asInt() == CompanyGenerator.REVISION
                    && t.path("seed").asLong() == o.seed() && t.path("scale").asDouble() == o.scale()
                    && t.path("bad_rate").asDouble() == o.badRate();
        } catch (IOException e) {
            return false;
        }
    }
}

package dev.valueledger.impact;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the published validation datasets (shared/validation) by walking up from the working directory. */
final class ValidationData {

    private ValidationData() { }

    static Path dir() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/validation");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            Path sibling = p.resolve("validation");
            if (p.getFileName() != null && "shared".equals(p.getFileName().toString()) && Files.isDirectory(sibling)) {
                return sibling;
            }
        }
        throw new AssertionError("validation datasets not found: no shared/validation folder in " + start
                + " or any of its parents; place a copy of shared/ next to the repository");
    }

    static String file(String relative) {
        Path f = dir().resolve(relative);
        if (!Files.isRegularFile(f)) {
            throw new AssertionError("validation file " + f + " is missing");
        }
        return f.toString();
    }
}

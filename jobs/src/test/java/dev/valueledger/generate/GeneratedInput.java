package dev.valueledger.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Reads a generated input folder back the simple way, independently of the generator's code. */
public final class GeneratedInput {
    static final ObjectMapper JSON = new ObjectMapper();

    private GeneratedInput() { }

    static List<String> lines(Path file) {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines of a source: the file, or every part of the folder. */
    static List<String> sourceLines(Path root, String relative) {
        Path p = root.resolve(relative);
        if (!Files.isDirectory(p)) {
            return lines(p);
        }
        List<String> all = new ArrayList<>();
        try (Stream<Path> parts = Files.list(p)) {
            parts.sorted().forEach(f -> all.addAll(lines(f)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    /** RFC 4180 fields of one line (no embedded line breaks in generated files). */
    public static List<String> csvFields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /** CSV rows as column -> value maps (empty field = null); rows with the wrong column count are skipped. */
    static List<Map<String, String>> csv(Path root, String relative) {
        List<String> lines = lines(root.resolve(relative));
        List<String> header = csvFields(lines.get(0));
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = csvFields(line);
            if (f.size() != header.size()) {
                continue;
            }
            Map<String, String> row = new TreeMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), f.get(i).isEmpty() ? null : f.get(i));
            }
            rows.add(row);
        }
        return rows;
    }

    static List<JsonNode> jsonl(Path root, String relative) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : sourceLines(root, relative)) {
            try {
                out.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + line, e);
            }
        }
        return out;
    }

    static JsonNode truth(Path root) {
        try {
            return JSON.readTree(root.resolve("_truth.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SHA-256 of every file below root, by relative path. */
    static Map<String, String> digests(Path root) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                out.put(root.relativize(f).toString(), HexFormat.of().formatHex(md.digest(Files.readAllBytes(f))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}

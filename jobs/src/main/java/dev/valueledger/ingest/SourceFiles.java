package dev.valueledger.ingest;

import dev.valueledger.UserError;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds a source's files under the input root (CONTRACT §1): {@code <name>.<ext>[.gz]} or a folder
 * {@code <name>/} of such files, the format following the extension. Works on any Hadoop file
 * system, so the root may be local or object storage. Files starting with {@code _} or {@code .}
 * (sidecars, checksums) are not input.
 */
public final class SourceFiles {

    /** The files of one source and their format. */
    public record Located(Source source, Format format, List<String> paths, long bytes, String fingerprint) { }

    /** Input formats the contract accepts. */
    public enum Format { CSV, JSON, PARQUET }

    private final String root;
    private final Configuration hadoop;

    public SourceFiles(String root, Configuration hadoop) {
        this.root = root.replaceAll("/+$", "");
        this.hadoop = hadoop;
    }

    /** Fails with a clear message when the input root itself is missing. */
    public void checkRoot() {
        try {
            Path p = new Path(root);
            FileSystem fs = p.getFileSystem(hadoop);
            if (!fs.exists(p) || !fs.getFileStatus(p).isDirectory()) {
                throw new UserError("input folder " + root + " does not exist; pass --input with the folder that holds teams.csv, epics.jsonl, ... (CONTRACT §1)");
            }
        } catch (IOException e) {
            throw new UserError("cannot read input folder " + root + ": " + e.getMessage(), e);
        }
    }

    public Optional<Located> locate(Source source) {
        try {
            Path base = new Path(root);
            FileSystem fs = base.getFileSystem(hadoop);
            List<Located> found = new ArrayList<>();
            for (FileStatus st : fs.listStatus(base)) {
                String name = st.getPath().getName();
                if (st.isDirectory() && name.equals(source.sourceName())) {
                    found.add(folder(fs, source, st.getPath()));
                } else if (st.isFile() && source.sourceName().equals(baseName(name))) {
                    Format f = formatOf(name).orElseThrow(() -> new UserError(
                            "input file " + st.getPath() + " has an extension the contract does not read; use .csv, .jsonl, .json or .parquet, optionally .gz"));
                    found.add(new Located(source, f, List.of(st.getPath().toString()), st.getLen(), stamp(st)));
                }
            }
            if (found.size() > 1) {
                throw new UserError("source " + source.sourceName() + " is given more than once under " + root
                        + " (" + found.stream().flatMap(l -> l.paths().stream()).toList() + "); keep one file or one folder");
            }
            return found.stream().findFirst();
        } catch (IOException e) {
            throw new UserError("cannot list input folder " + root + ": " + e.getMessage(), e);
        }
    }

    private static Located folder(FileSystem fs, Source source, Path dir) throws IOException {
        List<FileStatus> files = new ArrayList<>();
        for (FileStatus st : fs.listStatus(dir)) {
            String n = st.getPath().getName();
            if (st.isFile() && !n.startsWith("_") && !n.startsWith(".")) {
                files.add(st);
            }
        }
        files.sort(Comparator.comparing(st -> st.getPath().getName()));
        if (files.isEmpty()) {
            throw new UserError("folder " + dir + " of source " + source.sourceName() + " holds no files; add the files or remove the folder");
        }
        Format format = null;
        long bytes = 0;
        StringBuilder stamp = new StringBuilder();
        List<String> paths = new ArrayList<>();
        for (FileStatus st : files) {
            Format f = formatOf(st.getPath().getName()).orElseThrow(() -> new UserError(
                    "file " + st.getPath() + " in source folder " + source.sourceName() + " has an extension the contract does not read; use .csv, .jsonl, .json or .parquet, optionally .gz"));
            if (format != null && format != f) {
                throw new UserError("folder " + dir + " mixes formats (" + format + " and " + f + "); one source folder holds one format");
            }
            format = f;
            bytes += st.getLen();
            stamp.append(stamp(st)).append(';');
            paths.add(st.getPath().toString());
        }
        return new Located(source, format, List.copyOf(paths), bytes, stamp.toString());
    }

    private static String stamp(FileStatus st) {
        return st.getPath().getName() + ":" + st.getLen() + ":" + st.getModificationTime();
    }

    /** {@code invoice_lines.csv.gz} -> {@code invoice_lines}. */
    static String baseName(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".gz")) {
            n = n.substring(0, n.length() - 3);
        }
        int dot = n.lastIndexOf('.');
        return dot < 0 ? n : n.substring(0, dot);
    }

    static Optional<Format> formatOf(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".parquet.gz")) {
            throw new UserError("file " + fileName + ": Parquet compresses inside the file and cannot be read gzip-wrapped;"
                    + " give it as " + fileName.substring(0, fileName.length() - 3));
        }
        if (n.endsWith(".gz")) {
            n = n.substring(0, n.length() - 3);
        }
        if (n.endsWith(".csv")) {
            return Optional.of(Format.CSV);
        }
        if (n.endsWith(".jsonl") || n.endsWith(".json")) {
            return Optional.of(Format.JSON);
        }
        if (n.endsWith(".parquet")) {
            return Optional.of(Format.PARQUET);
        }
        return Optional.empty();
    }
}

package dev.valueledger.ingest;

import dev.valueledger.UserError;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** Whether a source's CSV and JSON files are whole UTF-8 text, else which file is not (CONTRACT §1, §1.3). */
public final class TextFileCheck {

    /** Enough to see a byte-order mark and the NUL bytes of UTF-16 text in the header row. */
    private static final int SNIFF_BYTES = 4096;

    // A file that is not UTF-8 or cannot be decompressed cannot be quarantined record by record,
    // so it stops the run with a message naming the file.
    private TextFileCheck() { }

    /**
     * Fails when a CSV or JSON file is UTF-16 or UTF-32 (a byte-order mark, or NUL bytes, which
     * UTF-8 text never holds): read as UTF-8 such a file would give columns like "NUL i NUL d" (a NUL before every ASCII letter).
     * A UTF-8 byte-order mark is fine. Reads only the first few KB of each file.
     */
    public static void requireUtf8(SourceFiles.Located in, Configuration hadoop) {
        if (in.format() == SourceFiles.Format.PARQUET) {
            return;
        }
        for (String p : in.paths()) {
            byte[] head = new byte[SNIFF_BYTES];
            int n;
            try {
                if (isEmpty(new Path(p), hadoop)) {
                    continue;
                }
                try (InputStream s = open(new Path(p), hadoop)) {
                    n = s.readNBytes(head, 0, SNIFF_BYTES);
                }
            } catch (IOException e) {
                throw unreadable(in, p, e);
            }
            Optional<String> why = notUtf8(head, n);
            if (why.isPresent()) {
                throw new UserError("file " + p + " of source " + in.source().sourceName() + " is not UTF-8 text (" + why.get()
                        + "); save or export it again as UTF-8, the encoding the pipeline reads (CONTRACT §1)");
            }
        }
    }

    /** Why these first bytes are not UTF-8 text, if they are not. */
    static Optional<String> notUtf8(byte[] head, int n) {
        if (n >= 2 && ((head[0] == (byte) 0xFE && head[1] == (byte) 0xFF) || (head[0] == (byte) 0xFF && head[1] == (byte) 0xFE))) {
            return Optional.of("it starts with a UTF-16 byte-order mark");
        }
        for (int i = 0; i < n; i++) {
            if (head[i] == 0) {
                return Optional.of("it holds NUL bytes, as UTF-16 or UTF-32 text does");
            }
        }
        return Optional.empty();
    }

    /**
     * After reading the source failed: the error naming its first gzip file that does not
     * decompress to the end, if there is one. Reads every gzip file whole, which is why it runs
     * only on failure.
     */
    public static Optional<UserError> brokenCompression(SourceFiles.Located in, Configuration hadoop) {
        byte[] buffer = new byte[1 << 16];
        for (String p : in.paths()) {
            if (!p.toLowerCase(java.util.Locale.ROOT).endsWith(".gz")) {
                continue;
            }
            try {
                if (isEmpty(new Path(p), hadoop)) {
                    continue;
                }
                try (InputStream s = open(new Path(p), hadoop)) {
                    while (s.read(buffer) >= 0) {
                        // Decompressing to the end is the check.
                    }
                }
            } catch (IOException e) {
                return Optional.of(unreadable(in, p, e));
            }
        }
        return Optional.empty();
    }

    private static UserError unreadable(SourceFiles.Located in, String path, IOException e) {
        return new UserError("file " + path + " of source " + in.source().sourceName() + " is truncated or corrupt ("
                + e.getClass().getSimpleName() + ": " + e.getMessage() + "); nothing was published to silver or gold."
                + " Export or copy the file again, whole", e);
    }

    /** Spark reads a 0-byte file, even a .gz one, as no records; so does this check. */
    private static boolean isEmpty(Path p, Configuration hadoop) throws IOException {
        return p.getFileSystem(hadoop).getFileStatus(p).getLen() == 0;
    }

    /** The file's bytes, decompressed when its extension names a codec (.gz), as Spark reads it. */
    private static InputStream open(Path p, Configuration hadoop) throws IOException {
        FileSystem fs = p.getFileSystem(hadoop);
        InputStream raw = fs.open(p);
        CompressionCodec codec = new CompressionCodecFactory(hadoop).getCodec(p);
        return codec == null ? raw : codec.createInputStream(raw);
    }
}

package dev.valueledger.generate;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** The output root on any Hadoop file system; files ending in {@code .gz} are gzip-compressed. */
final class OutputFiles implements Closeable {
    private final FileSystem fs;
    private final Path root;

    OutputFiles(String outUri) {
        try {
            this.root = new Path(outUri);
            // A private instance: switching checksums off must not touch the cached one Spark shares.
            this.fs = FileSystem.newInstance(root.toUri(), new Configuration());
            // Checksum side files (.crc) are clutter in an input folder; nothing here reads them.
            fs.setWriteChecksum(false);
            fs.mkdirs(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open output " + outUri, e);
        }
    }

    Writer open(String relative) {
        try {
            OutputStream os = fs.create(new Path(root, relative), true);
            if (relative.endsWith(".gz")) {
                // GZIPOutputStream writes mtime 0 in its header, so the bytes depend on the content only.
                os = new GZIPOutputStream(os, 1 << 16);
            }
            return new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + relative + " under " + root, e);
        }
    }

    @Override
    public void close() throws IOException {
        fs.close();
    }
}

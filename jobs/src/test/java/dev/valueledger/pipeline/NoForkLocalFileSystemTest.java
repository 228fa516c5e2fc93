package dev.valueledger.pipeline;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local file system without forks behaves as Hadoop's where the pipeline relies on it:
 * permissions as asked, link status of files, links and missing paths, and a rename that refuses
 * to overwrite (Delta's commit protocol: two writers of one version, one wins).
 */
class NoForkLocalFileSystemTest {

    @TempDir
    java.nio.file.Path tmp;

    private static Configuration conf() {
        Configuration c = new Configuration(false);
        c.set("fs.file.impl", NoForkLocalFileSystem.class.getName());
        c.set("fs.AbstractFileSystem.file.impl", NoForkLocalFileSystem.Fs.class.getName());
        c.setBoolean("fs.file.impl.disable.cache", true);
        return c;
    }

    @Test
    void setsPermissionsAsAsked() throws Exception {
        FileSystem fs = FileSystem.get(URI.create("file:///"), conf());
        assertTrue(fs instanceof NoForkLocalFileSystem, fs.getClass().getName());
        Path file = new Path(tmp.resolve("a.txt").toUri());
        try (OutputStream out = fs.create(file, new FsPermission((short) 0640), false, 4096, (short) 1, 1 << 20, null)) {
            out.write("x".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("a.txt"))));
        fs.setPermission(file, new FsPermission((short) 0755));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("a.txt"))));
        assertTrue(fs.mkdirs(new Path(tmp.resolve("d/e").toUri()), new FsPermission((short) 0700)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("d/e"))));
    }

    @Test
    void linkStatusOfFilesLinksAndMissingPaths() throws Exception {
        FileSystem fs = FileSystem.get(URI.create("file:///"), conf());
        Files.writeString(tmp.resolve("target.txt"), "abc");
        Files.createSymbolicLink(tmp.resolve("link.txt"), tmp.resolve("target.txt"));

        FileStatus file = fs.getFileLinkStatus(new Path(tmp.resolve("target.txt").toUri()));
        assertFalse(file.isSymlink());
        assertEquals(3, file.getLen());
        // A link is left to Hadoop's own code: the same answer as Hadoop's file system gives.
        Configuration plain = new Configuration(false);
        plain.setBoolean("fs.file.impl.disable.cache", true);
        FileSystem hadoop = FileSystem.get(URI.create("file:///"), plain);
        assertFalse(hadoop instanceof NoForkLocalFileSystem);
        Path linkPath = new Path(tmp.resolve("link.txt").toUri());
        assertEquals(hadoop.getFileLinkStatus(linkPath), fs.getFileLinkStatus(linkPath));
        assertEquals(hadoop.getFileLinkStatus(linkPath).isSymlink(), fs.getFileLinkStatus(linkPath).isSymlink());
        assertEquals(hadoop.getFileLinkStatus(new Path(tmp.resolve("target.txt").toUri())), file);
        assertThrows(FileNotFoundException.class, () -> fs.getFileLinkStatus(new Path(tmp.resolve("none").toUri())));
    }

    @Test
    void fileContextRenameRefusesToOverwrite() throws Exception {
        FileContext fc = FileContext.getFileContext(URI.create("file:///"), conf());
        Path a = new Path(tmp.resolve("a.json").toUri());
        Path b = new Path(tmp.resolve("b.json").toUri());
        Files.writeString(tmp.resolve("a.json"), "first");
        Files.writeString(tmp.resolve("b.json"), "second");
        assertThrows(FileAlreadyExistsException.class, () -> fc.rename(a, b, Options.Rename.NONE));
        assertEquals("second", Files.readString(tmp.resolve("b.json")));

        Path c = new Path(tmp.resolve("c.json").toUri());
        fc.rename(a, c, Options.Rename.NONE);
        assertEquals("first", Files.readString(tmp.resolve("c.json")));
        assertFalse(Files.exists(tmp.resolve("a.json")));
    }
}

package dev.valueledger.pipeline;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FsServerDefaults;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.local.LocalConfigKeys;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.fs.permission.FsPermission;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Hadoop's local file system (the {@code file:} scheme of the embedded default) without starting
 * a process per file: without Hadoop's native library it runs {@code chmod} for every file and
 * folder it creates and {@code readlink} before every rename, about 1,900 processes forked from
 * the Spark JVM in one scale-1 run. Permissions are set and links read through java.nio instead;
 * what is written, and where, is the same. Other schemes (s3a, abfs, hdfs) are not touched.
 */
public class NoForkLocalFileSystem extends LocalFileSystem {

    public NoForkLocalFileSystem() {
        super(new Raw());
    }

    /** The raw (checksum-less) local file system with the two forks replaced. */
    public static class Raw extends RawLocalFileSystem {

        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(permission));
        }

        @Override
        public FileStatus getFileLinkStatus(Path f) throws IOException {
            // Hadoop asks `readlink` whether f is a link, then returns getFileStatus(f) when it is not.
            if (!Files.isSymbolicLink(pathToFile(f).toPath())) {
                return getFileStatus(f);
            }
            return super.getFileLinkStatus(f);
        }

        static Set<PosixFilePermission> posix(FsPermission p) {
            Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
            add(out, p.getUserAction(), PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE);
            add(out, p.getGroupAction(), PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.GROUP_EXECUTE);
            add(out, p.getOtherAction(), PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                    PosixFilePermission.OTHERS_EXECUTE);
            return out;
        }

        private static void add(Set<PosixFilePermission> out, FsAction a, PosixFilePermission r, PosixFilePermission w,
                                PosixFilePermission x) {
            if (a.implies(FsAction.READ)) {
                out.add(r);
            }
            if (a.implies(FsAction.WRITE)) {
                out.add(w);
            }
            if (a.implies(FsAction.EXECUTE)) {
                out.add(x);
            }
        }
    }

    /**
     * The same for FileContext (Delta writes its log through it): Hadoop's LocalFs, whose raw file
     * system is fixed to RawLocalFileSystem, with {@link Raw} instead.
     */
    public static class Fs extends ChecksumFs {
        public Fs(URI uri, Configuration conf) throws IOException, URISyntaxException {
            super(new RawFs(uri, conf));
        }
    }

    /** As Hadoop's RawLocalFs, over {@link Raw}. */
    static class RawFs extends DelegateToFileSystem {
        RawFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
            super(uri, new Raw(), conf, "file", false);
        }

        @Override
        public int getUriDefaultPort() {
            return -1;
        }

        @Override
        @SuppressWarnings("deprecation")
        public FsServerDefaults getServerDefaults() throws IOException {
            return LocalConfigKeys.getServerDefaults();
        }

        @Override
        public FsServerDefaults getServerDefaults(Path f) throws IOException {
            return LocalConfigKeys.getServerDefaults();
        }

        @Override
        public boolean isValidName(String src) {
            // Local names may hold what HDFS forbids (':' on some systems).
            return true;
        }
    }
}

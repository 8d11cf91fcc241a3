package dev.scimsync.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scimsync.cli.InfrastructureException;

/**
 * The data directory ({@code SCIM_SYNC_DATA_DIR}): owner-only (0700), because what lives in it — the broker's
 * log of member changes, the database and its password, the admin token — must not be readable by other
 * users, and files such as the broker's are created world-readable inside it. An existing directory is
 * tightened. {@link #lock()} marks it as this process's for as long as it runs, so a second instance on the
 * same directory stops at start instead of corrupting the first one's broker and database.
 */
public final class DataDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
    static final String LOCK_FILE = ".lock";
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private final Path dir;
    private FileChannel lockChannel;
    private FileLock lock;

    private DataDirectory(Path dir) {
        this.dir = dir;
    }

    /**
     * Creates the directory owner-only, or makes an existing one owner-only.
     *
     * @throws InfrastructureException naming {@code SCIM_SYNC_DATA_DIR} when it cannot be created or made private
     */
    public static DataDirectory prepare(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                return new DataDirectory(dir);
            }
            Set<PosixFilePermission> before = Files.getPosixFilePermissions(dir);
            if (!before.equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(dir, OWNER_ONLY);
                LOG.info("data directory {} was {}; made it owner-only (rwx------)", dir.toAbsolutePath(),
                        PosixFilePermissions.toString(before));
            }
            return new DataDirectory(dir);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (e.g. Windows): its own access rules apply
            return new DataDirectory(dir);
        } catch (IOException e) {
            throw new InfrastructureException("cannot create the data directory " + dir.toAbsolutePath()
                    + " or make it owner-only (" + e + "); set SCIM_SYNC_DATA_DIR (or --data-dir) to a directory "
                    + "this user owns", e);
        }
    }

    /**
     * Takes the directory for this process until {@link #close()}: an exclusive lock on {@code .lock} in it,
     * which also names this process's id for the one refused.
     *
     * @throws InfrastructureException naming {@code SCIM_SYNC_DATA_DIR} when another instance holds it
     */
    public DataDirectory lock() {
        Path file = dir.resolve(LOCK_FILE);
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock acquired;
            try {
                acquired = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                acquired = null; // held by another runtime in this JVM
            }
            if (acquired == null) {
                channel.close();
                throw new InfrastructureException("the data directory " + dir.toAbsolutePath() + " is in use by another "
                        + "scim-sync instance" + holder(file) + ". Stop that instance, or give this one its own "
                        + "directory with SCIM_SYNC_DATA_DIR (or --data-dir).");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            lockChannel = channel;
            lock = acquired;
            return this;
        } catch (IOException e) {
            throw new InfrastructureException("cannot lock the data directory " + dir.toAbsolutePath() + " (" + e
                    + "); set SCIM_SYNC_DATA_DIR (or --data-dir) to a directory this user may write", e);
        }
    }

    /**
     * The id of the instance that keeps this directory (created once, kept in {@code instance-id}): its consumers'
     * static group membership, so a restart after a kill -9 takes its partitions back at once. Only for a locked
     * directory: the lock is what makes the id unique among running instances.
     */
    public String instanceId() {
        if (lock == null) {
            throw new IllegalStateException("the instance id of an unlocked data directory need not be unique");
        }
        Path file = dir.resolve("instance-id");
        try {
            if (Files.exists(file)) {
                String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (stored.matches("[A-Za-z0-9_-]{8,64}")) {
                    return stored;
                }
            }
            String id = "scim-sync-" + java.util.UUID.randomUUID();
            Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
            return id;
        } catch (IOException e) {
            throw new InfrastructureException("cannot keep the instance id in " + file + " (" + e + ")", e);
        }
    }

    private static String holder(Path lockFile) {
        try {
            String pid = Files.readString(lockFile, StandardCharsets.UTF_8).trim();
            return pid.matches("\\d+") ? " (process " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    public Path path() {
        return dir;
    }

    /** Releases the lock; the directory stays. */
    @Override
    public void close() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            LOG.debug("releasing the lock on {}: {}", dir, e.toString());
        } finally {
            lock = null;
            lockChannel = null;
        }
    }
}

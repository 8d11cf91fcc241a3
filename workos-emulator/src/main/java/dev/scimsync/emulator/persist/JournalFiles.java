package dev.scimsync.emulator.persist;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The files beside the snapshot {@code emulator.json}: journals {@code emulator.json.journal.000001},
 * {@code …000002}, one generation per start or compaction, replayed in order.
 */
final class JournalFiles {

    private static final Logger LOG = LoggerFactory.getLogger(JournalFiles.class);

    private final Path snapshot;
    private final Path directory;
    private final String prefix;

    JournalFiles(Path snapshot) {
        this.snapshot = snapshot.toAbsolutePath();
        this.directory = this.snapshot.getParent();
        this.prefix = this.snapshot.getFileName() + ".journal.";
    }

    Path snapshot() {
        return snapshot;
    }

    Path directory() {
        return directory;
    }

    Path journal(long generation) {
        return directory.resolve(prefix + String.format("%06d", generation));
    }

    /** The generations present, ascending. */
    List<Long> generations() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<Long> generations = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.map(f -> f.getFileName().toString())
                    .filter(name -> name.startsWith(prefix) && name.substring(prefix.length()).matches("[0-9]+"))
                    .forEach(name -> generations.add(Long.parseLong(name.substring(prefix.length()))));
        }
        generations.sort(null);
        return generations;
    }

    /** Deletes the journals a snapshot covers. */
    void deleteBefore(long generation) throws IOException {
        for (long g : generations()) {
            if (g < generation) {
                Files.deleteIfExists(journal(g));
            }
        }
    }

    /** Deletes snapshots a crash left half-written (they were never renamed into place). */
    void deleteUnfinishedSnapshots() throws IOException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        String name = snapshot.getFileName().toString();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(name)
                    && f.getFileName().toString().endsWith(".tmp")).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** A new, empty journal, readable by its owner only: directories hold SCIM tokens. */
    FileChannel create(long generation) throws IOException {
        Files.createDirectories(directory);
        Path path = journal(generation);
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileChannel channel;
        try {
            channel = FileChannel.open(path, options, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            channel = FileChannel.open(path, options);
        }
        syncDirectory();
        return channel;
    }

    /** Makes a file's creation, rename or deletion survive a machine crash (not needed for a killed process). */
    void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; only a machine crash could then undo a rename
            LOG.debug("cannot sync directory {}", directory, e);
        }
    }
}

package dev.scimsync.emulator.persist;

import dev.scimsync.emulator.events.EventLog;
import dev.scimsync.emulator.events.StoredEvent;
import dev.scimsync.emulator.model.EmulatorModel;
import dev.scimsync.emulator.model.ModelJournal;
import dev.scimsync.emulator.model.ModelMutation;
import dev.scimsync.emulator.model.PersistedModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The persist file as a snapshot plus journals. At start the snapshot is loaded and the journals
 * after it replayed; then every change is journaled before it is acknowledged (and before its
 * events are served), and once the journals have grown as large as the snapshot (at least
 * {@link Policy#minCompactionBytes()}) a new snapshot is written in the background and the
 * journals it covers are deleted.
 */
public final class Persistence implements ModelJournal, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Persistence.class);
    private static final ModelJournal.Pending NOTHING = () -> { };
    private static final long RETRY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final JournalFiles files;
    private final EmulatorModel model;
    private final EventLog events;
    private final Policy policy;
    private final ExecutorService compactor = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "workos-emulator-snapshot");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean compacting = new AtomicBoolean();
    private volatile long snapshotBytes;
    private volatile long olderJournalBytes;
    private volatile long noCompactionBefore = System.nanoTime();
    private JournalWriter writer;

    /**
     * @param minCompactionBytes journals smaller than this are never compacted
     * @param syncInterval       the longest a journaled change waits for its fsync
     */
    public record Policy(long minCompactionBytes, Duration syncInterval) {
        public static final Policy DEFAULTS = new Policy(16L << 20, Duration.ofSeconds(1));
    }

    private Persistence(JournalFiles files, EmulatorModel model, EventLog events, Policy policy) {
        this.files = files;
        this.model = model;
        this.events = events;
        this.policy = policy;
    }

    /**
     * Restores {@code file} (and its journals) into the empty model and event log, then journals
     * every change made to them.
     */
    public static Persistence open(Path file, EmulatorModel model, EventLog events, Policy policy) {
        Persistence persistence = new Persistence(new JournalFiles(file), model, events, policy);
        try {
            long nextGeneration = persistence.restore();
            events.holdUntilPublished();
            persistence.writer = new JournalWriter(persistence.files, nextGeneration, events, policy.syncInterval(),
                    persistence::afterGroup);
        } catch (IOException e) {
            throw new UncheckedIOException("restoring the emulator state from " + file, e);
        }
        model.journalTo(persistence);
        if (persistence.olderJournalBytes >= persistence.compactionThreshold()) {
            persistence.startCompaction();
        }
        return persistence;
    }

    /** @return the journal generation to write next */
    private long restore() throws IOException {
        files.deleteUnfinishedSnapshots();
        long next = 1;
        if (Files.exists(files.snapshot())) {
            long started = System.nanoTime();
            SnapshotFile.Loaded loaded = SnapshotFile.read(files.snapshot());
            model.restore(loaded.model());
            events.restore(loaded.events());
            next = loaded.nextJournal();
            snapshotBytes = loaded.bytes();
            LOG.info("Loaded emulator snapshot {} ({} MiB, {} events) in {} ms", files.snapshot(),
                    loaded.bytes() >> 20, loaded.events().size(), millisSince(started));
        }
        // left by a compaction that stopped between its rename and its clean-up
        files.deleteBefore(next);
        for (long generation : files.generations()) {
            if (generation != next) {
                throw new IOException("journal " + files.journal(next) + " is missing before " + files.journal(generation)
                        + ": the snapshot and journals do not belong together (remove them all to start empty)");
            }
            long started = System.nanoTime();
            JournalReader.Result replayed = JournalReader.replay(files.journal(generation), model, events);
            olderJournalBytes += replayed.bytes();
            LOG.info("Replayed {} changes from {} in {} ms", replayed.changes(), files.journal(generation),
                    millisSince(started));
            next++;
        }
        return next;
    }

    @Override
    public void checkWritable() {
        writer.checkWritable();
    }

    @Override
    public Pending append(List<ModelMutation> mutations) {
        List<StoredEvent> emitted = events.takeHeld();
        if (mutations.isEmpty() && emitted.isEmpty()) {
            return NOTHING;
        }
        return writer.append(mutations, emitted);
    }

    // on the journal thread, after each group of changes
    private void afterGroup(long currentJournalBytes) {
        if (olderJournalBytes + currentJournalBytes >= compactionThreshold()
                && System.nanoTime() - noCompactionBefore >= 0) {
            startCompaction();
        }
    }

    // rewriting the snapshot once the journals are as large keeps the writes at most twice the journal's
    private long compactionThreshold() {
        return Math.max(policy.minCompactionBytes(), snapshotBytes);
    }

    private void startCompaction() {
        if (compacting.compareAndSet(false, true)) {
            compactor.execute(this::compact);
        }
    }

    /** Writes a snapshot now (after any running one) and waits for it. */
    void compactNow() throws InterruptedException, ExecutionException {
        compactor.submit(this::compact).get();
    }

    private void compact() {
        long started = System.nanoTime();
        try {
            Cut cut = model.exportWith(state -> new Cut(state, writer.rotate()));
            JournalWriter.Rotation rotation = cut.rotation().get();
            olderJournalBytes = 0;
            long bytes = SnapshotFile.write(files, cut.model(), rotation.events(), rotation.generation());
            files.deleteBefore(rotation.generation());
            snapshotBytes = bytes;
            LOG.info("Wrote emulator snapshot {} ({} MiB, {} events) in {} ms", files.snapshot(), bytes >> 20,
                    rotation.events().size(), millisSince(started));
        } catch (InterruptedException | ClosedByInterruptException e) {
            Thread.currentThread().interrupt();
            LOG.info("Emulator snapshot abandoned at close; the journals hold every change");
        } catch (IOException | ExecutionException | RuntimeException e) {
            noCompactionBefore = System.nanoTime() + RETRY_NANOS;
            LOG.error("Writing the emulator snapshot {} failed; the journals hold every change, next try in a "
                    + "minute", files.snapshot(), e);
        } finally {
            compacting.set(false);
        }
    }

    /** Writes what is queued and syncs it; an unfinished snapshot is abandoned (the journals have it all). */
    @Override
    public void close() {
        compactor.shutdownNow();
        try {
            compactor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private record Cut(PersistedModel model, CompletableFuture<JournalWriter.Rotation> rotation) {
    }
}

package dev.scimsync.emulator.persist;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.scimsync.emulator.events.EventLog;
import dev.scimsync.emulator.events.StoredEvent;
import dev.scimsync.emulator.model.ModelJournal;
import dev.scimsync.emulator.model.ModelMutation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Appends changes to the journal from one thread. Callers queue a change under the model lock, so
 * the queue is in change order, and wait outside it. The thread writes whatever has queued up
 * meanwhile as one group and hands it to the OS in one write, then publishes the group's events
 * and lets its callers go: a change is acknowledged once it would survive the process being
 * killed. The file is fsynced at most {@code syncInterval} later, so a machine crash can lose the
 * last moments of changes, and only from the end.
 *
 * <p>One change is its mutation lines, its event lines and a {@code {"op":"commit"}} line.
 */
final class JournalWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JournalWriter.class);
    private static final int BUFFER_BYTES = 1 << 16;

    private final JournalFiles files;
    private final EventLog events;
    private final long syncNanos;
    private final LongConsumer afterGroup;
    private final BlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final Object progress = new Object();
    private final Thread thread;
    private volatile long written;
    private volatile Exception failure;
    private volatile boolean closed;

    // the writer thread's
    private long generation;
    private FileChannel channel;
    private JsonGenerator out;
    private long unsyncedSince = -1;

    /**
     * @param afterGroup told, on the writer thread, the size of the current journal after each group
     */
    JournalWriter(JournalFiles files, long generation, EventLog events, Duration syncInterval, LongConsumer afterGroup)
            throws IOException {
        this.files = files;
        this.events = events;
        this.syncNanos = syncInterval.toNanos();
        this.afterGroup = afterGroup;
        open(generation);
        this.thread = new Thread(this::run, "workos-emulator-journal");
        thread.setDaemon(true);
        thread.start();
    }

    void checkWritable() {
        if (closed) {
            throw new IllegalStateException("the emulator is closed");
        }
        if (failure != null) {
            throw new IllegalStateException("the emulator no longer persists changes: " + failure.getMessage(), failure);
        }
    }

    /** Queues one change; called under the model lock. */
    ModelJournal.Pending append(List<ModelMutation> mutations, List<StoredEvent> emitted) {
        checkWritable();
        long sequence = queued.incrementAndGet();
        queue.add(new Batch(sequence, mutations, emitted));
        return () -> awaitWritten(sequence);
    }

    /**
     * Called under the model lock with the state exported: every change queued before goes to the
     * current journal, every later one to the next generation. Completes with that generation and
     * the events the exported state has.
     */
    CompletableFuture<Rotation> rotate() {
        checkWritable();
        CompletableFuture<Rotation> rotation = new CompletableFuture<>();
        queue.add(new Rotate(rotation));
        return rotation;
    }

    private void awaitWritten(long sequence) {
        synchronized (progress) {
            while (written < sequence) {
                if (failure != null) {
                    throw new IllegalStateException("the change could not be persisted: " + failure.getMessage(), failure);
                }
                try {
                    progress.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while the change was being persisted", e);
                }
            }
        }
    }

    private void run() {
        List<Entry> group = new ArrayList<>();
        try {
            while (true) {
                Entry first = unsyncedSince < 0 ? queue.take()
                        : queue.poll(Math.max(0, unsyncedSince + syncNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (first != null) {
                    group.add(first);
                    queue.drainTo(group);
                    boolean stop = writeGroup(group);
                    group.clear();
                    if (stop) {
                        sync();
                        out.close();
                        terminate(new IllegalStateException("the emulator is closed"), List.of());
                        return;
                    }
                }
                if (unsyncedSince >= 0 && System.nanoTime() - unsyncedSince >= syncNanos) {
                    sync();
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("Writing the emulator journal {} failed; changes are refused from now on (restart to recover "
                    + "the last acknowledged state)", files.journal(generation), e);
            closeAfterFailure(e);
            terminate(e, group);
        } catch (InterruptedException e) {
            terminate(e, group);
        }
    }

    /** @return true when the group ends with the stop */
    private boolean writeGroup(List<Entry> group) throws IOException {
        List<Written> batches = new ArrayList<>();
        for (Entry entry : group) {
            if (entry instanceof Batch batch) {
                batches.add(new Written(batch.sequence(), write(batch)));
            } else if (entry instanceof Rotate rotate) {
                release(batches);
                rotate.result().complete(rotateNow());
            } else {
                release(batches);
                return true;
            }
        }
        release(batches);
        afterGroup.accept(channel.position());
        return false;
    }

    /** @return the change's events with their data as the JSON text written, to be served from now on */
    private List<StoredEvent> write(Batch batch) throws IOException {
        for (ModelMutation mutation : batch.mutations()) {
            Persisted.MUTATION_WRITER.writeValue(out, mutation);
            out.writeRaw('\n');
        }
        List<StoredEvent> written = new ArrayList<>(batch.events().size());
        for (StoredEvent event : batch.events()) {
            StoredEvent asText = EventEntries.asText(event);
            EventEntries.write(out, "event", asText);
            out.writeRaw('\n');
            written.add(asText);
        }
        out.writeStartObject();
        out.writeStringField("op", "commit");
        out.writeEndObject();
        out.writeRaw('\n');
        return written;
    }

    /** Hands the written batches to the OS, then serves their events and acknowledges them. */
    private void release(List<Written> batches) throws IOException {
        if (batches.isEmpty()) {
            return;
        }
        out.flush();
        if (unsyncedSince < 0) {
            unsyncedSince = System.nanoTime();
        }
        batches.forEach(batch -> events.publish(batch.events()));
        synchronized (progress) {
            written = batches.get(batches.size() - 1).sequence();
            progress.notifyAll();
        }
        batches.clear();
    }

    private Rotation rotateNow() throws IOException {
        sync();
        out.close();
        open(generation + 1);
        return new Rotation(generation, events.all());
    }

    private void sync() throws IOException {
        out.flush();
        channel.force(false);
        unsyncedSince = -1;
    }

    private void open(long value) throws IOException {
        generation = value;
        channel = files.create(value);
        out = Persisted.WRITER.createGenerator(new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES));
        out.setRootValueSeparator(null); // lines end with '\n', written explicitly
    }

    private void closeAfterFailure(Exception failed) {
        try {
            out.close();
        } catch (IOException | RuntimeException closing) {
            failed.addSuppressed(closing);
        }
    }

    /** Fails every change not yet acknowledged, and any later one. */
    private void terminate(Exception cause, List<Entry> inFlight) {
        synchronized (progress) {
            if (failure == null) {
                failure = cause;
            }
            progress.notifyAll();
        }
        List<Entry> left = new ArrayList<>(inFlight);
        queue.drainTo(left);
        left.stream().filter(Rotate.class::isInstance)
                .forEach(entry -> ((Rotate) entry).result().completeExceptionally(failure));
    }

    /** Writes what is queued, syncs and closes the journal. */
    @Override
    public void close() {
        closed = true;
        queue.add(new Stop());
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The next journal generation and the events of the state exported with the rotation. */
    record Rotation(long generation, List<StoredEvent> events) {
    }

    private sealed interface Entry permits Batch, Rotate, Stop {
    }

    private record Batch(long sequence, List<ModelMutation> mutations, List<StoredEvent> events) implements Entry {
    }

    private record Written(long sequence, List<StoredEvent> events) {
    }

    private record Rotate(CompletableFuture<Rotation> result) implements Entry {
    }

    private record Stop() implements Entry {
    }
}

package dev.scimsync.replay;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

import dev.scimsync.core.topic.OrganizationPartitioning;
import dev.scimsync.processor.ProcessorConfig;
import dev.scimsync.processor.StreamProcessor;
import dev.scimsync.writer.WriterConfig;
import dev.scimsync.writer.query.OrganizationQueries;
import dev.scimsync.writer.replay.ShadowSwitch;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Starts replays (one at a time per instance) and tells their progress; served where the processor and the writer
 * run in one process ({@code scim-sync run}). Refuses what would give a wrong result rather than a slow one: an
 * organization the database does not know, a second replay, other processor instances, and a history the events
 * topic no longer holds whole.
 */
public final class ReplayService implements AutoCloseable {

    /** A replay was refused; {@link #status()} is the HTTP status that says why. */
    public static final class ReplayRefusedException extends RuntimeException {
        private final int status;

        ReplayRefusedException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
            .withZone(ZoneOffset.UTC);
    private static final int KEPT = 20;

    private final ReplayContext context;
    private final Admin admin;
    private static final Duration CLEAN_UP = Duration.ofSeconds(30);

    private final Map<String, Replay> replays = new LinkedHashMap<>();
    private Thread running;
    private Replay current;

    public ReplayService(ProcessorConfig liveProcessor, StreamProcessor live, WriterConfig writer, DataSource database,
                         Admin admin, ShadowSwitch.RemovalLimits removalLimits, MeterRegistry registry, Clock clock) {
        this.context = new ReplayContext(liveProcessor, live, writer, database,
                new TopicPositions(admin, liveProcessor.bootstrapServers()), removalLimits, new ReplayMetrics(registry),
                clock);
        this.admin = admin;
    }

    /**
     * Starts a replay of {@code organizationId} (null: every organization) on its own thread.
     *
     * @param force switch even when it would remove more members or groups than the organization's limits allow
     * @throws ReplayRefusedException 404 unknown organization, 409 a replay runs or other processor instances run,
     *                                422 history incomplete
     */
    public synchronized ReplayProgress start(String organizationId, boolean force) {
        if (running != null && running.isAlive() && current.progress().state().isFinal()) {
            joinQuietly(running, CLEAN_UP); // the last one has ended and is deleting its shadow
        }
        if (running != null && running.isAlive()) {
            throw new ReplayRefusedException(409, "replay " + current.id() + " is running (" + current.progress().state()
                    .wire() + "): one replay at a time; follow it with GET /api/replay/" + current.id());
        }
        try {
            if (organizationId != null && new OrganizationQueries(context.database()).status(organizationId).isEmpty()) {
                throw new ReplayRefusedException(404, "unknown organization " + organizationId + ": the database holds "
                        + "no row of it (to rebuild a lost database, replay every organization)");
            }
            checkHistoryIsWhole(organizationId);
            checkAloneInTheProcessorGroup();
            new ReplayLeftovers(context, admin).deleteAll();
        } catch (ReplayRefusedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot prepare the replay: " + e.getMessage(), e);
        }
        String id = "replay-" + ID_TIME.format(context.clock().instant()) + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
        Replay replay = new Replay(id, organizationId, force, context);
        synchronized (replays) {
            replays.put(id, replay);
            while (replays.size() > KEPT) {
                replays.remove(replays.keySet().iterator().next());
            }
        }
        current = replay;
        running = new Thread(replay, "scim-sync-" + id);
        running.setDaemon(true);
        running.start();
        return replay.progress();
    }

    public Optional<ReplayProgress> progress(String replayId) {
        synchronized (replays) {
            return Optional.ofNullable(replays.get(replayId)).map(Replay::progress);
        }
    }

    /**
     * Only this process's live processor is held for the switch: another instance of the processor application
     * would go on applying events that the switch then overwrites with older shadow rows.
     */
    private void checkAloneInTheProcessorGroup() throws Exception {
        String group = context.liveProcessor().applicationId();
        var description = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
        Set<String> ours = context.live().consumerClientIds();
        List<String> others = description.members().stream().map(m -> m.clientId()).filter(c -> !ours.contains(c))
                .sorted().toList();
        if (!others.isEmpty()) {
            throw new ReplayRefusedException(409, "other instances of the stream processor run in group " + group
                    + " (" + others.size() + " consumers): a replay holds only this instance's processor for its "
                    + "switch. Stop the other processor instances, replay, then start them again");
        }
    }

    /**
     * The events topic must still hold the scope's whole history: after a retention cut, a replay would rebuild
     * from the middle and call it the truth.
     */
    private void checkHistoryIsWhole(String organizationId) throws Exception {
        String events = context.liveProcessor().topics().events().name();
        List<TopicPartition> all = context.positions().partitions(events);
        List<TopicPartition> scope = organizationId == null ? all : all.stream()
                .filter(tp -> tp.partition() == OrganizationPartitioning.partitionOf(organizationId, all.size()))
                .toList();
        Map<TopicPartition, Long> earliest = context.positions().earliest(scope);
        List<String> cut = earliest.entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> "partition " + e.getKey().partition() + " starts at offset " + e.getValue()).sorted().toList();
        if (!cut.isEmpty()) {
            throw new ReplayRefusedException(422, "the events topic " + events + " no longer holds the whole history of "
                    + (organizationId == null ? "every organization" : organizationId) + " (" + String.join(", ", cut)
                    + ": earlier events were deleted by its retention); a replay would rebuild from partial history. "
                    + "Use a resync to rebuild from WorkOS instead");
        }
    }

    /**
     * Stops a running replay (it resumes the live processor and deletes its shadow on its way out); one that has
     * ended is left to finish deleting its shadow.
     */
    @Override
    public void close() {
        Thread thread;
        Replay replay;
        synchronized (this) {
            thread = running;
            replay = current;
        }
        if (thread != null && thread.isAlive()) {
            if (!replay.progress().state().isFinal()) {
                thread.interrupt();
            }
            joinQuietly(thread, CLEAN_UP);
        }
    }

    private static void joinQuietly(Thread thread, Duration timeout) {
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.scimsync.poller;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.log.Redact;
import dev.scimsync.poller.publish.Cursor;
import dev.scimsync.poller.publish.CursorStore;
import dev.scimsync.poller.publish.DeadLetter;
import dev.scimsync.poller.publish.TransactionalPublisher;
import dev.scimsync.poller.workos.EventsApi;
import dev.scimsync.poller.workos.EventsPage;
import dev.scimsync.poller.workos.WorkosAuthException;
import dev.scimsync.poller.workos.WorkosRetry;

/**
 * The automatic sync's first stage: reads WorkOS's Events API (one cursor for the whole environment, all
 * organizations) and publishes each event to the events topic keyed by organization, with the cursor in
 * the same transaction. Pages back-to-back while pages are full, otherwise waits the poll interval.
 *
 * <p>Runs on its own thread. Only the instance holding the {@link LeaderLock} polls; the others wait.
 *
 * <p>WorkOS is an untrusted upstream. An event served again after it was published is not published twice; a
 * full page that brings nothing new (a cursor that does not advance) is not followed at once but backed off, logged
 * and counted; a publish that keeps failing backs off too and says why. Both leave
 * {@link #sinceProgress()} growing, which readiness and the alerts read.
 */
public final class EventsPoller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventsPoller.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(60);
    /** Event ids published lately: WorkOS serving one again must not publish it twice. */
    private static final int REMEMBERED_IDS = 100_000;
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

    /** How a round of polling ended. */
    /**
     * How a round ended: more full pages to read, caught up (with nothing new, or {@code LIVE}: after publishing new
     * events, when more are likely to follow soon), or stalled.
     */
    private enum Round { MORE, CAUGHT_UP, LIVE, STALLED }

    /** What a poller is doing, for status and tests. */
    public enum State { STARTING, STANDBY, POLLING, STOPPED, FAILED }

    private final PollerConfig config;
    private final EventsApi api;
    private final PollerMetrics metrics;
    private final Clock clock;
    private final WorkosRetry retry;
    private final EventKeyer keyer;
    private final Thread thread;
    private volatile State state = State.STARTING;
    private volatile Throwable failure;
    private volatile boolean running = true;
    private volatile Cursor cursor;
    private volatile LeaderLock lock;
    private final Set<String> idlessDeadLetters = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 1_000;
        }
    });

    private final Set<String> publishedIds = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_IDS;
        }
    });
    private int stalledRounds;
    private int failedPublishes;
    private volatile String groupInstanceId;

    public EventsPoller(PollerConfig config, EventsApi api, PollerMetrics metrics, Clock clock) {
        this.config = config;
        this.api = api;
        this.metrics = metrics;
        this.clock = clock;
        this.retry = new WorkosRetry(config.maxBackoff(), config.maxRetryAfter(), metrics);
        this.keyer = new EventKeyer(api, retry);
        this.thread = new Thread(this::run, "scim-sync-poller");
    }

    /**
     * Makes this instance a static member of the leader group under {@code id} (call before {@link #start()}): after a
     * crash, the same instance restarted (the same data directory) leads again at once. Two live instances must never
     * share an id: the later one fences the earlier.
     */
    public EventsPoller withGroupInstanceId(String id) {
        this.groupInstanceId = id;
        return this;
    }

    /**
     * Starts polling (or waiting as a standby) on its own thread. The topics must exist
     * ({@link dev.scimsync.core.topic.TopicProvisioner}).
     */
    public EventsPoller start() {
        thread.start();
        return this;
    }

    public State state() {
        return state;
    }

    /** Why the poller stopped on its own (e.g. WorkOS refused the API key); null otherwise. */
    public Throwable failure() {
        return failure;
    }

    /** How long a leader may go without progress before it reports itself not ready. */
    public static final Duration READY_WITHOUT_PROGRESS = Duration.ofMinutes(2);

    /**
     * For readiness: false once the poller has failed, or while it leads without progress (a WorkOS outage, a
     * publish that keeps failing, a cursor that does not advance) for longer than {@link #READY_WITHOUT_PROGRESS}.
     */
    public boolean ready() {
        return state != State.FAILED && sinceProgress().compareTo(READY_WITHOUT_PROGRESS) <= 0;
    }

    /** How long this instance, while it leads, has been neither caught up nor moving (zero on a standby). */
    public Duration sinceProgress() {
        return metrics.sinceProgress();
    }

    /** The last committed cursor of this instance, null before it led. */
    public Cursor cursor() {
        return cursor;
    }

    private void run() {
        try (LeaderLock lock = new LeaderLock(config.bootstrapServers(), config.transactionalId() + "-leader",
                config.topics().cursor().name(), groupInstanceId)) {
            this.lock = lock;
            while (running) {
                state = State.STANDBY;
                boolean leading = lock.poll(Duration.ofMillis(500));
                metrics.leading(leading);
                if (leading) {
                    lead(lock);
                }
            }
            state = State.STOPPED;
        } catch (InterruptedException | WakeupException e) {
            state = State.STOPPED;
        } catch (WorkosAuthException e) {
            LOG.error("poller stopped: {}", e.getMessage());
            fail(e);
        } catch (RuntimeException e) {
            if (!running) {
                state = State.STOPPED; // closing: the interrupt surfaced as a client exception
            } else {
                // no stack trace: a WorkOS error body quoted in a cause could hold email addresses
                LOG.error("poller stopped on an unexpected error; the cursor was not advanced past it: {}",
                        Redact.emailsIn(e.toString()));
                fail(e);
            }
        } finally {
            metrics.leading(false);
        }
    }

    private void lead(LeaderLock lock) throws InterruptedException {
        try (TransactionalPublisher publisher = new TransactionalPublisher(config.bootstrapServers(), config.topics(),
                config.transactionalId())) {
            publisher.init();
            Cursor stored = new CursorStore(config.bootstrapServers(), config.topics().cursor()).read(KAFKA_TIMEOUT);
            if (stored == null) {
                // store the starting point at once: a restart before the first event must not move it
                // (with START_FROM=now it would otherwise skip what happened in between)
                cursor = new Cursor(null, config.startFrom().rangeStart(), null);
                publisher.publish(List.of(), List.of(), cursor);
                LOG.info("no stored cursor: starting from {} (SCIM_SYNC_POLLER_START_FROM)", config.startFrom());
            } else {
                cursor = stored;
                LOG.info("leading: resuming after event {}", cursor.after());
            }
            metrics.cursorAt(cursor.lastEventCreatedAt());
            state = State.POLLING;
            while (running && lock.poll(Duration.ZERO)) {
                Round round = pollOnce(publisher);
                failedPublishes = 0;
                stalledRounds = round == Round.STALLED ? stalledRounds + 1 : 0;
                if (round == Round.STALLED) {
                    lock.poll(backoff(stalledRounds));
                } else if (round == Round.CAUGHT_UP) {
                    lock.poll(config.pollInterval());
                } else if (round == Round.LIVE) {
                    lock.poll(livePollInterval(config.pollInterval()));
                }
            }
        } catch (ProducerFencedException e) {
            LOG.warn("another poller instance took over (fenced); standing by");
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            if (!running || e.getCause() instanceof InterruptedException) {
                throw new InterruptedException("closing");
            }
            publishFailed(e);
        }
    }

    /**
     * A Kafka error while publishing: nothing was committed, so the next round resumes from the stored cursor. It
     * is counted by cause; once it repeats it is an error in the log, and waits grow to the poller's max backoff.
     */
    private void publishFailed(KafkaException e) throws InterruptedException {
        failedPublishes++;
        String cause = causeOf(e);
        metrics.publishFailed(cause);
        Duration wait = backoff(failedPublishes);
        if (failedPublishes >= 3) {
            LOG.error("publishing to Kafka failed {} times in a row ({}: {}); the sync is stalled, nothing is lost or "
                    + "skipped; retrying from the last committed cursor in {} ms", failedPublishes, cause,
                    Redact.emailsIn(e.toString()), wait.toMillis());
        } else {
            LOG.warn("Kafka error while publishing ({}); resuming from the last committed cursor in {} ms",
                    Redact.emailsIn(e.toString()), wait.toMillis());
        }
        Thread.sleep(wait.toMillis());
    }

    /** 1 s, 2 s, 4 s… up to the poller's max backoff. */
    private Duration backoff(int attempt) {
        long ms = FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 16);
        return Duration.ofMillis(Math.min(ms, config.maxBackoff().toMillis()));
    }

    /** The innermost Kafka exception's name in snake case ({@code RecordTooLargeException} → record_too_large). */
    static String causeOf(Throwable e) {
        Throwable innermost = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KafkaException) {
                innermost = t;
            }
        }
        String name = innermost.getClass().getSimpleName().replaceFirst("Exception$", "");
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Reads pages back to back while they are full, up to {@code pagesPerTransaction}, and publishes them in
     * one transaction: catching up is bound by WorkOS, not by a Kafka commit per page, and a page that is not
     * full (the live case) is published at once. A full page that moves nothing ends the round as stalled.
     */
    private Round pollOnce(TransactionalPublisher publisher) throws InterruptedException {
        Cursor next = cursor;
        List<EventEnvelope> envelopes = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        Round round = Round.CAUGHT_UP;
        Set<String> idless = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (int pages = 0; pages < config.pagesPerTransaction(); pages++) {
            Cursor from = next;
            long started = System.nanoTime();
            EventsPage page;
            if (pages == 0) {
                page = retry.call("list events after " + from.after(),
                        () -> api.list(from.after(), from.rangeStart(), config.pageLimit()));
            } else {
                // later pages get one attempt: what was read is published now rather than held back while
                // WorkOS misbehaves; the next round retries from the committed cursor
                try {
                    page = api.list(from.after(), from.rangeStart(), config.pageLimit());
                } catch (RuntimeException e) {
                    LOG.debug("page {} of a transaction failed ({}); publishing the pages read so far", pages + 1,
                            e.toString());
                    break;
                }
            }
            metrics.pollSucceeded();
            metrics.pollTook(Duration.ofNanos(System.nanoTime() - started));
            int before = envelopes.size() + deadLetters.size();
            next = collect(page, from, envelopes, deadLetters, idless, ids);
            boolean full = page.events().size() >= config.pageLimit();
            boolean moved = !java.util.Objects.equals(next.after(), from.after())
                    || envelopes.size() + deadLetters.size() > before;
            if (full && !moved) {
                stalled(from, page.events().size());
                round = Round.STALLED;
                break;
            }
            round = full ? Round.MORE : Round.CAUGHT_UP;
            if (!full) {
                break;
            }
        }
        if (envelopes.isEmpty() && deadLetters.isEmpty() && next.equals(cursor)) {
            if (round == Round.CAUGHT_UP) {
                metrics.progressed(); // at the head with nothing new: a quiet directory, not a stall
            }
            return round;
        }
        long publishing = System.nanoTime();
        List<DeadLetter> oversized = publisher.publish(envelopes, deadLetters, next);
        metrics.publishTook(Duration.ofNanos(System.nanoTime() - publishing));
        metrics.progressed();
        // remembered only once durable: an aborted transaction must publish (or dead-letter) them again
        idlessDeadLetters.addAll(idless);
        publishedIds.addAll(ids);
        cursor = next;
        envelopes.forEach(e -> metrics.published(e.eventType()));
        deadLetters.forEach(d -> metrics.deadLettered(d.reason()));
        for (DeadLetter dead : oversized) {
            metrics.deadLettered("event too large");
            LOG.error("event {} sent to the DLQ: {}", dead.eventId(), dead.reason());
        }
        metrics.cursorAt(next.lastEventCreatedAt());
        return round == Round.CAUGHT_UP && !envelopes.isEmpty() ? Round.LIVE : round;
    }

    /**
     * The wait after a round that published new events and reached the head: half the poll interval. Changes come in
     * bursts (a user added to several groups, an IdP push of many users), so the next poll is likely to find more, and
     * the wait is most of the lag an event sees before Kafka. A quiet directory costs what the interval says (0.2 s:
     * 300 requests/min); a busy one up to twice that, plus the pages its events fill (one per 100 events: 1,058
     * requests/min measured at 1,000 changes/s, 18 % of WorkOS's 6,000).
     */
    private static Duration livePollInterval(Duration pollInterval) {
        return pollInterval.dividedBy(2);
    }

    private void stalled(Cursor from, int pageSize) {
        metrics.stalledPage();
        Duration wait = backoff(stalledRounds + 1);
        String message = "the Events API cursor does not advance: a full page of {} events after event {} brought "
                + "nothing new ({} rounds in a row); not following it at once, polling again in {} ms";
        if (stalledRounds >= 2) {
            LOG.error(message, pageSize, from.after(), stalledRounds + 1, wait.toMillis());
        } else {
            LOG.warn(message, pageSize, from.after(), stalledRounds + 1, wait.toMillis());
        }
    }

    /**
     * Keys a page's events into {@code envelopes} and {@code deadLetters}; returns the cursor after the page. An
     * event already published (or already in this transaction) is dropped and does not move the cursor: ids need not
     * sort, so moving to it could move the cursor back; a full page of them is a stall, backed off and alerted.
     */
    private Cursor collect(EventsPage page, Cursor from, List<EventEnvelope> envelopes, List<DeadLetter> deadLetters,
                           Set<String> idless, Set<String> ids) throws InterruptedException {
        Instant ingestedAt = clock.instant();
        Cursor next = from;
        int redelivered = 0;
        for (JsonNode event : page.events()) {
            JsonNode id = event.get("id");
            if (id != null && id.isTextual() && (publishedIds.contains(id.asText()) || !ids.add(id.asText()))) {
                // durable already: not published again, and the cursor does not move back to it
                redelivered++;
                continue;
            }
            EventKeyer.Keyed keyed = keyer.key(event, ingestedAt);
            if (keyed.envelope() != null) {
                envelopes.add(keyed.envelope());
                next = next.advancedTo(keyed.envelope().eventId(), keyed.envelope().createdAt());
                metrics.polled(keyed.envelope().eventType());
            } else {
                DeadLetter dead = keyed.deadLetter();
                if (dead.eventId() != null) {
                    next = next.advancedTo(dead.eventId(), next.lastEventCreatedAt());
                } else if (idlessDeadLetters.contains(dead.rawJson()) || !idless.add(dead.rawJson())) {
                    continue; // the cursor cannot move past an event without an id: dead-letter it only once
                }
                deadLetters.add(dead);
                LOG.warn("event {} sent to the DLQ: {}", dead.eventId(), dead.reason());
            }
        }
        if (redelivered > 0) {
            metrics.redelivered(redelivered);
            LOG.debug("WorkOS served {} events again that were already published; not publishing them twice",
                    redelivered);
        }
        return next;
    }

    private void fail(Throwable e) {
        failure = e;
        state = State.FAILED;
    }

    /**
     * Stops polling; an open transaction is aborted (never committed half-way). Waits for the loop to
     * finish its page; interrupts it only if it is stuck waiting on WorkOS.
     */
    @Override
    public void close() {
        running = false;
        LeaderLock current = lock;
        if (current != null) {
            current.wakeup();
        }
        try {
            thread.join(3_000);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(30_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

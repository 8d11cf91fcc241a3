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
 */
public final class EventsPoller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventsPoller.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(60);

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

    /** The last committed cursor of this instance, null before it led. */
    public Cursor cursor() {
        return cursor;
    }

    private void run() {
        try (LeaderLock lock = new LeaderLock(config.bootstrapServers(), config.transactionalId() + "-leader",
                config.topics().cursor().name())) {
            this.lock = lock;
            while (running) {
                state = State.STANDBY;
                if (!lock.poll(Duration.ofMillis(500))) {
                    continue;
                }
                lead(lock);
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
                boolean full = pollOnce(publisher);
                if (!full) {
                    lock.poll(config.pollInterval());
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
            // a broker restart or timeout: nothing was committed, go around and resume from the stored cursor
            LOG.warn("Kafka error while publishing ({}); resuming from the last committed cursor", e.toString());
            Thread.sleep(1000);
        }
    }

    /**
     * Reads pages back to back while they are full, up to {@code pagesPerTransaction}, and publishes them in
     * one transaction: catching up is bound by WorkOS, not by a Kafka commit per page, and a page that is not
     * full (the live case) is published at once. Returns whether the last page was full (more may wait).
     */
    private boolean pollOnce(TransactionalPublisher publisher) throws InterruptedException {
        Cursor next = cursor;
        List<EventEnvelope> envelopes = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        boolean full = false;
        Set<String> idless = new HashSet<>();
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
            metrics.pollTook(Duration.ofNanos(System.nanoTime() - started));
            next = collect(page, from, envelopes, deadLetters, idless);
            full = page.events().size() >= config.pageLimit();
            if (!full) {
                break;
            }
        }
        if (envelopes.isEmpty() && deadLetters.isEmpty()) {
            return false;
        }
        long publishing = System.nanoTime();
        publisher.publish(envelopes, deadLetters, next);
        metrics.publishTook(Duration.ofNanos(System.nanoTime() - publishing));
        // remembered only once durable: an aborted transaction must dead-letter them again
        idlessDeadLetters.addAll(idless);
        cursor = next;
        envelopes.forEach(e -> metrics.published(e.eventType()));
        deadLetters.forEach(d -> metrics.deadLettered(d.reason()));
        metrics.cursorAt(next.lastEventCreatedAt());
        return full;
    }

    /** Keys a page's events into {@code envelopes} and {@code deadLetters}; returns the cursor after the page. */
    private Cursor collect(EventsPage page, Cursor from, List<EventEnvelope> envelopes, List<DeadLetter> deadLetters,
                           Set<String> idless) throws InterruptedException {
        Instant ingestedAt = clock.instant();
        Cursor next = from;
        for (JsonNode event : page.events()) {
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

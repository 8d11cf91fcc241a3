package dev.scimsync.core.metrics;

/**
 * Micrometer meter names, one vocabulary for every stage and the Grafana dashboard. Prometheus renders
 * dots as underscores (and adds {@code _total}, {@code _seconds} suffixes).
 */
public final class MetricNames {

    // ingest-poller
    public static final String EVENTS_POLLED = "scim_sync.poller.events.polled";
    public static final String EVENTS_PUBLISHED = "scim_sync.poller.events.published";
    public static final String POLL_LATENCY = "scim_sync.poller.poll.latency";
    /** One poller transaction (up to SCIM_SYNC_POLLER_PAGES_PER_TRANSACTION pages): events, dead letters, cursor. */
    public static final String PUBLISH_LATENCY = "scim_sync.poller.publish.latency";
    public static final String WORKOS_ERRORS = "scim_sync.poller.workos.errors";
    public static final String RATE_LIMIT_WAITS = "scim_sync.poller.rate_limit.waits";
    public static final String CURSOR_AGE = "scim_sync.poller.cursor.age";
    public static final String DEAD_LETTERS = "scim_sync.dead_letters";
    /** 1 on the instance that holds the poller lock and polls, 0 on standbys. */
    public static final String POLLER_LEADER = "scim_sync.poller.leader";
    /** Unix seconds of the last successful {@code GET /events} answer (the leader start before the first). */
    public static final String LAST_POLL_SUCCESS = "scim_sync.poller.last_poll_success.timestamp";
    /** Unix seconds of the last moment the poller was caught up or moving (a commit, or the head reached). */
    public static final String LAST_PROGRESS = "scim_sync.poller.last_progress.timestamp";
    /** Failed Kafka publishes of a page, tagged with {@link #TAG_CAUSE}. */
    public static final String PUBLISH_FAILURES = "scim_sync.poller.publish.failures";
    /** Full pages that brought no new event: a WorkOS cursor that does not advance. */
    public static final String STALLED_PAGES = "scim_sync.poller.stalled.pages";
    /** Events WorkOS served again after they were published (dropped by the poller). */
    public static final String EVENTS_REDELIVERED = "scim_sync.poller.events.redelivered";

    // stream-processor
    public static final String EVENTS_APPLIED = "scim_sync.processor.events.applied";
    public static final String EVENTS_DUPLICATE = "scim_sync.processor.events.duplicate";
    public static final String EVENTS_STALE = "scim_sync.processor.events.stale";
    /**
     * Timer: how long the processor took to end a resync (its sweep, or its preview or hold), from its end marker:
     * the sweep's steps and the partition's records applied between them.
     */
    public static final String RESYNC_END = "scim_sync.processor.resync.end";
    /**
     * Timer: one step of a resync's sweep or of a directory's removal, a bounded number of entities; the partition's
     * other organizations wait as long.
     */
    public static final String SWEEP_STEP = "scim_sync.processor.sweep.step";

    // state-writer
    public static final String ROWS_WRITTEN = "scim_sync.writer.rows";
    /** Members whose effective access a writer batch changed. */
    public static final String ACCESS_CHANGES = "scim_sync.access.changes";
    /** Present members holding a seat, per organization and seat tier (gauge, from the database). */
    public static final String SEATS = "scim_sync.seats";
    public static final String BATCH_SIZE = "scim_sync.writer.batch.size";
    public static final String COMMIT_LATENCY = "scim_sync.writer.commit.latency";
    /** now − WorkOS created_at of each applied event: the figure the dashboard shows. */
    public static final String SYNC_LAG = "scim_sync.sync.lag";

    // resync (ingest side; what the sweep did is on the status topic and in sync_runs)
    /** Resyncs asked of this process, tagged with {@link #TAG_RESULT} published or failed. */
    public static final String RESYNC_RUNS = "scim_sync.resync.runs";
    /** From the request to the snapshot published (the scan dominates). */
    public static final String RESYNC_DURATION = "scim_sync.resync.duration";

    // replay
    /** Events read again from the events topic by replays. */
    public static final String REPLAY_EVENTS = "scim_sync.replay.events";
    /** Replays, tagged with {@link #TAG_RESULT} completed or failed. */
    public static final String REPLAY_RUNS = "scim_sync.replay.runs";
    /** From the request to the switch (or the failure). */
    public static final String REPLAY_DURATION = "scim_sync.replay.duration";

    // verify (drift check)
    /** Drift checks run, tagged with {@link #TAG_RESULT} in_sync, drift or failed. */
    public static final String VERIFY_RUNS = "scim_sync.verify.runs";
    /** Entities found different in the last drift check of an organization, tagged with {@link #TAG_TYPE}. */
    public static final String VERIFY_DRIFT = "scim_sync.verify.drift";

    // provisioning mode (manual <-> scim)
    /** Provisioning switches, tagged with {@link #TAG_MODE} (the mode switched to) and {@link #TAG_RESULT}. */
    public static final String PROVISIONING_SWITCHES = "scim_sync.provisioning.switches";
    /**
     * What applied switches to scim did, tagged {@link #TAG_OPERATION}: members linked, created and removed, and
     * emails left ambiguous.
     */
    public static final String PROVISIONING_MEMBERS = "scim_sync.provisioning.members";
    /** From the request to the outcome (a switch to scim: the directory scan dominates). */
    public static final String PROVISIONING_DURATION = "scim_sync.provisioning.duration";

    // common tags
    public static final String TAG_STAGE = "stage";
    public static final String TAG_TYPE = "type";
    public static final String TAG_TABLE = "table";
    public static final String TAG_STATUS = "status";
    public static final String TAG_OPERATION = "operation";
    public static final String TAG_RESULT = "result";
    public static final String TAG_ORGANIZATION = "organization";
    public static final String TAG_CAUSE = "cause";
    public static final String TAG_MODE = "mode";

    private MetricNames() {
    }
}

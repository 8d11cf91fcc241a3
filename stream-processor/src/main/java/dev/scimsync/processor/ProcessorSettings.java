package dev.scimsync.processor;

import java.util.List;

import dev.scimsync.core.config.Setting;

/** The settings of the stream processor, declared once; see {@link ProcessorConfig#from}. */
public final class ProcessorSettings {

    public static final Setting<String> APPLICATION_ID = Setting.string("SCIM_SYNC_PROCESSOR_APPLICATION_ID",
            "scim-sync-processor", "Kafka Streams application id (consumer group, prefix of internal topics)");
    public static final Setting<java.nio.file.Path> STATE_DIR = Setting.path("SCIM_SYNC_PROCESSOR_STATE_DIR", null,
            "directory of the RocksDB state stores; unset = <SCIM_SYNC_DATA_DIR>/stream-processor");
    public static final Setting<java.time.Duration> DEDUP_RETENTION = Setting.duration(
            "SCIM_SYNC_PROCESSOR_DEDUP_RETENTION", "P7D",
            "how long a WorkOS event id is remembered to drop re-delivered events (ISO-8601)");
    public static final Setting<java.time.Duration> TOMBSTONE_RETENTION = Setting.duration(
            "SCIM_SYNC_PROCESSOR_TOMBSTONE_RETENTION", "P7D",
            "how long a removed member, group or membership keeps its version in the stores, so that a late older"
                    + " update cannot bring it back (ISO-8601)");
    public static final Setting<java.time.Duration> PURGE_INTERVAL = Setting.duration(
            "SCIM_SYNC_PROCESSOR_PURGE_INTERVAL", "PT1H",
            "how often expired removal records and event ids are purged from the stores (ISO-8601)");
    public static final Setting<java.time.Duration> COMMIT_INTERVAL = Setting.duration(
            "SCIM_SYNC_PROCESSOR_COMMIT_INTERVAL", "PT0.5S",
            "Kafka Streams commit interval, also how often each changed organization's status is emitted: with"
                    + " exactly-once, how long output waits before it becomes visible (ISO-8601)");
    public static final Setting<java.time.Duration> LIVE_COMMIT_INTERVAL = Setting.duration(
            "SCIM_SYNC_PROCESSOR_LIVE_COMMIT_INTERVAL", "PT0.1S",
            "while events arrive within seconds of WorkOS creating them, commit this often instead of every commit"
                    + " interval, so live changes reach the database sooner; a backlog, a resync and a replay keep the"
                    + " commit interval (ISO-8601; PT0S = off)");
    public static final Setting<Integer> SWEEP_STEP = Setting.integer("SCIM_SYNC_PROCESSOR_SWEEP_STEP", 10_000, 1,
            10_000_000, "at most this many stored members, groups and memberships a resync's sweep or a directory's"
                    + " removal goes through at once (in the record that starts it, then in each punctuation; an"
                    + " entity removed counts 50, and a step also ends after 200 ms): the partition's other"
                    + " organizations wait at most that long; a larger organization's sweep goes on between their"
                    + " events");
    public static final Setting<Integer> THREADS = Setting.integer("SCIM_SYNC_PROCESSOR_THREADS", 1, 1, 64,
            "Kafka Streams threads of this instance");
    public static final Setting<Integer> REPLICATION_FACTOR = Setting.integer(
            "SCIM_SYNC_PROCESSOR_REPLICATION_FACTOR", -1, -1, 32,
            "replication factor of the changelog topics (-1 = the broker's default)");
    public static final Setting<BadRecordPolicy> ON_BAD_RECORD = Setting.oneOf("SCIM_SYNC_PROCESSOR_ON_BAD_RECORD",
            BadRecordPolicy.class, BadRecordPolicy.DLQ,
            "what happens to a record that cannot be deserialized or is an invalid event (missing ids or"
                    + " timestamps, another organization's payload): dlq (send it to the DLQ topic and go on) or fail"
                    + " (stop the processor); any other processing or production error always stops the processor");

    public static final Setting<ReplayStores> REPLAY_STORES = Setting.oneOf("SCIM_SYNC_PROCESSOR_REPLAY_STORES",
            ReplayStores.class, ReplayStores.AUTO,
            "where a replay keeps its processor's stores, which it throws away at its end: heap (less CPU than"
                    + " RocksDB; about 0.9 KiB of heap per event of history), disk (RocksDB, as the live"
                    + " processor) or auto (heap when 1.5 KiB per event is at most half of the heap still free)");

    public static final List<Setting<?>> ALL = List.of(APPLICATION_ID, STATE_DIR, DEDUP_RETENTION, TOMBSTONE_RETENTION,
            PURGE_INTERVAL, COMMIT_INTERVAL, LIVE_COMMIT_INTERVAL, SWEEP_STEP, THREADS, REPLICATION_FACTOR, ON_BAD_RECORD,
            REPLAY_STORES);

    private ProcessorSettings() {
    }
}

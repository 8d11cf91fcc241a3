package dev.scimsync.writer;

import java.time.Duration;
import java.util.List;

import dev.scimsync.core.config.Setting;

/** The state-writer's own settings; the database and Kafka ones are in {@link dev.scimsync.core.config.CommonSettings}. */
public final class WriterSettings {

    public static final Setting<String> GROUP_ID = Setting.string("SCIM_SYNC_WRITER_GROUP_ID", "scim-sync-state-writer",
            "consumer group of the state-writer; also the key of its stored offsets");
    public static final Setting<Integer> BATCH_SIZE = Setting.integer("SCIM_SYNC_WRITER_BATCH_SIZE", 500, 1, 100_000,
            "records written per database transaction at most");
    public static final Setting<Duration> BATCH_MAX_WAIT = Setting.duration("SCIM_SYNC_WRITER_BATCH_MAX_WAIT", "PT0.05S",
            "longest a record waits for its batch to fill before the batch is written anyway (ISO-8601)");
    public static final Setting<Integer> POOL_SIZE = Setting.integer("SCIM_SYNC_WRITER_POOL_SIZE", 4, 1, 100,
            "database connections of the writer's pool");
    public static final Setting<Integer> RETRY_ATTEMPTS = Setting.integer("SCIM_SYNC_WRITER_RETRY_ATTEMPTS", 6, 1, 1000,
            "attempts at a batch when the database fails transiently, before the batch is put back and tried later");
    public static final Setting<Duration> RETRY_BACKOFF = Setting.duration("SCIM_SYNC_WRITER_RETRY_BACKOFF", "PT0.2S",
            "first wait after a transient database error; doubles per attempt (ISO-8601)");
    public static final Setting<Duration> RETRY_MAX_BACKOFF = Setting.duration("SCIM_SYNC_WRITER_RETRY_MAX_BACKOFF", "PT10S",
            "longest wait between attempts (ISO-8601)");
    public static final Setting<Boolean> COMMIT_TO_KAFKA = Setting.bool("SCIM_SYNC_WRITER_COMMIT_TO_KAFKA", true,
            "also commit offsets to Kafka after each database commit, as a hint for lag tooling (the database's offsets win)");

    public static final List<Setting<?>> ALL = List.of(GROUP_ID, BATCH_SIZE, BATCH_MAX_WAIT, POOL_SIZE, RETRY_ATTEMPTS,
            RETRY_BACKOFF, RETRY_MAX_BACKOFF, COMMIT_TO_KAFKA);

    private WriterSettings() {
    }
}

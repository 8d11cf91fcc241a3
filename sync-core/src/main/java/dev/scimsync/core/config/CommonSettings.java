package dev.scimsync.core.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The settings every stage shares. Module-specific settings are declared next to their module's config
 * record; all of them are listed in the README's configuration table.
 */
public final class CommonSettings {

    public static final Setting<Integer> HTTP_PORT = Setting.integer("SCIM_SYNC_HTTP_PORT", 8080, 0, 65535,
            "port of the admin API, /metrics and /health (0 = any free port)");
    public static final Setting<String> HTTP_HOST = Setting.matching("SCIM_SYNC_HTTP_HOST", "127.0.0.1",
            Pattern.compile("[^\\s/]+"), "a host name or IP address", "address the admin API binds to");
    public static final Setting<Path> DATA_DIR = Setting.path("SCIM_SYNC_DATA_DIR", "./data",
            "where the embedded broker, embedded database and generated admin token live");
    public static final Setting<Duration> POLL_INTERVAL = Setting.duration("SCIM_SYNC_POLL_INTERVAL", "PT0.2S",
            "wait between Events API polls when the last page was not full, half of it after a poll that brought new "
                    + "events (ISO-8601)");
    public static final Setting<String> DB_URL = Setting.postgresUrl("SCIM_SYNC_DB_URL",
            "JDBC URL of the organization database (PostgreSQL 13+); unset = embedded PostgreSQL under the data directory");
    public static final Setting<String> DB_USER = Setting.string("SCIM_SYNC_DB_USER", "postgres", "database user");
    public static final Setting<String> DB_PASSWORD = Setting.secret("SCIM_SYNC_DB_PASSWORD", "database password");
    public static final Setting<String> KAFKA_BOOTSTRAP = Setting.hostPorts("SCIM_SYNC_KAFKA_BOOTSTRAP", null,
            "Kafka bootstrap servers; unset = embedded single-node KRaft broker under the data directory");
    public static final Setting<String> TOPIC_PREFIX = Setting.matching("SCIM_SYNC_TOPIC_PREFIX", "scim-sync.",
            // Kafka's legal topic characters; the longest suffix and Kafka's limit of 249 leave room for 200
            Pattern.compile("[A-Za-z0-9._-]{1,200}"), "up to 200 of the characters a-z A-Z 0-9 . _ -",
            "prefix of every topic name");
    public static final Setting<Integer> PARTITIONS = Setting.integer("SCIM_SYNC_PARTITIONS", 6, 1, 1000,
            "partitions of the events and state topics when scim-sync creates them (1 with the embedded broker)");
    public static final Setting<String> ADMIN_TOKEN = Setting.secret("SCIM_SYNC_ADMIN_TOKEN",
            "bearer token of the admin API; unset in zero-setup mode = generated and stored in the data directory");
    public static final Setting<String> WORKOS_API_KEY = Setting.secret("WORKOS_API_KEY",
            "WorkOS API key; unset = the built-in WorkOS emulator with a demo directory");
    public static final Setting<URI> WORKOS_API_BASE_URL = Setting.httpUrl("WORKOS_API_BASE_URL", "https://api.workos.com",
            "WorkOS API base URL (set it to a workos-emulator to use one)");

    public static final List<Setting<?>> ALL = List.of(HTTP_PORT, HTTP_HOST, DATA_DIR, POLL_INTERVAL, DB_URL, DB_USER,
            DB_PASSWORD, KAFKA_BOOTSTRAP, TOPIC_PREFIX, PARTITIONS, ADMIN_TOKEN, WORKOS_API_KEY, WORKOS_API_BASE_URL);

    private CommonSettings() {
    }
}

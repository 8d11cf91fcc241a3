package dev.scimsync.poller;

import java.time.Duration;
import java.util.List;

import dev.scimsync.core.config.Setting;

/** Settings of ingest-poller beyond {@link dev.scimsync.core.config.CommonSettings}. */
public final class PollerSettings {

    public static final Setting<String> START_FROM = Setting.string("SCIM_SYNC_POLLER_START_FROM", "earliest",
            "where a poller with no stored cursor starts: earliest (oldest event WorkOS retains), now, or an ISO-8601 instant");
    public static final Setting<String> TRANSACTIONAL_ID = Setting.string("SCIM_SYNC_POLLER_TRANSACTIONAL_ID",
            "scim-sync-poller", "Kafka transactional id shared by all poller instances of one deployment (fences zombies)");
    public static final Setting<Integer> PAGE_LIMIT = Setting.integer("SCIM_SYNC_POLLER_PAGE_LIMIT", 100, 1, 100,
            "events per Events API page");
    public static final Setting<Integer> PAGES_PER_TRANSACTION = Setting.integer(
            "SCIM_SYNC_POLLER_PAGES_PER_TRANSACTION", 10, 1, 100,
            "full pages read back to back and published in one Kafka transaction while catching up");
    public static final Setting<Duration> MAX_RETRY_AFTER = Setting.duration("SCIM_SYNC_POLLER_MAX_RETRY_AFTER", "PT60S",
            "upper bound on a WorkOS Retry-After wait");
    public static final Setting<Duration> MAX_BACKOFF = Setting.duration("SCIM_SYNC_POLLER_MAX_BACKOFF", "PT30S",
            "upper bound of the exponential backoff after WorkOS 5xx answers and timeouts");
    public static final Setting<Duration> REQUEST_TIMEOUT = Setting.duration("SCIM_SYNC_POLLER_REQUEST_TIMEOUT", "PT30S",
            "timeout of one WorkOS HTTP request");
    public static final Setting<Integer> SCAN_USER_REQUESTS_PER_SECOND = Setting.integer(
            "SCIM_SYNC_SCAN_USER_REQUESTS_PER_SECOND", 4, 1, 10_000,
            "pace of GET /directory_users requests per directory when scanning an organization (WorkOS allows 4/s; "
                    + "more only against a server without WorkOS's limits, such as the emulator's bench)");
    public static final Setting<Duration> EVENTS_RETENTION = Setting.duration("SCIM_SYNC_EVENTS_RETENTION", "P36500D",
            "retention of the events topic when scim-sync creates it (default: practically forever, for replay)");

    public static final List<Setting<?>> ALL = List.of(START_FROM, TRANSACTIONAL_ID, PAGE_LIMIT, PAGES_PER_TRANSACTION, MAX_RETRY_AFTER,
            MAX_BACKOFF, REQUEST_TIMEOUT, SCAN_USER_REQUESTS_PER_SECOND, EVENTS_RETENTION);

    private PollerSettings() {
    }
}

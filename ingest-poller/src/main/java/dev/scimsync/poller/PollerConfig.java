package dev.scimsync.poller;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

import dev.scimsync.core.config.CommonSettings;
import dev.scimsync.core.config.ConfigReader;
import dev.scimsync.core.log.Redact;
import dev.scimsync.core.topic.Topics;

/**
 * Everything ingest-poller needs, read once and validated at start.
 *
 * @param workosApiKey secret: never logged (see {@link #toString()})
 */
public record PollerConfig(
        String bootstrapServers,
        Topics topics,
        String workosApiKey,
        URI workosBaseUrl,
        Duration pollInterval,
        StartPosition startFrom,
        String transactionalId,
        int pageLimit,
        int pagesPerTransaction,
        Duration maxRetryAfter,
        Duration maxBackoff,
        Duration requestTimeout) {

    /** Reads the poller's settings; problems are recorded in the reader (call {@code throwIfInvalid}). */
    public static PollerConfig from(ConfigReader reader, String bootstrapServers, String workosApiKey, URI workosBaseUrl) {
        String startText = reader.get(PollerSettings.START_FROM);
        StartPosition start = null;
        if (startText != null) {
            try {
                start = StartPosition.parse(startText, Clock.systemUTC());
            } catch (IllegalArgumentException e) {
                reader.check(false, PollerSettings.START_FROM.name(), e.getMessage());
            }
        }
        return new PollerConfig(bootstrapServers,
                new Topics(reader.get(CommonSettings.TOPIC_PREFIX)),
                workosApiKey,
                workosBaseUrl,
                reader.get(CommonSettings.POLL_INTERVAL),
                start,
                reader.get(PollerSettings.TRANSACTIONAL_ID),
                orZero(reader.get(PollerSettings.PAGE_LIMIT)),
                orZero(reader.get(PollerSettings.PAGES_PER_TRANSACTION)),
                reader.get(PollerSettings.MAX_RETRY_AFTER),
                reader.get(PollerSettings.MAX_BACKOFF),
                reader.get(PollerSettings.REQUEST_TIMEOUT));
    }

    /** A config with every default, for tests and embedding. */
    public static PollerConfig defaults(String bootstrapServers, Topics topics, String workosApiKey, URI workosBaseUrl) {
        return new PollerConfig(bootstrapServers, topics, workosApiKey, workosBaseUrl,
                Duration.ofSeconds(1), StartPosition.EARLIEST, "scim-sync-poller", 100, 10, Duration.ofSeconds(60),
                Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    /** The same settings against another broker and WorkOS (e.g. embedded ones started after reading config). */
    public PollerConfig withConnections(String bootstrap, String apiKey, URI baseUrl) {
        return new PollerConfig(bootstrap, topics, apiKey, baseUrl, pollInterval,
                startFrom, transactionalId, pageLimit, pagesPerTransaction, maxRetryAfter, maxBackoff, requestTimeout);
    }

    public PollerConfig withPollInterval(Duration interval) {
        return new PollerConfig(bootstrapServers, topics, workosApiKey, workosBaseUrl,
                interval, startFrom, transactionalId, pageLimit, pagesPerTransaction, maxRetryAfter, maxBackoff, requestTimeout);
    }

    public PollerConfig withTransactionalId(String id) {
        return new PollerConfig(bootstrapServers, topics, workosApiKey, workosBaseUrl,
                pollInterval, startFrom, id, pageLimit, pagesPerTransaction, maxRetryAfter, maxBackoff, requestTimeout);
    }

    public PollerConfig withPagesPerTransaction(int pages) {
        return new PollerConfig(bootstrapServers, topics, workosApiKey, workosBaseUrl, pollInterval, startFrom,
                transactionalId, pageLimit, pages, maxRetryAfter, maxBackoff, requestTimeout);
    }

    public PollerConfig withPageLimit(int limit) {
        return new PollerConfig(bootstrapServers, topics, workosApiKey, workosBaseUrl,
                pollInterval, startFrom, transactionalId, limit, pagesPerTransaction, maxRetryAfter, maxBackoff, requestTimeout);
    }

    public PollerConfig withBackoff(Duration maxBackoffWait, Duration maxRetryAfterWait) {
        return new PollerConfig(bootstrapServers, topics, workosApiKey, workosBaseUrl,
                pollInterval, startFrom, transactionalId, pageLimit, pagesPerTransaction, maxRetryAfterWait, maxBackoffWait, requestTimeout);
    }

    public PollerConfig withApiKey(String key) {
        return new PollerConfig(bootstrapServers, topics, key, workosBaseUrl,
                pollInterval, startFrom, transactionalId, pageLimit, pagesPerTransaction, maxRetryAfter, maxBackoff, requestTimeout);
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    @Override
    public String toString() {
        return "PollerConfig[bootstrapServers=" + bootstrapServers + ", topics=" + topics.prefix() + "*, workosBaseUrl="
                + workosBaseUrl + ", workosApiKey=" + Redact.secret(workosApiKey)
                + ", pollInterval=" + pollInterval + ", startFrom=" + startFrom + ", transactionalId=" + transactionalId
                + ", pageLimit=" + pageLimit + ", pagesPerTransaction=" + pagesPerTransaction + "]";
    }
}

package dev.scimsync.core.topic;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Headers;

/**
 * Headers every DLQ record carries, whichever stage wrote it. The value is the original record's bytes
 * (or the raw WorkOS JSON for events that never reached Kafka).
 */
public final class DeadLetterHeaders {

    /** Short reason, e.g. "no organization id". */
    public static final String REASON = "scim-sync.reason";
    /** The exception class, when an exception caused it. */
    public static final String EXCEPTION = "scim-sync.exception";
    /** The WorkOS event id, when known. */
    public static final String EVENT_ID = "scim-sync.event-id";
    /** ingest-poller, stream-processor or state-writer. */
    public static final String STAGE = "scim-sync.stage";
    /** topic-partition@offset of the original record, when it came from Kafka. */
    public static final String SOURCE = "scim-sync.source";

    private DeadLetterHeaders() {
    }

    /** Adds a header when the value is not null; values are UTF-8 and cut to 1,000 characters. */
    public static void add(Headers headers, String name, String value) {
        if (value != null) {
            String cut = value.length() > 1000 ? value.substring(0, 1000) + "…" : value;
            headers.add(name, cut.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The header's last value as a string, or null. */
    public static String get(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}

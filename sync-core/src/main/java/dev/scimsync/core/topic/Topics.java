package dev.scimsync.core.topic;

import java.util.List;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.core.model.SyncStatus;
import dev.scimsync.core.serde.JsonSerde;

/**
 * Every topic of the pipeline, named under one prefix (default {@code scim-sync.}) so that tests and
 * several deployments can share a broker.
 *
 * <ul>
 *   <li>{@code events}: key organization id, value {@link EventEnvelope}; retained for replay.</li>
 *   <li>{@code members}, {@code groups}, {@code memberships}: compacted state, key from
 *       {@link dev.scimsync.core.model.EntityKeys}, partitioned by organization.</li>
 *   <li>{@code status}: compacted, key organization id, value {@link SyncStatus}.</li>
 *   <li>{@code dlq}: raw bytes of records that could not be processed, with {@link DeadLetterHeaders}.</li>
 *   <li>{@code cursor}: the poller's Events API cursor, written in the same transaction as the events.</li>
 *   <li>{@code commands}: resync requests and other operator commands for the poller.</li>
 * </ul>
 *
 * <p>A replay reads the deployment's events topic and writes shadow state topics of its own: {@code eventsPrefix}
 * names the events topic apart from the others ({@link #readingEventsOf}).
 */
public record Topics(String prefix, String eventsPrefix) {

    public static final String DEFAULT_PREFIX = "scim-sync.";

    private static final Serde<String> KEYS = Serdes.String();

    public Topics(String prefix) {
        this(prefix, prefix);
    }

    /** These topics, but the events topic of {@code source}. */
    public Topics readingEventsOf(Topics source) {
        return new Topics(prefix, source.eventsPrefix());
    }

    public static Topics defaults() {
        return new Topics(DEFAULT_PREFIX);
    }

    public Topic<String, EventEnvelope> events() {
        return new Topic<>(eventsPrefix + "events", KEYS, JsonSerde.of(EventEnvelope.class));
    }

    public Topic<String, Member> members() {
        return new Topic<>(prefix + "members", KEYS, JsonSerde.of(Member.class));
    }

    public Topic<String, Group> groups() {
        return new Topic<>(prefix + "groups", KEYS, JsonSerde.of(Group.class));
    }

    public Topic<String, Membership> memberships() {
        return new Topic<>(prefix + "memberships", KEYS, JsonSerde.of(Membership.class));
    }

    public Topic<String, SyncStatus> status() {
        return new Topic<>(prefix + "status", KEYS, JsonSerde.of(SyncStatus.class));
    }

    public Topic<byte[], byte[]> dlq() {
        return new Topic<>(prefix + "dlq", Serdes.ByteArray(), Serdes.ByteArray());
    }

    public Topic<String, String> cursor() {
        return new Topic<>(prefix + "cursor", KEYS, Serdes.String());
    }

    public Topic<String, String> commands() {
        return new Topic<>(prefix + "commands", KEYS, Serdes.String());
    }

    /** The compacted topics: their cleanup policy is {@code compact}. */
    public List<String> compacted() {
        return List.of(members().name(), groups().name(), memberships().name(), status().name(), cursor().name());
    }
}

package dev.scimsync.writer.apply;

import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.core.model.SyncStatus;
import dev.scimsync.core.model.Version;

/**
 * One decoded state-topic record and what became of it in the current attempt.
 *
 * @param source the Kafka record; never null
 * @param value  a {@link Member}, {@link Group}, {@link Membership} or {@link SyncStatus}; never null
 */
public record StateChange(ConsumerRecord<byte[], byte[]> source, Object value) {

    public String organizationId() {
        if (value instanceof Member m) {
            return m.organizationId();
        } else if (value instanceof Group g) {
            return g.organizationId();
        } else if (value instanceof Membership ms) {
            return ms.organizationId();
        }
        return ((SyncStatus) value).organizationId();
    }

    /** The table the change lands in (the status topic's is sync_status). */
    public String table() {
        if (value instanceof Member) {
            return "members";
        } else if (value instanceof Group) {
            return "groups";
        } else if (value instanceof Membership) {
            return "group_memberships";
        }
        return "sync_status";
    }

    public boolean isRemoval() {
        if (value instanceof Member m) {
            return m.removed();
        } else if (value instanceof Group g) {
            return g.removed();
        } else if (value instanceof Membership ms) {
            return ms.removed();
        }
        return false;
    }

    /**
     * The time this change tells about, for {@code organizations.created_at} (earliest seen) and
     * {@code updated_at} (latest seen); null if none.
     */
    public Instant seenAt() {
        if (value instanceof Member m) {
            return m.version().at();
        } else if (value instanceof Group g) {
            return g.version().at();
        } else if (value instanceof Membership ms) {
            return ms.version().at();
        }
        SyncStatus s = (SyncStatus) value;
        // a status before any event (a resync, a name) still creates its organization
        return s.lastEventCreatedAt() != null ? s.lastEventCreatedAt()
                : s.lastAppliedAt() != null ? s.lastAppliedAt()
                : s.resyncChangedAt() != null ? s.resyncChangedAt() : s.countingSince();
    }

    /**
     * WorkOS created_at of the causing event, for sync lag; null for statuses and for changes a resync made (its
     * records carry the time its scan began, which says nothing about how far the sync trails WorkOS).
     */
    public Instant eventCreatedAt() {
        if (value instanceof Member m) {
            return m.version().fromWorkosEvent() ? m.eventCreatedAt() : null;
        } else if (value instanceof Group g) {
            return g.version().fromWorkosEvent() ? g.eventCreatedAt() : null;
        } else if (value instanceof Membership ms) {
            return ms.version().fromWorkosEvent() ? ms.eventCreatedAt() : null;
        }
        return null;
    }

    /** The WorkOS event id behind the record, for the DLQ's event-id header; null if unknown. */
    public String eventId() {
        return eventIdOf(value);
    }

    /** The event id of a decoded value (a status's is its last applied event); null if it has none. */
    static String eventIdOf(Object value) {
        Version version = null;
        if (value instanceof Member m) {
            version = m.version();
        } else if (value instanceof Group g) {
            version = g.version();
        } else if (value instanceof Membership ms) {
            version = ms.version();
        } else if (value instanceof SyncStatus s) {
            return s.lastEventId();
        }
        return version == null || version.eventId().isEmpty() ? null : version.eventId();
    }
}

package dev.scimsync.writer.apply;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.core.model.SyncStatus;
import dev.scimsync.core.topic.Topics;
import dev.scimsync.writer.dlq.DeadLetter;

/**
 * Turns raw state-topic records into {@link StateChange}s. Unparsable or incomplete records become dead
 * letters; a null value (a Kafka tombstone, which the processor does not write but compaction tooling
 * might) is ignored.
 */
public final class RecordDecoder {

    /** What a batch of records decodes to. */
    public record Decoded(List<StateChange> changes, List<DeadLetter> deadLetters) {
    }

    private final Topics topics;
    private final Deserializer<Member> members;
    private final Deserializer<Group> groups;
    private final Deserializer<Membership> memberships;
    private final Deserializer<SyncStatus> statuses;

    public RecordDecoder(Topics topics) {
        this.topics = topics;
        this.members = topics.members().valueSerde().deserializer();
        this.groups = topics.groups().valueSerde().deserializer();
        this.memberships = topics.memberships().valueSerde().deserializer();
        this.statuses = topics.status().valueSerde().deserializer();
    }

    /** The topics this decoder understands. */
    public List<String> topicNames() {
        return List.of(topics.members().name(), topics.groups().name(), topics.memberships().name(),
                topics.status().name());
    }

    public Decoded decode(List<ConsumerRecord<byte[], byte[]>> records) {
        List<StateChange> changes = new ArrayList<>(records.size());
        List<DeadLetter> deadLetters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (record.value() == null) {
                continue;
            }
            Object value;
            try {
                value = parse(record);
            } catch (RuntimeException e) {
                deadLetters.add(DeadLetter.of(record, "unparsable value: " + e.getMessage(), e));
                continue;
            }
            String missing = missingField(value);
            if (missing != null) {
                deadLetters.add(DeadLetter.of(record, StateChange.eventIdOf(value),
                        "invalid " + value.getClass().getSimpleName() + ": no " + missing, null));
                continue;
            }
            changes.add(new StateChange(record, value));
        }
        return new Decoded(changes, deadLetters);
    }

    private Object parse(ConsumerRecord<byte[], byte[]> record) {
        String topic = record.topic();
        if (topic.equals(topics.members().name())) {
            return members.deserialize(topic, record.value());
        } else if (topic.equals(topics.groups().name())) {
            return groups.deserialize(topic, record.value());
        } else if (topic.equals(topics.memberships().name())) {
            return memberships.deserialize(topic, record.value());
        } else if (topic.equals(topics.status().name())) {
            return statuses.deserialize(topic, record.value());
        }
        throw new IllegalArgumentException("not a state topic: " + topic);
    }

    private static String missingField(Object value) {
        if (value instanceof Member m) {
            return m.organizationId() == null ? "organization_id"
                    : m.directoryUserId() == null ? "directory_user_id" : m.version() == null ? "version" : null;
        } else if (value instanceof Group g) {
            return g.organizationId() == null ? "organization_id"
                    : g.directoryGroupId() == null ? "directory_group_id" : g.version() == null ? "version" : null;
        } else if (value instanceof Membership ms) {
            return ms.organizationId() == null ? "organization_id"
                    : ms.directoryGroupId() == null ? "directory_group_id"
                    : ms.directoryUserId() == null ? "directory_user_id" : ms.version() == null ? "version" : null;
        }
        return ((SyncStatus) value).organizationId() == null ? "organization_id" : null;
    }
}

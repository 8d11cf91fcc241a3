package dev.scimsync.writer.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Version;
import dev.scimsync.core.topic.Topics;

class RecordDecoderTest {

    private final Topics topics = new Topics("d.");
    private final RecordDecoder decoder = new RecordDecoder(topics);

    private ConsumerRecord<byte[], byte[]> record(String topic, long offset, byte[] value) {
        return new ConsumerRecord<>(topic, 0, offset, "org_1/x".getBytes(StandardCharsets.UTF_8), value);
    }

    @Test
    void shouldDecodeEachStateTopic() {
        Group group = new Group("org_1", "g1", "dir", null, "Eng", new Version(Instant.EPOCH, "e1"), Instant.EPOCH, false);
        var decoded = decoder.decode(List.of(record(topics.groups().name(), 0, topics.groups().valueSerde().serializer()
                .serialize("-", group))));

        assertThat(decoded.deadLetters()).isEmpty();
        assertThat(decoded.changes()).singleElement().satisfies(c -> {
            assertThat(c.value()).isEqualTo(group);
            assertThat(c.table()).isEqualTo("groups");
            assertThat(c.organizationId()).isEqualTo("org_1");
        });
    }

    @Test
    void shouldDeadLetterBadBytes_AndIgnoreNullValues() {
        var decoded = decoder.decode(List.of(
                record(topics.members().name(), 0, "{oops".getBytes(StandardCharsets.UTF_8)),
                record(topics.members().name(), 1, null),
                record(topics.memberships().name(), 2, "{\"organization_id\":\"org_1\"}".getBytes(StandardCharsets.UTF_8))));

        assertThat(decoded.changes()).isEmpty();
        assertThat(decoded.deadLetters()).hasSize(2);
        assertThat(decoded.deadLetters().get(0).reason()).startsWith("unparsable value");
        assertThat(decoded.deadLetters().get(0).sourceCoordinates()).isEqualTo("d.members-0@0");
        assertThat(decoded.deadLetters().get(1).reason()).isEqualTo("invalid Membership: no directory_group_id");
    }
}

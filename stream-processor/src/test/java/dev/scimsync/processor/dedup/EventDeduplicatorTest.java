package dev.scimsync.processor.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dedup rules on an in-memory store; the processor's tests drive it through the topology. */
class EventDeduplicatorTest {

    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    private static final Duration RETENTION = Duration.ofHours(1);

    private final KeyValueStore<String, String> store = newStore();
    private final EventDeduplicator dedup = new EventDeduplicator(store, RETENTION);

    @AfterEach
    void close() {
        store.close();
    }

    private static KeyValueStore<String, String> newStore() {
        KeyValueStore<String, String> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("dedup-ids"),
                Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    private List<String> keys() {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.all()) {
            it.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }

    @Test
    void shouldRecogniseAnIdByItsIdAndCreatedAt() {
        dedup.remember("event_1", T0, "dsync.user.created");

        assertThat(dedup.isDuplicate("event_1", T0)).isTrue();
        assertThat(dedup.isDuplicate("event_1", T0.plusMillis(1))).isFalse();
        assertThat(dedup.isDuplicate("event_2", T0)).isFalse();
        assertThat(keys()).containsExactly(String.format("%019d", T0.toEpochMilli()) + "/event_1");
    }

    @Test
    void shouldForgetIdsNotNewerThanTheNewestCreatedAtMinusTheRetention() {
        dedup.remember("event_1", T0, "t");
        dedup.remember("event_2", T0.plusMillis(1), "t");
        dedup.remember("event_3", T0.plus(RETENTION), "t");

        assertThat(dedup.isDuplicate("event_1", T0)).as("exactly one retention older").isFalse();
        assertThat(dedup.isDuplicate("event_2", T0.plusMillis(1))).isTrue();
        assertThat(dedup.forgetExpired(10)).isEqualTo(1);
        assertThat(keys()).hasSize(2).allMatch(k -> !k.endsWith("/event_1"));
        assertThat(dedup.forgetExpired(10)).isZero();

        dedup.remember("event_0", T0.minusMillis(1), "t");
        assertThat(keys()).as("an id past the retention is not remembered").hasSize(2);
    }

    @Test
    void shouldForgetAtMostTheGivenNumber_OldestFirst() {
        for (int i = 0; i < 5; i++) {
            dedup.remember("event_" + i, T0.plusMillis(i), "t");
        }
        dedup.remember("event_new", T0.plus(RETENTION).plusSeconds(1), "t");

        assertThat(dedup.forgetExpired(2)).isEqualTo(2);
        assertThat(keys()).hasSize(4).first().asString().endsWith("/event_2");
        assertThat(dedup.forgetExpired(2)).isEqualTo(2);
        assertThat(dedup.forgetExpired(2)).isEqualTo(1);
        assertThat(dedup.forgetExpired(2)).isZero();
        assertThat(keys()).singleElement().asString().endsWith("/event_new");
    }

    @Test
    void shouldTakeTheNewestCreatedAtFromTheStore_WhenCreatedOnAStoreThatHasIds() {
        dedup.remember("event_1", T0, "t");
        dedup.remember("event_2", T0.plus(RETENTION), "t");

        EventDeduplicator restarted = new EventDeduplicator(store, RETENTION);

        assertThat(restarted.isDuplicate("event_1", T0)).isFalse();
        assertThat(restarted.isDuplicate("event_2", T0.plus(RETENTION))).isTrue();
        assertThat(restarted.forgetExpired(10)).isEqualTo(1);
    }

    @Test
    void shouldRememberAnything_WhileTheStoreIsEmpty() {
        dedup.remember("event_1", Instant.EPOCH, "t");

        assertThat(dedup.isDuplicate("event_1", Instant.EPOCH)).isTrue();
        assertThat(dedup.forgetExpired(10)).isZero();
    }

    @Test
    void shouldRejectARetentionShorterThanOneMillisecond() {
        assertThatThrownBy(() -> new EventDeduplicator(store, Duration.ofNanos(500_000)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

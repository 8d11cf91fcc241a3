package dev.scimsync.processor.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StoreObjectsTest {

    private KeyValueStore<String, String> store;

    @BeforeEach
    void openStore() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("s"), Serdes.String(), Serdes.String())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    }

    @Test
    void shouldWriteThrough_WhenAValueIsPutOrDeleted() {
        StoreObjects<String> objects = new StoreObjects<>(store, 10);

        objects.put("org_1", "a");
        assertThat(store.get("org_1")).isEqualTo("a");
        objects.delete("org_1");
        assertThat(store.get("org_1")).isNull();
        assertThat(objects.get("org_1")).isNull();
    }

    @Test
    void shouldReadTheStoreOnlyOnAMiss() {
        store.put("org_1", "stored");
        StoreObjects<String> objects = new StoreObjects<>(store, 10);

        assertThat(objects.get("org_1")).isEqualTo("stored");
        // a write behind its back (which the processor never does) shows that the second read is the object
        store.put("org_1", "changed");
        assertThat(objects.get("org_1")).isEqualTo("stored");
        objects.clear();
        assertThat(objects.get("org_1")).isEqualTo("changed");
    }

    @Test
    void shouldReadTheStoreAgain_WhenTheObjectWasTheLeastRecentlyUsed() {
        StoreObjects<String> objects = new StoreObjects<>(store, 2);
        objects.put("org_1", "1");
        objects.put("org_2", "2");
        objects.get("org_1");
        objects.put("org_3", "3");

        store.put("org_1", "1 in the store");
        store.put("org_2", "2 in the store");
        store.put("org_3", "3 in the store");
        assertThat(objects.get("org_1")).isEqualTo("1");
        assertThat(objects.get("org_3")).isEqualTo("3");
        assertThat(objects.get("org_2")).isEqualTo("2 in the store");
    }
}

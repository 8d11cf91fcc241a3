package dev.scimsync.processor.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heap store of a replay's disposable state behaves as the RocksDB store it replaces, for what the processor
 * uses: inclusive ranges in key order, prefix scans, writes while a range is read, and state that outlives a task's
 * close within the same topology.
 */
class HeapStoreSupplierTest {

    @TempDir
    Path dir;

    @Test
    void shouldRangeInclusivelyInKeyOrder_ScanPrefixes_AndGoBackwards() {
        KeyValueStore<Bytes, byte[]> store = open(new HeapStoreSupplier("members"), new TaskId(0, 0));
        for (String key : List.of("org_2/b", "org_1/c", "org_1/a", "org_10/a", "org_1/b")) {
            store.put(key(key), value(key));
        }

        assertThat(keys(store.range(key("org_1/a"), key("org_1/b")))).containsExactly("org_1/a", "org_1/b");
        assertThat(keys(store.range(key("org_1/b"), key("org_2")))).containsExactly("org_1/b", "org_1/c", "org_10/a");
        assertThat(keys(store.range(key("org_2"), key("org_1")))).as("from after to").isEmpty();
        assertThat(keys(store.prefixScan("org_1/", new StringSerializer())))
                .containsExactly("org_1/a", "org_1/b", "org_1/c");
        assertThat(keys(store.all())).containsExactly("org_1/a", "org_1/b", "org_1/c", "org_10/a", "org_2/b");
        assertThat(keys(store.reverseRange(key("org_1/a"), key("org_1/c"))))
                .containsExactly("org_1/c", "org_1/b", "org_1/a");
        assertThat(store.approximateNumEntries()).isEqualTo(5);
        // bytes compare unsigned, as in RocksDB: a UTF-8 é (0xC3 0xA9) sorts after z
        store.put(key("org_1/é"), value("e"));
        store.put(key("org_1/z"), value("z"));
        assertThat(keys(store.prefixScan("org_1/", new StringSerializer())))
                .containsExactly("org_1/a", "org_1/b", "org_1/c", "org_1/z", "org_1/é");
        store.delete(key("org_1/é"));
        store.delete(key("org_1/z"));

        assertThat(store.putIfAbsent(key("org_1/a"), value("other"))).isEqualTo(value("org_1/a"));
        assertThat(store.putIfAbsent(key("org_3/a"), value("new"))).isNull();
        store.put(key("org_3/a"), null);
        assertThat(store.get(key("org_3/a"))).isNull();
        assertThat(store.delete(key("org_2/b"))).isEqualTo(value("org_2/b"));
        store.putAll(List.of(KeyValue.pair(key("org_4/a"), value("x")), KeyValue.pair(key("org_1/a"), null)));
        assertThat(keys(store.all())).containsExactly("org_1/b", "org_1/c", "org_10/a", "org_4/a");
    }

    @Test
    void shouldReadARangeAsItGoes_WhileTheCallerDeletesWhatItRead() {
        KeyValueStore<Bytes, byte[]> store = open(new HeapStoreSupplier("dedup-ids"), new TaskId(0, 0));
        for (int i = 0; i < 10_000; i++) {
            store.put(key(String.format("%019d/e%d", i, i)), value("dsync.user.created"));
        }
        int deleted = 0;
        try (KeyValueIterator<Bytes, byte[]> it = store.range(key(String.format("%019d", 0)),
                key(String.format("%019d", 5_000)))) {
            while (it.hasNext()) {
                store.delete(it.next().key);
                deleted++;
            }
        }
        assertThat(deleted).isEqualTo(5_000);
        assertThat(store.approximateNumEntries()).isEqualTo(5_000);
        assertThat(keys(store.range(key(String.format("%019d", 4_999)), key(String.format("%019d", 5_001)))))
                .containsExactly(String.format("%019d/e%d", 5_000, 5_000));
    }

    @Test
    void shouldKeepATasksStateWhenItClosesAndOpensAgain_AndEachTasksApart() {
        HeapStoreSupplier supplier = new HeapStoreSupplier("memberships");
        KeyValueStore<Bytes, byte[]> first = open(supplier, new TaskId(0, 0));
        first.put(key("org_1/g/u"), value("present"));
        KeyValueStore<Bytes, byte[]> other = open(supplier, new TaskId(0, 1));
        other.put(key("org_2/g/u"), value("present"));

        first.close();
        assertThat(first.isOpen()).isFalse();
        assertThatThrownBy(() -> first.get(key("org_1/g/u"))).isInstanceOf(IllegalStateException.class);
        KeyValueStore<Bytes, byte[]> again = open(supplier, new TaskId(0, 0));

        assertThat(keys(again.all())).containsExactly("org_1/g/u");
        assertThat(keys(other.all())).containsExactly("org_2/g/u");
        assertThat(supplier.entries()).isEqualTo(2);
        assertThat(again.persistent()).isFalse();
    }

    @Test
    void shouldKeepOneArrayForEqualShortValues_AndTheirOwnForLongOnes() {
        KeyValueStore<Bytes, byte[]> store = open(new HeapStoreSupplier("dedup-ids"), new TaskId(0, 0));
        store.put(key("a"), value("dsync.user.created"));
        store.put(key("b"), value("dsync.user.created"));
        String longValue = "x".repeat(HeapStoreSupplier.SHARED_VALUE_MAX_BYTES + 1);
        store.put(key("c"), value(longValue));
        store.put(key("d"), value(longValue));

        assertThat(store.get(key("a"))).isSameAs(store.get(key("b"))).isEqualTo(value("dsync.user.created"));
        assertThat(store.get(key("c"))).isNotSameAs(store.get(key("d"))).isEqualTo(store.get(key("d")));
        store.put(key("b"), value("dsync.user.updated"));
        assertThat(store.get(key("a"))).isEqualTo(value("dsync.user.created"));
    }

    private KeyValueStore<Bytes, byte[]> open(HeapStoreSupplier supplier, TaskId task) {
        KeyValueStore<Bytes, byte[]> store = supplier.get();
        StateStoreContext context = new MockProcessorContext<>(new Properties(), task, dir.toFile())
                .getStateStoreContext();
        store.init(context, store);
        return store;
    }

    private static Bytes key(String key) {
        return Bytes.wrap(key.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] value(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> keys(KeyValueIterator<Bytes, byte[]> it) {
        List<String> keys = new ArrayList<>();
        try (it) {
            it.forEachRemaining(entry -> keys.add(new String(entry.key.get(), StandardCharsets.UTF_8)));
        }
        return keys;
    }
}

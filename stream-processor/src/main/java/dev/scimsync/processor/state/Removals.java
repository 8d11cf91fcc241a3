package dev.scimsync.processor.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.scimsync.core.model.Version;

/**
 * When each removal record may be purged. Keys start with the zero-padded expiry time, so the expired ones are
 * one range scan from the start of the store, however many removals are still young.
 */
final class Removals {

    enum Kind {
        MEMBER('m'), GROUP('g'), MEMBERSHIP('s'), DIRECTORY('d');

        private final char code;

        Kind(char code) {
            this.code = code;
        }

        static Kind of(char code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown removal kind " + code);
        }
    }

    /** One expired removal: its index key, what it removed, and the removal's version. */
    record Expired(String indexKey, Kind kind, String entityKey, Version version) {
    }

    private final KeyValueStore<String, Version> store;
    private final Duration retention;
    private final LongSupplier wallClock;

    Removals(KeyValueStore<String, Version> store, Duration retention, LongSupplier wallClock) {
        this.store = store;
        this.retention = retention;
        this.wallClock = wallClock;
    }

    void expireLater(Kind kind, String entityKey, Version version) {
        store.put(time(wallClock.getAsLong() + retention.toMillis()) + '|' + kind.code + '|' + entityKey, version);
    }

    List<Expired> expiredAt(long now) {
        List<Expired> expired = new ArrayList<>();
        try (KeyValueIterator<String, Version> it = store.range(time(0), time(now + 1))) {
            while (it.hasNext()) {
                KeyValue<String, Version> entry = it.next();
                String key = entry.key;
                int bar = key.indexOf('|');
                expired.add(new Expired(key, Kind.of(key.charAt(bar + 1)), key.substring(bar + 3), entry.value));
            }
        }
        return expired;
    }

    void forget(String indexKey) {
        store.delete(indexKey);
    }

    private static String time(long millis) {
        return String.format("%019d", Math.max(0, millis));
    }
}

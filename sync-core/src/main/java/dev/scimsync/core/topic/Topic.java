package dev.scimsync.core.topic;

import java.util.Objects;

import org.apache.kafka.common.serialization.Serde;

/**
 * A topic's name with the serdes of its keys and values, so that producers, consumers and the topology
 * cannot disagree on either.
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
    }
}

package dev.scimsync.processor;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.processor.errors.DeadLetters;
import dev.scimsync.processor.metrics.MicrometerProcessorMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;

/**
 * The stream processor at run time: {@link ProcessorTopology} in a {@link KafkaStreams} with exactly-once, the DLQ
 * exception handlers, and its metrics on the given registry. The topics must exist before {@link #start()}.
 */
public final class StreamProcessor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamProcessor.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;

    /**
     * @param config   with non-null {@link ProcessorConfig#bootstrapServers()}
     * @param registry receives the Kafka Streams metrics and the processor's counters; not closed here
     */
    public StreamProcessor(ProcessorConfig config, MeterRegistry registry) {
        Objects.requireNonNull(config.bootstrapServers(), "bootstrapServers: start the broker first");
        Properties props = config.streamsProperties();
        props.put(DeadLetters.METER_REGISTRY_CONFIG, registry);
        this.streams = new KafkaStreams(ProcessorTopology.build(config, new MicrometerProcessorMetrics(registry)), props);
        this.streams.setUncaughtExceptionHandler(exception -> {
            LOG.error("stream processor stopped by an unrecoverable error", exception);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        this.streamsMetrics = new KafkaStreamsMetrics(streams, List.of(Tag.of(MetricNames.TAG_STAGE, DeadLetters.STAGE)));
        this.streamsMetrics.bindTo(registry);
    }

    /**
     * Observes every restoration of a store from its changelog (after a crash, a move of a task, or state that was
     * wiped). Must be called before {@link #start()}; one listener at a time.
     */
    public void setRestoreListener(StateRestoreListener listener) {
        streams.setGlobalStateRestoreListener(listener);
    }

    public void start() {
        LOG.info("starting the stream processor");
        streams.start();
    }

    /** CREATED, REBALANCING, RUNNING, … ERROR: the Kafka Streams state, for health checks. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * Stops processing without leaving the group (threads keep polling, tasks stay assigned): what a replay's switch
     * needs for a moment. {@link #resume()} continues where it stopped.
     */
    public void pause() {
        streams.pause();
    }

    public void resume() {
        streams.resume();
    }

    /** The client ids of this instance's consumers, as the group coordinator lists its members. */
    public java.util.Set<String> consumerClientIds() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        streams.metadataForLocalThreads().forEach(thread -> ids.add(thread.consumerClientId()));
        return ids;
    }

    /** Deletes this application's local state directory; only once closed (a replay's, when it is done). */
    public void cleanUp() {
        streams.cleanUp();
    }

    /** Closes Kafka Streams and leaves the consumer group at once, so a restart or reset does not wait. */
    @Override
    public void close() {
        boolean closed = streams.close(CloseOptions.groupMembershipOperation(
                CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(CLOSE_TIMEOUT));
        if (!closed) {
            LOG.warn("stream processor did not close within {}", CLOSE_TIMEOUT);
        }
        streamsMetrics.close();
    }
}

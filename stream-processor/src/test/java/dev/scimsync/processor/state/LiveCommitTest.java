package dev.scimsync.processor.state;

import static dev.scimsync.processor.fixtures.UserEventBuilder.aUserEvent;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.processor.metrics.ProcessorMetrics;

/** When the processor asks Kafka Streams to commit before the commit interval (live events only). */
class LiveCommitTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @TempDir
    Path stateDir;

    private MockProcessorContext<String, Object> context;
    private DirectoryStateProcessor processor;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "live-commit-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        context = new MockProcessorContext<>(props, new TaskId(0, 0), stateDir.toFile());
        for (StoreBuilder<?> builder : StateStores.builders()) {
            StateStore store = builder.withLoggingDisabled().withCachingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        processor = new DirectoryStateProcessor(Duration.ofDays(30), Duration.ofDays(30), Duration.ofHours(1),
                Duration.ofMillis(500), Duration.ofMillis(100), new AtomicLong(), 20_000, ProcessorMetrics.NONE);
        processor.init(context);
    }

    @AfterEach
    void stop() {
        processor.close();
    }

    @Test
    void shouldAskForACommitAtMostEveryLiveInterval_WhenEventsAreFresh() {
        context.setCurrentSystemTimeMs(NOW.toEpochMilli());
        process(aUserEvent().created().forUser("directory_user_1").at(NOW.minusMillis(300)).build());
        assertThat(context.committed()).as("first fresh event").isTrue();

        context.resetCommit();
        context.setCurrentSystemTimeMs(NOW.plusMillis(50).toEpochMilli());
        process(aUserEvent().created().forUser("directory_user_2").at(NOW.minusMillis(250)).build());
        assertThat(context.committed()).as("50 ms after the last ask").isFalse();

        context.setCurrentSystemTimeMs(NOW.plusMillis(100).toEpochMilli());
        process(aUserEvent().created().forUser("directory_user_3").at(NOW.minusMillis(200)).build());
        assertThat(context.committed()).as("100 ms after the last ask").isTrue();
    }

    @Test
    void shouldLeaveCommitsToTheInterval_WhenEventsAreABacklogOrAResync() {
        context.setCurrentSystemTimeMs(NOW.toEpochMilli());
        process(aUserEvent().created().forUser("directory_user_1").at(NOW.minusSeconds(3)).build());
        assertThat(context.committed()).as("an event created 3 s ago").isFalse();

        context.setCurrentSystemTimeMs(NOW.plusSeconds(1).toEpochMilli());
        process(aUserEvent().fromResync().forUser("directory_user_2").at(NOW.plusSeconds(1)).build());
        assertThat(context.committed()).as("a resync's snapshot item").isFalse();
    }

    private void process(EventEnvelope envelope) {
        processor.process(new Record<>(envelope.organizationId(), envelope, envelope.createdAt().toEpochMilli()));
    }
}

package dev.scimsync.processor.state;

import static dev.scimsync.processor.fixtures.DirectoryEventBuilder.aDirectoryEvent;
import static dev.scimsync.processor.fixtures.EventBuilder.T0;
import static dev.scimsync.processor.fixtures.UserEventBuilder.aUserEvent;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.model.Member;
import dev.scimsync.processor.metrics.ProcessorMetrics;

/**
 * A sweep left in the store when its task closes (a restart, a rebalance) goes on when the task opens again: the
 * opening processor finds it and schedules its steps, without waiting for a record of the partition.
 */
class SweepResumeTest {

    private static final String ORG = "org_01ACME";
    private static final String OKTA = "directory_01OKTA";

    @TempDir
    Path stateDir;

    @Test
    void shouldScheduleTheStepsOfASweepLeftInTheStores_WhenTheProcessorOpensAgain() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "sweep-resume-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        MockProcessorContext<String, Object> first = new MockProcessorContext<>(props, new TaskId(0, 0),
                stateDir.toFile());
        first.setCurrentSystemTimeMs(T0.plusSeconds(60).toEpochMilli());
        List<StateStore> stores = new ArrayList<>();
        for (StoreBuilder<?> builder : StateStores.builders()) {
            StateStore store = builder.withLoggingDisabled().withCachingDisabled().build();
            store.init(first.getStateStoreContext(), store);
            first.addStateStore(store);
            stores.add(store);
        }
        DirectoryStateProcessor before = processor();
        before.init(first);
        for (int i = 1; i <= 6; i++) {
            process(before, aUserEvent().created().inDirectory(OKTA).forUser("directory_user_" + i).at(T0).build());
        }
        process(before, aDirectoryEvent().deleted().inDirectory(OKTA).at(T0.plusSeconds(60)).build());
        KeyValueStore<String, Sweep> sweeps = first.getStateStore(StateStores.SWEEPS);
        assertThat(count(sweeps)).as("six members, two a step: the removal goes on").isEqualTo(1);
        before.close();

        MockProcessorContext<String, Object> second = new MockProcessorContext<>(props, new TaskId(0, 0),
                stateDir.toFile());
        second.setCurrentSystemTimeMs(T0.plusSeconds(61).toEpochMilli());
        stores.forEach(second::addStateStore);
        DirectoryStateProcessor after = processor();
        after.init(second);
        List<MockProcessorContext.CapturedPunctuator> steps = second.scheduledPunctuators().stream()
                .filter(p -> p.getInterval().equals(DirectoryStateProcessor.SWEEP_STEP_INTERVAL)).toList();
        assertThat(steps).as("the sweep's steps are scheduled when the task opens").hasSize(1);

        int punctuations = 0;
        while (count(sweeps) > 0 && punctuations < 100) {
            long now = T0.plusSeconds(61 + punctuations++).toEpochMilli();
            second.setCurrentSystemTimeMs(now);
            steps.get(0).getPunctuator().punctuate(now);
        }
        assertThat(punctuations).isBetween(2, 10);
        KeyValueStore<String, Member> members = second.getStateStore(StateStores.MEMBERS);
        for (int i = 1; i <= 6; i++) {
            assertThat(members.get(ORG + "/directory_user_" + i).removed()).isTrue();
        }
        assertThat(steps.get(0).cancelled()).as("no sweep left: the punctuator is cancelled").isTrue();
        after.close();
    }

    private static int count(KeyValueStore<String, Sweep> store) {
        int n = 0;
        try (var it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    private static DirectoryStateProcessor processor() {
        return new DirectoryStateProcessor(Duration.ofDays(30), Duration.ofDays(30), Duration.ofHours(1),
                Duration.ofMillis(500), Duration.ZERO, new AtomicLong(), 2, ProcessorMetrics.NONE);
    }

    private static void process(DirectoryStateProcessor processor, EventEnvelope envelope) {
        processor.process(new Record<>(envelope.organizationId(), envelope, envelope.createdAt().toEpochMilli()));
    }
}

package dev.scimsync.processor;

import static dev.scimsync.processor.fixtures.EventBuilder.T0;
import static dev.scimsync.processor.fixtures.GroupEventBuilder.aGroupEvent;
import static dev.scimsync.processor.fixtures.MembershipEventBuilder.aMembershipEvent;
import static dev.scimsync.processor.fixtures.UserEventBuilder.aUserEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.scimsync.core.config.ConfigReader;
import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.core.model.SyncStatus;
import dev.scimsync.core.topic.DeadLetterHeaders;
import dev.scimsync.core.topic.OrganizationPartitioning;
import dev.scimsync.core.topic.Topics;
import dev.scimsync.processor.scenario.DirectoryState;
import dev.scimsync.processor.scenario.EmulatorScenario;
import dev.scimsync.testkit.SharedKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The processor on a real broker: a few thousand emulator events for several organizations, interleaved with
 * re-deliveries that dedup has forgotten, older events held back behind newer ones (also past a dsync.deleted of
 * their directory), and a malformed record, converge
 * to the emulator's snapshot in organization-partitioned state topics and status, exactly once.
 */
@ExtendWith(SharedKafka.class)
class StreamProcessorIT {

    private static final int PARTITIONS = 3;

    @TempDir
    Path stateDir;

    @Test
    void shouldConvergeToTheEmulatorsSnapshot_OnARealBroker() throws Exception {
        String prefix = SharedKafka.uniquePrefix("processor-convergence");
        Topics topics = new Topics(prefix);
        createTopics(topics);

        try (EmulatorScenario scenario = new EmulatorScenario(42, 4)) {
            // one organization's directory is deleted (and a new one connected) amid the others' events
            scenario.seed(200, 20, 3).randomOperations(100).reconnectDirectory(0).randomOperations(50);
            Map<String, List<EventEnvelope>> events = scenario.eventsByOrganization();
            DirectoryState expected = scenario.expected();
            // re-deliveries of older events and originals held back behind newer ones, with a dedup that forgets
            // at once: every re-delivery reaches the version rules
            EmulatorScenario.LateFeed late = EmulatorScenario.interleaveWithLateEvents(events, new Random(42), 0.1,
                    0.1, 20);
            List<EventEnvelope> feed = late.events();
            assertThat(scenario.totalEvents(events)).isGreaterThan(3000);

            String malformedOrg = events.keySet().iterator().next();
            produce(topics, feed.subList(0, feed.size() / 2));
            produceRaw(topics, malformedOrg, "{\"organization_id\":".getBytes(StandardCharsets.UTF_8));
            produce(topics, feed.subList(feed.size() / 2, feed.size()));

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ProcessorConfig config = ProcessorConfig.from(ConfigReader.from(Map.of(
                    "SCIM_SYNC_KAFKA_BOOTSTRAP", SharedKafka.bootstrapServers(),
                    "SCIM_SYNC_TOPIC_PREFIX", prefix,
                    "SCIM_SYNC_PROCESSOR_APPLICATION_ID", prefix + "processor",
                    "SCIM_SYNC_PROCESSOR_STATE_DIR", stateDir.toString(),
                    "SCIM_SYNC_PROCESSOR_DEDUP_RETENTION", "PT0.001S",
                    "SCIM_SYNC_PROCESSOR_REPLICATION_FACTOR", "1")));
            long started = System.nanoTime();
            try (StreamProcessor processor = new StreamProcessor(config, registry);
                 StateTopics state = new StateTopics(topics)) {
                processor.start();

                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    state.poll();
                    DirectoryState actual = state.directoryState();
                    assertThat(actual.members()).isEqualTo(expected.members());
                    assertThat(actual.groups()).isEqualTo(expected.groups());
                    assertThat(actual.memberships()).isEqualTo(expected.memberships());
                    assertThat(state.deadLetters).hasSize(1);
                    assertThat(state.status.keySet()).isEqualTo(events.keySet());
                    state.status.forEach((org, status) -> {
                        String orgPrefix = org + "/";
                        assertThat(status.members()).isEqualTo(
                                expected.members().keySet().stream().filter(k -> k.startsWith(orgPrefix)).count());
                        assertThat(status.groups()).isEqualTo(
                                expected.groups().keySet().stream().filter(k -> k.startsWith(orgPrefix)).count());
                        assertThat(status.memberships()).isEqualTo(
                                expected.memberships().stream().filter(k -> k.startsWith(orgPrefix)).count());
                    });
                });
                // the counter is bumped in memory whether or not the transaction commits: a task retried after a
                // transaction timeout counts its events twice while the committed status does not. A status also
                // moves once per later step of a directory's removal (its counts change, the writer must take it)
                long committedApplied = state.status.values().stream().mapToLong(SyncStatus::appliedEvents).sum();
                var steps = registry.find(MetricNames.SWEEP_STEP).timer();
                assertThat(committedApplied).isPositive().isLessThanOrEqualTo((long) registry
                        .find(MetricNames.EVENTS_APPLIED).counters().stream().mapToDouble(c -> c.count()).sum()
                        + (steps == null ? 0 : steps.count()));
                System.out.printf("%d events (%d fed) converged in %d ms%n", scenario.totalEvents(events), feed.size(),
                        (System.nanoTime() - started) / 1_000_000);

                assertThat(processor.state()).isEqualTo(KafkaStreams.State.RUNNING);
                assertThat(state.misplaced).as("records outside their organization's partition").isEmpty();
                ConsumerRecord<byte[], byte[]> dead = state.deadLetters.get(0);
                assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo(malformedOrg);
                assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.STAGE)).isEqualTo("stream-processor");
                assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.REASON)).startsWith("cannot deserialize");
                assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.SOURCE)).startsWith(topics.events().name());
                assertThat(late.replays()).isPositive();
                assertThat(late.delayed()).isPositive();
                assertThat(late.pastDirectoryDelete()).as("events first seen after their directory's dsync.deleted")
                        .isPositive();
                assertThat(registry.find(MetricNames.EVENTS_STALE).counters().stream().mapToDouble(c -> c.count())
                        .sum()).as("re-deliveries and late events judged by version").isGreaterThan(late.replays() / 2.0);
                // read_committed: at most one status record per organization per commit, each counting every event
                // applied until then, so strictly increasing per organization (what the writer's guard needs)
                state.appliedEventsSeen.forEach((org, counters) -> assertThat(counters).as("appliedEvents of %s", org)
                        .doesNotHaveDuplicates().isSorted().last().isEqualTo(state.status.get(org).appliedEvents()));
                assertThat(state.appliedEventsSeen.values().stream().mapToInt(List::size).sum())
                        .as("status records, fewer than applied events").isLessThan(
                                (int) state.status.values().stream().mapToLong(SyncStatus::appliedEvents).sum());
                assertThat(registry.find(MetricNames.EVENTS_APPLIED).counters().stream()
                        .mapToDouble(c -> c.count()).sum()).isGreaterThan(3000);
                assertThat(registry.getMeters()).anySatisfy(m -> assertThat(m.getId().getName()).startsWith("kafka."));
            }
        }
    }

    /**
     * A processor closed cleanly and started again on the same state directory and application id finds every
     * store's committed offsets. Under exactly-once a store without them (while its task directory is not empty)
     * makes Kafka Streams treat the task as corrupted: it wipes the task's directory and restores every store of the
     * task from its changelog, on every start. The dedup window store had none whenever it held no record: here the
     * task of the partition without organizations (as when the events topic has more partitions than
     * organizations); in production also every task whose dedup changelog the broker had already deleted by time
     * while its other stores kept their state. The ids the first run remembered still catch a re-delivery.
     */
    @Test
    void shouldNeitherWipeNorRestoreAnyTask_WhenRestartedOnItsStateAfterACleanClose() throws Exception {
        String prefix = SharedKafka.uniquePrefix("processor-restart");
        Topics topics = new Topics(prefix);
        createTopics(topics);
        // two organizations on each partition but partition 0, which has none
        List<String> organizations = new ArrayList<>();
        int[] perPartition = new int[PARTITIONS];
        for (int i = 0; organizations.size() < 2 * (PARTITIONS - 1); i++) {
            String org = "org_01RESTART" + i;
            int partition = OrganizationPartitioning.partitionOf(org, PARTITIONS);
            if (partition != 0 && perPartition[partition]++ < 2) {
                organizations.add(org);
            }
        }
        List<EventEnvelope> feed = new ArrayList<>();
        for (String org : organizations) {
            feed.add(aGroupEvent().created().inOrganization(org).forGroup("directory_group_1").at(T0).build());
            for (int u = 1; u <= 10; u++) {
                Instant at = T0.plusSeconds(u);
                feed.add(aUserEvent().created().inOrganization(org).forUser("directory_user_" + u).at(at).build());
                feed.add(aMembershipEvent().added().inOrganization(org).ofUser("directory_user_" + u)
                        .inGroup("directory_group_1").at(at.plusMillis(500)).build());
            }
            feed.add(aUserEvent().deleted().inOrganization(org).forUser("directory_user_1").at(T0.plusSeconds(20))
                    .build());
        }
        long appliedPerOrganization = feed.size() / organizations.size();
        String applicationId = prefix + "processor";
        ProcessorConfig config = ProcessorConfig.from(ConfigReader.from(Map.of(
                "SCIM_SYNC_KAFKA_BOOTSTRAP", SharedKafka.bootstrapServers(),
                "SCIM_SYNC_TOPIC_PREFIX", prefix,
                "SCIM_SYNC_PROCESSOR_APPLICATION_ID", applicationId,
                "SCIM_SYNC_PROCESSOR_STATE_DIR", stateDir.toString(),
                "SCIM_SYNC_PROCESSOR_REPLICATION_FACTOR", "1")));

        try (StateTopics state = new StateTopics(topics)) {
            produce(topics, feed);
            try (StreamProcessor first = new StreamProcessor(config, new SimpleMeterRegistry())) {
                first.start();
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    state.poll();
                    assertThat(state.status.keySet()).containsExactlyInAnyOrderElementsOf(organizations);
                    assertThat(state.status.values()).allSatisfy(
                            s -> assertThat(s.appliedEvents()).isEqualTo(appliedPerOrganization));
                });
            }
            // a wipe deletes the task's directory, and with it this file
            List<Path> markers = new ArrayList<>();
            try (Stream<Path> tasks = Files.list(stateDir.resolve(applicationId))) {
                for (Path task : tasks.filter(d -> d.getFileName().toString().matches("\\d+_\\d+")).toList()) {
                    markers.add(Files.createFile(task.resolve("not-wiped")));
                }
            }
            assertThat(markers).hasSize(PARTITIONS);

            AtomicLong restored = new AtomicLong();
            List<String> restorations = new CopyOnWriteArrayList<>();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (StreamProcessor second = new StreamProcessor(config, registry)) {
                second.setRestoreListener(new StateRestoreListener() {
                    @Override
                    public void onRestoreStart(TopicPartition partition, String store, long startingOffset,
                                               long endingOffset) {
                        restorations.add(partition + " from " + startingOffset + " to " + endingOffset);
                    }

                    @Override
                    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset,
                                                long numRestored) {
                        restored.addAndGet(numRestored);
                    }

                    @Override
                    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
                    }
                });
                second.start();
                // a re-delivery of an event the first run applied, then a new event of the same organization
                String org = organizations.get(0);
                produce(topics, List.of(feed.get(1), aUserEvent().created().inOrganization(org)
                        .forUser("directory_user_new").at(T0.plusSeconds(60)).build()));

                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    state.poll();
                    assertThat(state.members).containsKey(org + "/directory_user_new");
                    assertThat(state.status.get(org).appliedEvents()).isEqualTo(appliedPerOrganization + 1);
                    assertThat(second.state()).isEqualTo(KafkaStreams.State.RUNNING);
                });
                assertThat(markers).as("task directories wiped as corrupted by the restart").allMatch(Files::exists);
                assertThat(restored.get()).as("records restored from changelogs by the restart: %s", restorations)
                        .isZero();
                assertThat(registry.find(MetricNames.EVENTS_DUPLICATE).counters().stream()
                        .mapToDouble(c -> c.count()).sum()).as("the re-delivery, caught by the ids of the first run "
                                + "(an in-memory counter: a retried transaction may count it twice)")
                        .isGreaterThanOrEqualTo(1.0);
            }
        }
    }

    private static void createTopics(Topics topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()))) {
            List<NewTopic> newTopics = new ArrayList<>();
            newTopics.add(new NewTopic(topics.events().name(), PARTITIONS, (short) 1));
            newTopics.add(new NewTopic(topics.dlq().name(), 1, (short) 1));
            for (String compacted : List.of(topics.members().name(), topics.groups().name(),
                    topics.memberships().name(), topics.status().name())) {
                newTopics.add(new NewTopic(compacted, PARTITIONS, (short) 1)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
            }
            admin.createTopics(newTopics).all().get();
            // producing before every partition has a leader can make the idempotent producer lose records
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            for (NewTopic topic : newTopics) {
                for (int p = 0; p < topic.numPartitions(); p++) {
                    partitions.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
                }
            }
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> admin.listOffsets(partitions).all().get().size() == partitions.size());
        }
    }

    private static void produce(Topics topics, List<EventEnvelope> feed) {
        try (KafkaProducer<String, EventEnvelope> producer = new KafkaProducer<>(producerProps(),
                new StringSerializer(), topics.events().valueSerde().serializer())) {
            for (EventEnvelope envelope : feed) {
                producer.send(new ProducerRecord<>(topics.events().name(), envelope.organizationId(), envelope));
            }
            producer.flush();
        }
    }

    private static void produceRaw(Topics topics, String key, byte[] value) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.events().name(), key.getBytes(StandardCharsets.UTF_8), value));
            producer.flush();
        }
    }

    private static Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return props;
    }

    /** Reads the state topics and the DLQ as the state-writer would (read_committed), latest per key. */
    private static final class StateTopics implements AutoCloseable {
        private final Topics topics;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<String, Member> members = new LinkedHashMap<>();
        private final Map<String, Group> groups = new LinkedHashMap<>();
        private final Map<String, Membership> memberships = new LinkedHashMap<>();
        private final List<ConsumerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
        private final List<String> misplaced = new ArrayList<>();
        private final Map<String, SyncStatus> status = new LinkedHashMap<>();
        private final Map<String, List<Long>> appliedEventsSeen = new LinkedHashMap<>();

        StateTopics(Topics topics) {
            this.topics = topics;
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(topics.members().name(), topics.groups().name(), topics.memberships().name(),
                    topics.status().name(), topics.dlq().name()));
        }

        void poll() {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                if (record.topic().equals(topics.dlq().name())) {
                    deadLetters.add(record);
                    continue;
                }
                String key = new String(record.key(), StandardCharsets.UTF_8);
                if (record.partition() != OrganizationPartitioning.partitionOfKey(key, PARTITIONS)) {
                    misplaced.add(record.topic() + "/" + key);
                }
                if (record.topic().equals(topics.status().name())) {
                    SyncStatus s = topics.status().valueSerde().deserializer().deserialize(record.topic(),
                            record.value());
                    status.put(key, s);
                    appliedEventsSeen.computeIfAbsent(key, k -> new ArrayList<>()).add(s.appliedEvents());
                } else if (record.topic().equals(topics.members().name())) {
                    members.put(key, topics.members().valueSerde().deserializer().deserialize(record.topic(), record.value()));
                } else if (record.topic().equals(topics.groups().name())) {
                    groups.put(key, topics.groups().valueSerde().deserializer().deserialize(record.topic(), record.value()));
                } else {
                    memberships.put(key,
                            topics.memberships().valueSerde().deserializer().deserialize(record.topic(), record.value()));
                }
            }
        }

        DirectoryState directoryState() {
            return DirectoryState.fromRecords(members.values(), groups.values(), memberships.values());
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}

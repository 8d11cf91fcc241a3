package dev.scimsync.processor;

import static dev.scimsync.processor.fixtures.GroupEventBuilder.aGroupEvent;
import static dev.scimsync.processor.fixtures.MembershipEventBuilder.aMembershipEvent;
import static dev.scimsync.processor.fixtures.UserEventBuilder.aUserEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scimsync.core.config.ConfigReader;
import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.model.SyncStatus;
import dev.scimsync.core.topic.Topics;
import dev.scimsync.processor.fixtures.RawAttributes;
import dev.scimsync.testkit.SharedKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Not a test of speed (nothing is asserted about it): the processor alone on a real broker, with the shape of the
 * end-to-end benchmark (one organization: users, groups, memberships per user) already on the events topic; logs
 * events/s from {@code start()} until the organization's committed status counts every event, and appends the
 * figure to {@code target/processor-throughput.txt}. Opt-in, since it adds tens of seconds:
 * {@code ./mvnw -pl stream-processor verify -Dscim-sync.bench.processor=true [-Dscim-sync.bench.users=20000]
 * [-Dscim-sync.bench.commit-interval=PT0.1S]} (default: the setting's).
 */
@ExtendWith(SharedKafka.class)
@EnabledIfSystemProperty(named = "scim-sync.bench.processor", matches = "true")
class ProcessorThroughputIT {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorThroughputIT.class);
    private static final String ORG = "org_01BENCH";
    private static final String DIRECTORY = "directory_01BENCH";
    private static final int PARTITIONS = 3;

    @TempDir
    Path stateDir;

    @Test
    void measureEventsPerSecondOfTheProcessorAlone() throws Exception {
        int users = Integer.getInteger("scim-sync.bench.users", 20_000);
        int groups = Integer.getInteger("scim-sync.bench.groups", 200);
        int membershipsPerUser = Integer.getInteger("scim-sync.bench.memberships-per-user", 2);
        String commitInterval = System.getProperty("scim-sync.bench.commit-interval",
                ProcessorSettings.COMMIT_INTERVAL.defaultValue());
        String prefix = SharedKafka.uniquePrefix("processor-throughput");
        Topics topics = new Topics(prefix);
        createTopics(topics);

        List<EventEnvelope> events = directoryEvents(users, groups, membershipsPerUser);
        produce(topics, events);

        ProcessorConfig config = ProcessorConfig.from(ConfigReader.from(Map.of(
                "SCIM_SYNC_KAFKA_BOOTSTRAP", SharedKafka.bootstrapServers(),
                "SCIM_SYNC_TOPIC_PREFIX", prefix,
                "SCIM_SYNC_PROCESSOR_APPLICATION_ID", prefix + "processor",
                "SCIM_SYNC_PROCESSOR_STATE_DIR", stateDir.toString(),
                "SCIM_SYNC_PROCESSOR_COMMIT_INTERVAL", commitInterval,
                "SCIM_SYNC_PROCESSOR_REPLICATION_FACTOR", "1")));
        try (StatusReader status = new StatusReader(topics);
             StreamProcessor processor = new StreamProcessor(config, new SimpleMeterRegistry())) {
            CpuClock cpu = new CpuClock();
            long started = System.nanoTime();
            processor.start();
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(10))
                    .until(() -> processor.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING);
            long running = System.nanoTime();
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> status.poll() > 0);
            long firstStatus = System.nanoTime();
            long firstApplied = status.firstApplied;
            CpuClock.Reading cpuAtFirstStatus = cpu.read();
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> status.poll() >= events.size());
            long ended = System.nanoTime();
            CpuClock.Reading cpuUsed = cpu.read().minus(cpuAtFirstStatus);
            long millis = (ended - started) / 1_000_000;
            long processing = events.size() - firstApplied;
            long processingMillis = Math.max(1, (ended - firstStatus) / 1_000_000);
            LOG.info(String.format(Locale.ROOT, "RUNNING after %d ms, first status after %d ms (%d events applied);"
                            + " then %,d events in %,d ms = %,.0f events/s, CPU per 1,000 events: %.0f ms in the JVM"
                            + " (processor and embedded broker), %.0f ms in the stream thread",
                    (running - started) / 1_000_000, (firstStatus - started) / 1_000_000, firstApplied, processing,
                    processingMillis, processing * 1000.0 / processingMillis,
                    cpuUsed.processNanos() / 1e6 / (processing / 1000.0),
                    cpuUsed.streamThreadNanos() / 1e6 / (processing / 1000.0)));

            SyncStatus last = status.latest;
            assertThat(last.appliedEvents()).isEqualTo(events.size());
            assertThat(last.members()).isEqualTo(users);
            assertThat(last.groups()).isEqualTo(groups);
            assertThat(last.memberships()).isEqualTo((long) users * membershipsPerUser);
            String line = String.format(Locale.ROOT,
                    "processor alone: %,d events (%,d users, %,d groups, %,d memberships) in %,d ms = %,.0f events/s;"
                            + " commit interval %s, %,d status records",
                    events.size(), users, groups, (long) users * membershipsPerUser, millis,
                    events.size() * 1000.0 / millis, commitInterval, status.records);
            LOG.info(line);
            LOG.info("end offsets (records and transaction markers) of the topics written: {}", endOffsets(prefix));
            Path out = Path.of("target", "processor-throughput.txt");
            Files.writeString(out, line + System.lineSeparator(), java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        }
    }

    /** What the end-to-end benchmark seeds: users, groups, then every user added to its groups. */
    private static List<EventEnvelope> directoryEvents(int users, int groups, int membershipsPerUser) {
        List<EventEnvelope> events = new ArrayList<>(users * (1 + membershipsPerUser) + groups);
        Instant at = Instant.parse("2026-03-02T09:00:00Z");
        for (int u = 0; u < users; u++) {
            at = at.plusMillis(1);
            events.add(aUserEvent().created().inOrganization(ORG).inDirectory(DIRECTORY).forUser(user(u))
                    .withEmail(user(u) + "@bench.test").at(at).build());
        }
        for (int g = 0; g < groups; g++) {
            at = at.plusMillis(1);
            events.add(aGroupEvent().created().inOrganization(ORG).inDirectory(DIRECTORY).forGroup(group(g))
                    .named("Group " + g).at(at).build());
        }
        for (int u = 0; u < users; u++) {
            for (int m = 0; m < membershipsPerUser; m++) {
                at = at.plusMillis(1);
                events.add(aMembershipEvent().added().inOrganization(ORG).inDirectory(DIRECTORY)
                        .ofUser(aUserEvent().forUser(user(u)).withEmail(user(u) + "@bench.test"))
                        .inGroup(aGroupEvent().forGroup(group((u + m * 7) % groups)).named("Group"))
                        .at(at).build());
            }
        }
        // as WorkOS sends them: with the IdP's payload on every user and group
        events.replaceAll(RawAttributes::added);
        return events;
    }

    private static String user(int u) {
        return "directory_user_" + u;
    }

    private static String group(int g) {
        return "directory_group_" + g;
    }

    private static void createTopics(Topics topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()))) {
            List<NewTopic> newTopics = new ArrayList<>();
            newTopics.add(new NewTopic(topics.events().name(), PARTITIONS, (short) 1));
            newTopics.add(new NewTopic(topics.dlq().name(), 1, (short) 1));
            for (String compacted : List.of(topics.members().name(), topics.groups().name(),
                    topics.memberships().name(), topics.status().name())) {
                newTopics.add(new NewTopic(compacted, PARTITIONS, (short) 1)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
            }
            admin.createTopics(newTopics).all().get();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin
                    .describeTopics(List.of(topics.events().name())).allTopicNames().get()
                    .get(topics.events().name()).partitions().stream().allMatch(p -> p.leader() != null));
        }
    }

    private static Map<String, Long> endOffsets(String prefix) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()))) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
                    new HashMap<>();
            for (var topic : admin.describeTopics(admin.listTopics().names().get().stream()
                    .filter(name -> name.startsWith(prefix)).toList()).allTopicNames().get().values()) {
                topic.partitions().forEach(p -> latest.put(
                        new org.apache.kafka.common.TopicPartition(topic.name(), p.partition()),
                        org.apache.kafka.clients.admin.OffsetSpec.latest()));
            }
            Map<String, Long> ends = new java.util.TreeMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) ->
                    ends.merge(tp.topic().substring(prefix.length()), info.offset(), Long::sum));
            return ends;
        }
    }

    private static void produce(Topics topics, List<EventEnvelope> events) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<String, EventEnvelope> producer = new KafkaProducer<>(props, new StringSerializer(),
                topics.events().valueSerde().serializer())) {
            for (EventEnvelope envelope : events) {
                producer.send(new ProducerRecord<>(topics.events().name(), envelope.organizationId(), envelope));
            }
            producer.flush();
        }
    }

    /** CPU time of this JVM (processor and embedded broker) and of the stream threads. */
    private static final class CpuClock {
        private final com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory
                .getThreadMXBean();

        record Reading(long processNanos, long streamThreadNanos) {
            Reading minus(Reading earlier) {
                return new Reading(processNanos - earlier.processNanos, streamThreadNanos - earlier.streamThreadNanos);
            }
        }

        Reading read() {
            long stream = 0;
            for (java.lang.management.ThreadInfo info : threads.dumpAllThreads(false, false)) {
                if (info.getThreadName().contains("-StreamThread-")
                        && !info.getThreadName().contains("producer")) {
                    stream += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
                }
            }
            return new Reading(os.getProcessCpuTime(), stream);
        }
    }

    /** The status topic as the state-writer reads it (read_committed); the organization's latest status. */
    private static final class StatusReader implements AutoCloseable {
        private final Topics topics;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private SyncStatus latest;
        private long records;
        private long firstApplied = -1;

        StatusReader(Topics topics) {
            this.topics = topics;
            Map<String, Object> props = new HashMap<>();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(topics.status().name()));
        }

        /** The applied events counted by the latest committed status, after reading what has arrived. */
        long poll() {
            ConsumerRecord<byte[], byte[]> last = null;
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                last = record;
                records++;
            }
            if (last != null) {
                latest = topics.status().valueSerde().deserializer().deserialize(last.topic(), last.value());
                firstApplied = firstApplied < 0 ? latest.appliedEvents() : firstApplied;
            }
            return latest == null ? 0 : latest.appliedEvents();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}

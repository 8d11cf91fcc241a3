package dev.scimsync.e2e.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.core.config.ConfigReader;
import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.core.topic.DeadLetterHeaders;
import dev.scimsync.core.topic.Topics;
import dev.scimsync.e2e.TestPipeline;
import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorAdminClient;
import dev.scimsync.emulator.EmulatorOptions;
import dev.scimsync.emulator.WorkosEmulator;
import dev.scimsync.emulator.model.DirectorySnapshot;
import dev.scimsync.runtime.ScimSyncRuntime;
import dev.scimsync.runtime.Stage;
import dev.scimsync.testkit.SharedKafka;
import dev.scimsync.testkit.SharedPostgres;

/**
 * The whole pipeline against a WorkOS that serves {@link HostileCorpus}: every hostile answer is retried without
 * moving the cursor, every hostile event is dead-lettered with its reason (or applied where the policy says so),
 * the good events around them are applied, the process stays up, and the database ends equal to the directory.
 */
@ExtendWith({SharedKafka.class, SharedPostgres.class})
class HostileWorkosIT {

    @TempDir
    Path dataDir;

    private WorkosEmulator emulator;
    private HostileWorkos workos;
    private ScimSyncRuntime runtime;

    @AfterEach
    void tearDown() {
        if (runtime != null) {
            runtime.close();
        }
        if (workos != null) {
            workos.close();
        }
        emulator.close();
    }

    @Test
    void shouldApplyTheGoodEventsAndDeadLetterEachHostileOne_WhileWorkosServesTheCorpus(TestInfo test)
            throws Exception {
        emulator = WorkosEmulator.start(EmulatorOptions.defaults());
        EmulatorAdminClient idp = new EmulatorAdminClient(emulator.baseUrl());
        String org = idp.createOrganization("Acme");
        CreatedDirectory acme = idp.createDirectory(org, "Acme directory");
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            users.add(idp.scimCreateUser(acme.id(), acme.scimToken(), "user" + i + "@acme.test", "User", "Number" + i,
                    true));
        }
        List<String> groups = new ArrayList<>();
        for (int g = 0; g < 3; g++) {
            groups.add(idp.scimCreateGroup(acme.id(), acme.scimToken(), "Team " + g, users.subList(g * 5, g * 5 + 5)));
        }
        List<ObjectNode> real = emulator.events().renderAll();
        ObjectNode template = real.stream().filter(e -> e.get("event").asText().equals("dsync.user.created"))
                .findFirst().orElseThrow();
        List<HostileCorpus.Event> corpus = HostileCorpus.events(template, real.get(0));
        int pageLimit = 100;
        workos = new HostileWorkos(emulator.baseUrl(), HostileCorpus.answersFirst(),
                corpus.stream().map(HostileCorpus.Event::json).toList(),
                HostileCorpus.answersLater(real.get(0), pageLimit));
        String prefix = SharedKafka.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        String schema = SharedPostgres.newSchema();

        runtime = ScimSyncRuntime.start(ConfigReader.from(environment(prefix, schema)), EnumSet.allOf(Stage.class));
        // later IdP changes, read in pages after the hostile ones
        await().atMost(Duration.ofSeconds(60)).until(workos::allServed);
        idp.scimRenameGroup(acme.id(), acme.scimToken(), groups.get(1), "Platform");
        idp.scimPatchUserActive(acme.id(), acme.scimToken(), users.get(3), false);
        idp.scimDeleteUser(acme.id(), acme.scimToken(), users.get(7));
        idp.scimPatchGroupMembers(acme.id(), acme.scimToken(), groups.get(0), users.subList(15, 18), users.subList(0, 2));

        // the database equals the directory, plus the member whose invalid UTF-8 name was decoded with U+FFFD
        DirectorySnapshot snapshot = idp.snapshot(acme.id());
        Set<List<String>> expectedMembers = new HashSet<>();
        snapshot.users().forEach(u -> expectedMembers.add(List.of(u.id(), u.firstName(), u.lastName(), u.state())));
        expectedMembers.add(List.of(HostileCorpus.INVALID_UTF8_USER, HostileCorpus.INVALID_UTF8_NAME,
                template.get("data").get("last_name").asText(), template.get("data").get("state").asText()));
        Set<List<String>> expectedMemberships = new HashSet<>();
        snapshot.memberships().forEach(m -> expectedMemberships.add(List.of(m.groupId(), m.userId())));
        Set<List<String>> expectedGroups = new HashSet<>();
        snapshot.groups().forEach(g -> expectedGroups.add(List.of(g.id(), g.name())));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(rows(schema, "SELECT directory_user_id, first_name, last_name, state FROM members "
                    + "WHERE removed_at IS NULL")).isEqualTo(expectedMembers);
            assertThat(rows(schema, "SELECT directory_group_id, name FROM groups WHERE removed_at IS NULL"))
                    .isEqualTo(expectedGroups);
            assertThat(rows(schema, "SELECT directory_group_id, directory_user_id FROM group_memberships"))
                    .isEqualTo(expectedMemberships);
        });

        // each hostile event is in the DLQ of the stage that must refuse it, with its reason
        Topics topics = new Topics(prefix);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<ConsumerRecord<byte[], byte[]>> deadLetters = read(topics.dlq().name());
            for (HostileCorpus.Event event : corpus) {
                List<ConsumerRecord<byte[], byte[]>> found = deadLetters.stream().filter(r -> event.eventId() == null
                        ? header(r, DeadLetterHeaders.REASON).contains(event.reason())
                        : event.eventId().equals(header(r, DeadLetterHeaders.EVENT_ID))).toList();
                if (event.expected() == HostileCorpus.Stage.APPLIED) {
                    assertThat(found).as(event.name()).isEmpty();
                } else {
                    assertThat(found).as(event.name()).singleElement().satisfies(r -> {
                        assertThat(header(r, DeadLetterHeaders.STAGE)).as(event.name())
                                .isEqualTo(event.expected().name().toLowerCase().replace('_', '-'));
                        assertThat(header(r, DeadLetterHeaders.REASON)).as(event.name()).contains(event.reason());
                    });
                }
            }
        });
        // no event published twice (the duplicate id, the page served again and again)
        List<String> published = read(topics.events().name()).stream()
                .map(r -> topics.events().valueSerde().deserializer().deserialize("", r.value()))
                .map(EventEnvelope::eventId).toList();
        assertThat(published).doesNotHaveDuplicates();
        // and the process stayed up and says what happened
        assertThat(runtime.failure()).isNull();
        assertThat(counter(MetricNames.STALLED_PAGES)).isGreaterThanOrEqualTo(1);
        assertThat(workosErrors("malformed")).isGreaterThanOrEqualTo(4);
        assertThat(workosErrors("502")).isGreaterThanOrEqualTo(1);
        assertThat(workosErrors("transport")).as("the answer slower than the request timeout").isGreaterThanOrEqualTo(1);
        HttpResponse<String> live = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(runtime.adminServer().url() + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(live.statusCode()).isEqualTo(200);
    }

    private Map<String, String> environment(String prefix, String schema) {
        Map<String, String> env = new HashMap<>(TestPipeline.environment(prefix, schema, emulator.apiKey(),
                workos.baseUrl(), dataDir));
        env.put("SCIM_SYNC_POLLER_REQUEST_TIMEOUT", "PT2S");
        env.put("SCIM_SYNC_POLLER_MAX_BACKOFF", "PT1S");
        return env;
    }

    private double counter(String name) {
        return runtime.registry().find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private double workosErrors(String status) {
        var counter = runtime.registry().find(MetricNames.WORKOS_ERRORS).tag(MetricNames.TAG_STATUS, status).counter();
        return counter == null ? 0 : counter.count();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        String value = DeadLetterHeaders.get(record.headers(), name);
        return value == null ? "" : value;
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "hostile-reader-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 2 * 1024 * 1024),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            // to the end offsets: stopping at an empty poll could miss records and pass a no-duplicates check
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static Set<List<String>> rows(String schema, String sql) throws Exception {
        return TestPipeline.rows(schema, sql);
    }
}

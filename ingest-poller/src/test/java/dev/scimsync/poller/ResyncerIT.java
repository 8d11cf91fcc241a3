package dev.scimsync.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.event.EventSource;
import dev.scimsync.core.event.EventTypes;
import dev.scimsync.core.event.ResyncScope;
import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.core.topic.TopicProvisioner;
import dev.scimsync.core.topic.Topics;
import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorAdminClient;
import dev.scimsync.emulator.EmulatorOptions;
import dev.scimsync.emulator.WorkosEmulator;
import dev.scimsync.emulator.model.DirectorySnapshot;
import dev.scimsync.poller.directory.DirectoryScanner;
import dev.scimsync.poller.directory.SdkDirectoryApi;
import dev.scimsync.poller.resync.ResyncInProgressException;
import dev.scimsync.poller.resync.ResyncPublisher;
import dev.scimsync.poller.resync.ResyncRequest;
import dev.scimsync.poller.resync.Resyncer;
import dev.scimsync.poller.workos.WorkosClients;
import dev.scimsync.poller.workos.WorkosRetry;
import dev.scimsync.testkit.SharedKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** A resync on a real broker: the scan of the emulator lands on the events topic in one transaction. */
@ExtendWith(SharedKafka.class)
class ResyncerIT {

    private WorkosEmulator emulator;
    private EmulatorAdminClient admin;
    private Topics topics;
    private Resyncer resyncer;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void setUp(TestInfo test) {
        emulator = WorkosEmulator.start(EmulatorOptions.defaults());
        admin = new EmulatorAdminClient(emulator.baseUrl());
        String prefix = SharedKafka.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        topics = new Topics(prefix);
        try (Admin kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()))) {
            new TopicProvisioner(kafka, topics, 3, (short) 1, -1).ensureAll(Duration.ofSeconds(30));
        }
        DirectoryScanner scanner = new DirectoryScanner(new SdkDirectoryApi(WorkosClients.create(emulator.apiKey(),
                URI.create(emulator.baseUrl()), Duration.ofSeconds(10))), new WorkosRetry(Duration.ofMillis(200),
                Duration.ofSeconds(2), new PollerMetrics(new SimpleMeterRegistry(), Clock.systemUTC())), 4);
        resyncer = new Resyncer(scanner, () -> new ResyncPublisher(SharedKafka.bootstrapServers(), topics,
                prefix + "resync"), Clock.systemUTC(), registry);
    }

    @AfterEach
    void tearDown() {
        resyncer.close();
        emulator.close();
    }

    @Test
    void shouldPublishTheSnapshotBetweenBeginAndEnd_InTheOrganizationsPartition() {
        String org = admin.createOrganization("Acme");
        CreatedDirectory directory = admin.createDirectory(org, "Okta");
        admin.seed(directory.id(), 250, 6, 2, false);
        DirectorySnapshot snapshot = admin.snapshot(directory.id());

        Resyncer.Progress queued = resyncer.start(new ResyncRequest(org, ResyncScope.BOTH, false, false, 20, 500));
        assertThatThrownBy(() -> resyncer.start(new ResyncRequest(org, ResyncScope.MEMBERS, true, false, 20, 500)))
                .isInstanceOf(ResyncInProgressException.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> resyncer.inFlight(org).orElseThrow().phase().equals("published"));

        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readCommitted(SharedKafka.bootstrapServers(),
                topics.events().name());
        List<EventEnvelope> envelopes = records.stream().map(ResyncerIT::envelope).toList();
        int items = snapshot.users().size() + snapshot.groups().size() + snapshot.memberships().size();
        assertThat(envelopes).hasSize(items + 2);
        assertThat(records).extracting(ConsumerRecord::partition).containsOnly(records.get(0).partition());
        assertThat(records).allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(org));
        assertThat(envelopes.get(0).eventType()).isEqualTo(EventTypes.RESYNC_BEGIN);
        assertThat(envelopes.get(0).data().path("scope").asText()).isEqualTo("both");
        assertThat(envelopes.get(0).data().path("max_removal_percent").asInt()).isEqualTo(20);
        assertThat(envelopes.get(envelopes.size() - 1).eventType()).isEqualTo(EventTypes.RESYNC_END);
        assertThat(envelopes.get(envelopes.size() - 1).data().path("users").asInt()).isEqualTo(snapshot.users().size());
        assertThat(envelopes).allSatisfy(e -> {
            assertThat(e.source()).isEqualTo(EventSource.RESYNC);
            assertThat(e.resyncId()).isEqualTo(queued.resyncId());
        });
        assertThat(envelopes).extracting(EventEnvelope::eventId).doesNotHaveDuplicates();
        assertThat(registry.counter(MetricNames.RESYNC_RUNS, MetricNames.TAG_RESULT, "published").count()).isEqualTo(1.0);

        Set<String> users = new HashSet<>();
        Set<String> memberships = new HashSet<>();
        for (EventEnvelope e : envelopes) {
            if (e.eventType().equals(EventTypes.RESYNC_USER)) {
                users.add(e.data().path("id").asText());
                assertThat(e.data().has("groups")).isFalse();
            } else if (e.eventType().equals(EventTypes.RESYNC_MEMBERSHIP)) {
                memberships.add(e.data().at("/group/id").asText() + "/" + e.data().at("/user/id").asText());
            }
        }
        assertThat(users).isEqualTo(new HashSet<>(snapshot.users().stream().map(DirectorySnapshot.User::id).toList()));
        assertThat(memberships).isEqualTo(new HashSet<>(snapshot.memberships().stream()
                .map(m -> m.groupId() + "/" + m.userId()).toList()));
    }

    @Test
    void shouldReportAFailedScan_AndAbortTheResyncItBegan() {
        String org = admin.createOrganization("Locked out");
        admin.createDirectory(org, "Okta");
        resyncer.close();
        DirectoryScanner wrongKey = new DirectoryScanner(new SdkDirectoryApi(WorkosClients.create("sk_test_wrong",
                URI.create(emulator.baseUrl()), Duration.ofSeconds(10))), new WorkosRetry(Duration.ofMillis(200),
                Duration.ofSeconds(2), new PollerMetrics(new SimpleMeterRegistry(), Clock.systemUTC())), 4);
        resyncer = new Resyncer(wrongKey, () -> new ResyncPublisher(SharedKafka.bootstrapServers(), topics,
                topics.prefix() + "resync"), Clock.systemUTC(), registry);

        resyncer.start(new ResyncRequest(org, ResyncScope.BOTH, false, false, 20, 500));

        await().atMost(Duration.ofSeconds(30)).until(() -> resyncer.inFlight(org).orElseThrow().phase().equals("failed"));
        assertThat(resyncer.inFlight(org).orElseThrow().error()).contains("WORKOS_API_KEY").doesNotContain("sk_test_wrong");
        // the begin marker went out before the scan; the aborted end marker tells the processor to forget it
        List<EventEnvelope> published = TopicReader.readCommitted(SharedKafka.bootstrapServers(), topics.events().name())
                .stream().map(ResyncerIT::envelope).toList();
        assertThat(published).extracting(EventEnvelope::eventType)
                .containsExactly(EventTypes.RESYNC_BEGIN, EventTypes.RESYNC_END);
        assertThat(published.get(1).data().path("aborted").asBoolean()).isTrue();
        assertThat(published.get(1).data().path("reason").asText()).contains("WORKOS_API_KEY");
        assertThat(registry.counter(MetricNames.RESYNC_RUNS, MetricNames.TAG_RESULT, "failed").count()).isEqualTo(1.0);
    }

    private static EventEnvelope envelope(ConsumerRecord<byte[], byte[]> record) {
        return Topics.defaults().events().valueSerde().deserializer().deserialize("", record.value());
    }
}

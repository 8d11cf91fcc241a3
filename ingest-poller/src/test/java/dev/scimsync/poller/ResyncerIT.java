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
import java.util.concurrent.atomic.AtomicInteger;

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
import dev.scimsync.poller.directory.DirectoryApi;
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

/** A resync on a real broker: the scan of the emulator lands on the events topic in chunks, one transaction each. */
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

    @Test
    void shouldPublishTheSnapshotInChunks_EachItsOwnTransaction_TheLastWithTheEndMarker() {
        String org = admin.createOrganization("Chunked");
        CreatedDirectory directory = admin.createDirectory(org, "Okta");
        admin.seed(directory.id(), 250, 6, 2, false);
        DirectorySnapshot snapshot = admin.snapshot(directory.id());
        resyncer.close();
        resyncer = new Resyncer(scanner(directoryApi(), 100), () -> new ResyncPublisher(SharedKafka.bootstrapServers(),
                topics, topics.prefix() + "resync"), Clock.systemUTC(), registry, 100);

        resyncer.start(new ResyncRequest(org, ResyncScope.BOTH, false, false, 20, 500));
        await().atMost(Duration.ofSeconds(60)).until(() -> resyncer.inFlight(org).orElseThrow().phase().equals("published"));

        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readCommitted(SharedKafka.bootstrapServers(),
                topics.events().name());
        List<EventEnvelope> envelopes = records.stream().map(ResyncerIT::envelope).toList();
        int items = snapshot.users().size() + snapshot.groups().size() + snapshot.memberships().size();
        assertThat(envelopes).hasSize(items + 2);
        assertThat(resyncer.inFlight(org).orElseThrow().records()).as("the markers counted").isEqualTo(items + 2);
        assertThat(envelopes).extracting(EventEnvelope::eventId).doesNotHaveDuplicates();
        // each committed transaction leaves a marker at the offset after its last record: a gap in the offsets
        int transactions = 0;
        for (int i = 1; i < records.size(); i++) {
            if (records.get(i).offset() > records.get(i - 1).offset() + 1) {
                transactions++;
            }
        }
        // a page of 100 users brings 300 items: more than a chunk of 100, so each page is a transaction of its own
        assertThat(transactions).as("the begin marker's and the chunks' transactions before the last")
                .isGreaterThanOrEqualTo(1 + 3);
        EventEnvelope end = envelopes.get(envelopes.size() - 1);
        assertThat(end.eventType()).isEqualTo(EventTypes.RESYNC_END);
        assertThat(end.data().path("users").asInt() + end.data().path("groups").asInt()
                + end.data().path("memberships").asInt()).isEqualTo(items);

        Set<String> memberships = new HashSet<>();
        for (EventEnvelope e : envelopes) {
            if (e.eventType().equals(EventTypes.RESYNC_MEMBERSHIP)) {
                memberships.add(e.data().at("/group/id").asText() + "/" + e.data().at("/user/id").asText());
            }
        }
        assertThat(memberships).isEqualTo(new HashSet<>(snapshot.memberships().stream()
                .map(m -> m.groupId() + "/" + m.userId()).toList()));
    }

    @Test
    void shouldPublishNoEndMarker_ButAnAbortedOne_WhenTheScanFailsBetweenChunks() {
        String org = admin.createOrganization("Half scanned");
        CreatedDirectory directory = admin.createDirectory(org, "Okta");
        admin.seed(directory.id(), 250, 6, 2, false);
        DirectoryApi real = directoryApi();
        AtomicInteger userPages = new AtomicInteger();
        DirectoryApi failingOnThirdUserPage = new DirectoryApi() {
            @Override
            public ListPage directories(String organizationId, String after, int limit) {
                return real.directories(organizationId, after, limit);
            }

            @Override
            public ListPage users(String directoryId, String after, int limit) {
                if (userPages.incrementAndGet() == 3) {
                    throw new IllegalStateException("connection to WorkOS lost");
                }
                return real.users(directoryId, after, limit);
            }

            @Override
            public ListPage groups(String directoryId, String after, int limit) {
                return real.groups(directoryId, after, limit);
            }
        };
        resyncer.close();
        resyncer = new Resyncer(scanner(failingOnThirdUserPage, 100), () -> new ResyncPublisher(
                SharedKafka.bootstrapServers(), topics, topics.prefix() + "resync"), Clock.systemUTC(), registry, 100);

        resyncer.start(new ResyncRequest(org, ResyncScope.BOTH, false, false, 20, 500));
        await().atMost(Duration.ofSeconds(30)).until(() -> resyncer.inFlight(org).orElseThrow().phase().equals("failed"));

        List<EventEnvelope> published = TopicReader.readCommitted(SharedKafka.bootstrapServers(), topics.events().name())
                .stream().map(ResyncerIT::envelope).toList();
        // the chunks of the first two pages went out; the only end marker is the aborted one
        assertThat(published.get(0).eventType()).isEqualTo(EventTypes.RESYNC_BEGIN);
        assertThat(published).filteredOn(e -> e.eventType().equals(EventTypes.RESYNC_USER)).hasSize(200);
        List<EventEnvelope> ends = published.stream().filter(e -> e.eventType().equals(EventTypes.RESYNC_END)).toList();
        assertThat(ends).hasSize(1);
        assertThat(ends.get(0)).isEqualTo(published.get(published.size() - 1));
        assertThat(ends.get(0).data().path("aborted").asBoolean()).isTrue();
        assertThat(ends.get(0).data().path("reason").asText()).contains("connection to WorkOS lost");
        assertThat(registry.counter(MetricNames.RESYNC_RUNS, MetricNames.TAG_RESULT, "failed").count()).isEqualTo(1.0);
    }

    private DirectoryApi directoryApi() {
        return new SdkDirectoryApi(WorkosClients.create(emulator.apiKey(), URI.create(emulator.baseUrl()),
                Duration.ofSeconds(10)));
    }

    private static DirectoryScanner scanner(DirectoryApi api, double userRequestsPerSecond) {
        return new DirectoryScanner(api, new WorkosRetry(Duration.ofMillis(200), Duration.ofSeconds(2),
                new PollerMetrics(new SimpleMeterRegistry(), Clock.systemUTC())), userRequestsPerSecond);
    }

    private static EventEnvelope envelope(ConsumerRecord<byte[], byte[]> record) {
        return Topics.defaults().events().valueSerde().deserializer().deserialize("", record.value());
    }
}

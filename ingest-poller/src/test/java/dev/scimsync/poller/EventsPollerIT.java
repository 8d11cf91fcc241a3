package dev.scimsync.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.core.topic.DeadLetterHeaders;
import dev.scimsync.core.topic.TopicProvisioner;
import dev.scimsync.core.topic.Topics;
import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorAdminClient;
import dev.scimsync.emulator.EmulatorOptions;
import dev.scimsync.emulator.WorkosEmulator;
import dev.scimsync.poller.ScriptedWorkosProxy.Answer;
import dev.scimsync.poller.workos.SdkEventsApi;
import dev.scimsync.poller.workos.WorkosClients;
import dev.scimsync.testkit.SharedKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

@ExtendWith(SharedKafka.class)
class EventsPollerIT {

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private WorkosEmulator emulator;
    private EmulatorAdminClient admin;
    private Topics topics;
    private String transactionalId;

    @BeforeEach
    void setUp(TestInfo test) {
        emulator = WorkosEmulator.start(EmulatorOptions.defaults());
        admin = new EmulatorAdminClient(emulator.baseUrl());
        String prefix = SharedKafka.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        topics = new Topics(prefix);
        transactionalId = prefix + "poller";
        try (Admin kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()))) {
            new TopicProvisioner(kafka, topics, 3, (short) 1, -1).ensureAll(Duration.ofSeconds(30));
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        emulator.close();
    }

    @Test
    void shouldPublishScimChangesInOrderPerOrganization_KeyedByOrganization() {
        CreatedDirectory acme = directory("Acme");
        CreatedDirectory globex = directory("Globex");
        List<String> acmeUsers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            acmeUsers.add(user(acme, "a" + i));
            user(globex, "g" + i);
        }
        String group = admin.scimCreateGroup(acme.id(), acme.scimToken(), "Engineering", acmeUsers.subList(0, 5));
        admin.scimRenameGroup(acme.id(), acme.scimToken(), group, "R&D");
        admin.scimPatchUserActive(acme.id(), acme.scimToken(), acmeUsers.get(7), false);

        EventsPoller poller = poller(emulator.baseUrl(), emulator.apiKey(), new SimpleMeterRegistry());

        List<JsonNode> expected = workosEvents();
        List<EventEnvelope> published = awaitPublished(expected.size());
        assertThat(ids(published)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(idsOfJson(expected));
        assertThat(byOrganization(published)).isEqualTo(expectedByOrganization(expected));
        assertThat(published).allSatisfy(e -> assertThat(e.source().wire()).isEqualTo("events_api"));
        List<ConsumerRecord<byte[], byte[]>> raw = TopicReader.readCommitted(SharedKafka.bootstrapServers(),
                topics.events().name());
        assertThat(raw).allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8))
                .isEqualTo(envelope(r).organizationId()));
        await().atMost(Duration.ofSeconds(10)).until(() -> poller.cursor() != null
                && expected.get(expected.size() - 1).get("id").asText().equals(poller.cursor().after()));
    }

    @Test
    void shouldHoldEachEventExactlyOnce_WhenAPollerDiesMidPageAndAnotherResumes() throws Exception {
        CreatedDirectory acme = directory("Acme");
        admin.seed(acme.id(), 60, 4, 1, true);
        int total = workosEvents().size();

        SimpleMeterRegistry firstMetrics = new SimpleMeterRegistry();
        EventsPoller first = poller(emulator.baseUrl(), emulator.apiKey(), firstMetrics, 10);
        await().atMost(Duration.ofSeconds(30)).until(() -> published(firstMetrics) >= 30);
        first.close();

        // a zombie with the same transactional id dies half-way through a page: its records are written
        // but never committed (as after kill -9)
        KafkaProducer<byte[], byte[]> zombie = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId),
                new ByteArraySerializer(), new ByteArraySerializer());
        toClose.add(() -> zombie.close(Duration.ZERO));
        zombie.initTransactions();
        zombie.beginTransaction();
        List<EventEnvelope> already = readEvents();
        for (EventEnvelope again : already.subList(0, 5)) {
            zombie.send(new ProducerRecord<>(topics.events().name(), again.organizationId().getBytes(StandardCharsets.UTF_8),
                    topics.events().valueSerde().serializer().serialize("", again)));
        }
        // …and an uncommitted cursor that claims everything is done: a reader past the open transaction would skip
        String lastWorkosEvent = workosEvents().get(total - 1).get("id").asText();
        zombie.send(new ProducerRecord<>(topics.cursor().name(), 0, "events_api".getBytes(StandardCharsets.UTF_8),
                ("{\"after\":\"" + lastWorkosEvent + "\"}").getBytes(StandardCharsets.UTF_8)));
        zombie.flush();

        poller(emulator.baseUrl(), emulator.apiKey(), new SimpleMeterRegistry(), 10);

        List<EventEnvelope> published = awaitPublished(total);
        assertThat(ids(published)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(idsOfJson(workosEvents()));
        assertThat(byOrganization(published)).isEqualTo(expectedByOrganization(workosEvents()));
    }

    @Test
    void shouldLetOnlyOneInstancePublish_AndFailOverWhenTheLeaderStops() {
        CreatedDirectory acme = directory("Acme");
        SimpleMeterRegistry firstMetrics = new SimpleMeterRegistry();
        SimpleMeterRegistry secondMetrics = new SimpleMeterRegistry();
        EventsPoller first = poller(emulator.baseUrl(), emulator.apiKey(), firstMetrics);
        await().atMost(Duration.ofSeconds(30)).until(() -> first.state() == EventsPoller.State.POLLING);
        EventsPoller second = poller(emulator.baseUrl(), emulator.apiKey(), secondMetrics);

        for (int i = 0; i < 10; i++) {
            user(acme, "before" + i);
        }
        int firstBatch = workosEvents().size();
        awaitPublished(firstBatch);
        assertThat(second.state()).isEqualTo(EventsPoller.State.STANDBY);
        assertThat(published(firstMetrics)).isEqualTo(firstBatch);
        assertThat(published(secondMetrics)).isZero();

        first.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> second.state() == EventsPoller.State.POLLING);
        for (int i = 0; i < 10; i++) {
            user(acme, "after" + i);
        }
        int total = workosEvents().size();
        List<EventEnvelope> published = awaitPublished(total);
        assertThat(ids(published)).doesNotHaveDuplicates().hasSize(total);
        assertThat(published(secondMetrics)).isEqualTo(total - firstBatch);
    }

    @Test
    void shouldRideOutRateLimitsServerErrorsAndMalformedPages_WithoutLosingOrDoublingEvents() throws Exception {
        CreatedDirectory acme = directory("Acme");
        for (int i = 0; i < 15; i++) {
            user(acme, "u" + i);
        }
        ScriptedWorkosProxy proxy = new ScriptedWorkosProxy(emulator.baseUrl());
        toClose.add(proxy);
        proxy.thenAnswer(
                new Answer(429, Map.of("Retry-After", "1", "Content-Type", "application/json"),
                        "{\"message\":\"Too many requests\"}"),
                Answer.json(503, "{\"message\":\"unavailable\"}"),
                Answer.json(502, "{\"message\":\"bad gateway\"}"),
                Answer.json(500, "{\"message\":\"boom\"}"),
                Answer.json(500, "{\"message\":\"boom\"}"),
                Answer.json(200, "<html>not json</html>"),
                Answer.json(200, "{\"object\":\"list\"}"));
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();

        poller(proxy.baseUrl(), emulator.apiKey(), metrics);

        List<EventEnvelope> published = awaitPublished(workosEvents().size());
        assertThat(ids(published)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(idsOfJson(workosEvents()));
        assertThat(proxy.scriptDone()).isTrue();
        assertThat(errors(metrics, "429")).isEqualTo(1);
        assertThat(errors(metrics, "500") + errors(metrics, "502") + errors(metrics, "503")).isEqualTo(4);
        assertThat(errors(metrics, "malformed")).isEqualTo(2);
        assertThat(metrics.counter(MetricNames.RATE_LIMIT_WAITS).count()).isEqualTo(1);
    }

    @Test
    void shouldPublishThePagesAlreadyRead_WhenAPageInTheMiddleOfATransactionFails() throws Exception {
        CreatedDirectory acme = directory("Acme");
        for (int i = 0; i < 30; i++) {
            user(acme, "u" + i);
        }
        ScriptedWorkosProxy proxy = new ScriptedWorkosProxy(emulator.baseUrl());
        toClose.add(proxy);
        // pages 1 and 2 of the first transaction pass, page 3 fails twice, then everything passes
        proxy.thenAnswer(Answer.FORWARD, Answer.FORWARD, Answer.json(503, "{\"message\":\"unavailable\"}"),
                Answer.json(503, "{\"message\":\"unavailable\"}"));
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();

        poller(proxy.baseUrl(), emulator.apiKey(), metrics, 5);

        List<EventEnvelope> published = awaitPublished(workosEvents().size());
        assertThat(ids(published)).doesNotHaveDuplicates().containsExactlyElementsOf(idsOfJson(workosEvents()));
        assertThat(proxy.scriptDone()).isTrue();
        // the first transaction held the two pages read before the failure
        assertThat(metrics.timer(MetricNames.PUBLISH_LATENCY).count()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldStopWithoutPublishingOrMovingTheCursor_WhenTheApiKeyIsRefused() {
        user(directory("Acme"), "u1");

        EventsPoller poller = poller(emulator.baseUrl(), "sk_test_wrong_key_123", new SimpleMeterRegistry());

        await().atMost(Duration.ofSeconds(30)).until(() -> poller.state() == EventsPoller.State.FAILED);
        assertThat(poller.failure()).hasMessageContaining("WORKOS_API_KEY").hasMessageContaining("401")
                .hasMessageNotContaining("sk_test_wrong_key_123");
        assertThat(readEvents()).isEmpty();
        // only the starting point is stored, never an event position
        assertThat(TopicReader.readCommitted(SharedKafka.bootstrapServers(), topics.cursor().name()))
                .allSatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8)).doesNotContain("\"after\""));
    }

    @Test
    void shouldSendUnkeyableAndMalformedEventsToTheDlq_AndKeepGoing() throws Exception {
        CreatedDirectory acme = directory("Acme");
        for (int i = 0; i < 5; i++) {
            user(acme, "u" + i);
        }
        List<JsonNode> real = workosEvents();
        ObjectNode orphan = (ObjectNode) real.get(1).deepCopy();
        orphan.put("id", "event_00ORPHAN");
        ObjectNode orphanData = (ObjectNode) orphan.get("data");
        orphanData.remove("organization_id");
        orphanData.put("directory_id", "directory_unknown_to_workos");
        ObjectNode noDate = (ObjectNode) real.get(2).deepCopy();
        noDate.put("id", "event_00NODATE");
        noDate.remove("created_at");
        String page = "{\"object\":\"list\",\"data\":[" + orphan + "," + noDate + "," + real.get(0)
                + "],\"list_metadata\":{\"after\":null,\"before\":null}}";
        ScriptedWorkosProxy proxy = new ScriptedWorkosProxy(emulator.baseUrl());
        toClose.add(proxy);
        proxy.thenAnswer(Answer.json(200, page));

        poller(proxy.baseUrl(), emulator.apiKey(), new SimpleMeterRegistry());

        List<EventEnvelope> published = awaitPublished(real.size());
        assertThat(ids(published)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(idsOfJson(real));
        await().atMost(Duration.ofSeconds(10)).until(
                () -> TopicReader.readCommitted(SharedKafka.bootstrapServers(), topics.dlq().name()).size() == 2);
        Map<String, String> reasons = new LinkedHashMap<>();
        for (var record : TopicReader.readCommitted(SharedKafka.bootstrapServers(), topics.dlq().name())) {
            reasons.put(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.EVENT_ID),
                    DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REASON));
            assertThat(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.STAGE)).isEqualTo("ingest-poller");
        }
        assertThat(reasons).containsEntry("event_00NODATE", "malformed event: no created_at");
        assertThat(reasons.get("event_00ORPHAN")).startsWith("no organization");
    }

    @Test
    void shouldDeadLetterAnEventTooLargeForKafka_Truncated_AndPublishTheEventsAroundIt() throws Exception {
        CreatedDirectory acme = directory("Acme");
        for (int i = 0; i < 4; i++) {
            user(acme, "u" + i);
        }
        List<JsonNode> real = workosEvents();
        ObjectNode huge = (ObjectNode) real.get(1).deepCopy();
        huge.put("id", "event_00HUGE");
        ((ObjectNode) huge.get("data")).putObject("custom_attributes").put("blob", "x".repeat(1_200_000));
        String page = "{\"object\":\"list\",\"data\":[" + real.get(0) + "," + huge + "," + real.get(1)
                + "],\"list_metadata\":{\"after\":null,\"before\":null}}";
        ScriptedWorkosProxy proxy = new ScriptedWorkosProxy(emulator.baseUrl());
        toClose.add(proxy);
        proxy.thenAnswer(Answer.json(200, page));
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();

        poller(proxy.baseUrl(), emulator.apiKey(), metrics);

        List<EventEnvelope> published = awaitPublished(real.size());
        assertThat(ids(published)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(idsOfJson(real));
        await().atMost(Duration.ofSeconds(10)).until(
                () -> TopicReader.readCommitted(SharedKafka.bootstrapServers(), topics.dlq().name()).size() == 1);
        var dead = TopicReader.readCommitted(SharedKafka.bootstrapServers(), topics.dlq().name()).get(0);
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.EVENT_ID)).isEqualTo("event_00HUGE");
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.REASON))
                .startsWith("event too large to publish").contains("limit 1000000");
        assertThat(dead.value().length).isLessThan(100_000);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).contains("event_00HUGE");
        assertThat(metrics.find(MetricNames.PUBLISH_FAILURES).counters()).isEmpty();
    }

    @Test
    void shouldDeadLetterResyncMarkersAndUnknownTypesServedByTheEventsApi() throws Exception {
        CreatedDirectory acme = directory("Acme");
        user(acme, "u0");
        List<JsonNode> real = workosEvents();
        ObjectNode forged = (ObjectNode) real.get(0).deepCopy();
        forged.put("id", "event_00FORGED").put("event", "scim_sync.resync.begin");
        ((ObjectNode) forged.get("data")).put("force", true).put("scope", "both");
        ObjectNode unknown = (ObjectNode) real.get(0).deepCopy();
        unknown.put("id", "event_00UNKNOWN").put("event", "dsync.user.teleported");
        String page = "{\"object\":\"list\",\"data\":[" + forged + "," + unknown + "," + real.get(0)
                + "],\"list_metadata\":{\"after\":null,\"before\":null}}";
        ScriptedWorkosProxy proxy = new ScriptedWorkosProxy(emulator.baseUrl());
        toClose.add(proxy);
        proxy.thenAnswer(Answer.json(200, page));

        poller(proxy.baseUrl(), emulator.apiKey(), new SimpleMeterRegistry());

        List<EventEnvelope> published = awaitPublished(real.size());
        assertThat(published).extracting(EventEnvelope::eventType).doesNotContain("scim_sync.resync.begin",
                "dsync.user.teleported");
        await().atMost(Duration.ofSeconds(10)).until(
                () -> TopicReader.readCommitted(SharedKafka.bootstrapServers(), topics.dlq().name()).size() == 2);
        assertThat(TopicReader.readCommitted(SharedKafka.bootstrapServers(), topics.dlq().name()))
                .allSatisfy(r -> assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON))
                        .isEqualTo(EventKeyer.UNKNOWN_TYPE));
    }

    @Test
    void shouldBackOffAndNeverRepublish_WhenWorkosServesTheSameFullPageWhateverTheCursor() throws Exception {
        CreatedDirectory acme = directory("Acme");
        for (int i = 0; i < 10; i++) {
            user(acme, "u" + i);
        }
        List<JsonNode> real = workosEvents();
        String page = "{\"object\":\"list\",\"data\":[" + String.join(",", real.stream().limit(10)
                .map(JsonNode::toString).toList()) + "],\"list_metadata\":{\"after\":null,\"before\":null}}";
        ScriptedWorkosProxy proxy = new ScriptedWorkosProxy(emulator.baseUrl());
        toClose.add(proxy);
        proxy.thenAlwaysAnswer(Answer.json(200, page));
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();

        EventsPoller poller = poller(proxy.baseUrl(), emulator.apiKey(), metrics, 10, Duration.ofSeconds(30));

        // backing off 1 s, 2 s, 4 s…: the third stalled round starts about 3 s after the first
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.counter(MetricNames.STALLED_PAGES).count() >= 3);
        int requests = proxy.eventsRequests();
        Thread.sleep(3_000); // observing the absence of a hot loop takes a while by nature
        assertThat(proxy.eventsRequests() - requests).as("requests in 3 s while stalled").isLessThanOrEqualTo(3);
        assertThat(ids(readEvents())).doesNotHaveDuplicates().hasSize(10);
        assertThat(metrics.counter(MetricNames.EVENTS_REDELIVERED).count()).isGreaterThanOrEqualTo(20);
        assertThat(poller.sinceProgress()).isGreaterThan(Duration.ofSeconds(2));
        assertThat(poller.state()).isEqualTo(EventsPoller.State.POLLING);
    }

    @Test
    void shouldPollAfterHalfTheInterval_WhileNewEventsArrive_AndAfterTheWholeIntervalWhenQuiet() throws Exception {
        CreatedDirectory acme = directory("Acme");
        user(acme, "first");
        ScriptedWorkosProxy proxy = new ScriptedWorkosProxy(emulator.baseUrl());
        toClose.add(proxy);
        Duration interval = Duration.ofMillis(1_600);
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        poller(proxy.baseUrl(), emulator.apiKey(), metrics, 100, Duration.ofMillis(200), interval);
        await().atMost(Duration.ofSeconds(30)).until(() -> published(metrics) >= 1);

        // quiet: nothing new, each poll the whole interval after the last one
        int quietFrom = proxy.eventsRequests();
        await().atMost(Duration.ofSeconds(30)).until(() -> proxy.eventsRequests() >= quietFrom + 4);
        List<Long> quiet = gaps(proxy.eventsRequestTimes().subList(quietFrom, quietFrom + 4));

        // live: a change every 100 ms, so every poll from the second on publishes something
        int liveFrom = proxy.eventsRequests();
        for (int i = 0; proxy.eventsRequests() < liveFrom + 6; i++) {
            user(acme, "live" + i);
            Thread.sleep(100);
        }
        List<Long> live = gaps(proxy.eventsRequestTimes().subList(liveFrom + 2, liveFrom + 6));

        assertThat(quiet).as("ms between polls of a quiet directory").allSatisfy(gap -> assertThat(gap)
                .isGreaterThanOrEqualTo(interval.toMillis() - 50));
        // half the interval (800 ms) plus the round's own time (a request and a Kafka transaction)
        assertThat(live).as("ms between polls while events flow").allSatisfy(gap -> assertThat(gap)
                .isBetween(interval.toMillis() / 2 - 50, interval.toMillis() - 100));
    }

    private static List<Long> gaps(List<Long> nanoTimes) {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < nanoTimes.size(); i++) {
            gaps.add((nanoTimes.get(i) - nanoTimes.get(i - 1)) / 1_000_000);
        }
        return gaps;
    }

    @Test
    void shouldCountLogAndBackOff_WhenPublishingKeepsFailing_AndResumeWithoutLossOnceItPasses() throws Exception {
        CreatedDirectory acme = directory("Acme");
        for (int i = 0; i < 5; i++) {
            user(acme, "u" + i);
        }
        // the broker refuses every event record (as a topic's max.message.bytes set too low by an operator would)
        setEventsTopicConfig("max.message.bytes", "200");
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();

        EventsPoller poller = poller(emulator.baseUrl(), emulator.apiKey(), metrics, 100, Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(60)).until(() -> publishFailures(metrics) >= 3);
        assertThat(metrics.find(MetricNames.PUBLISH_FAILURES).tag(MetricNames.TAG_CAUSE, "record_too_large").counter())
                .isNotNull();
        assertThat(poller.sinceProgress()).isGreaterThan(Duration.ofSeconds(2));
        assertThat(readEvents()).isEmpty();

        setEventsTopicConfig("max.message.bytes", "1048588");
        List<EventEnvelope> published = awaitPublished(workosEvents().size());
        assertThat(ids(published)).doesNotHaveDuplicates().containsExactlyElementsOf(idsOfJson(workosEvents()));
        await().atMost(Duration.ofSeconds(10)).until(() -> poller.sinceProgress().compareTo(Duration.ofSeconds(5)) < 0);
    }

    private void setEventsTopicConfig(String name, String value) throws Exception {
        try (Admin kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()))) {
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topics.events().name());
            kafka.incrementalAlterConfigs(Map.of(resource, List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                    new org.apache.kafka.clients.admin.ConfigEntry(name, value),
                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)))).all().get();
        }
    }

    private static double publishFailures(SimpleMeterRegistry registry) {
        return registry.find(MetricNames.PUBLISH_FAILURES).counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    // --- helpers

    private CreatedDirectory directory(String name) {
        String org = admin.createOrganization(name);
        return admin.createDirectory(org, name + " directory");
    }

    private String user(CreatedDirectory directory, String handle) {
        return admin.scimCreateUser(directory.id(), directory.scimToken(), handle + "@example.test", "First",
                "Last " + handle, true);
    }

    private EventsPoller poller(String baseUrl, String apiKey, SimpleMeterRegistry registry) {
        return poller(baseUrl, apiKey, registry, 100);
    }

    private EventsPoller poller(String baseUrl, String apiKey, SimpleMeterRegistry registry, int pageLimit) {
        return poller(baseUrl, apiKey, registry, pageLimit, Duration.ofMillis(200));
    }

    private EventsPoller poller(String baseUrl, String apiKey, SimpleMeterRegistry registry, int pageLimit,
                                Duration maxBackoff) {
        return poller(baseUrl, apiKey, registry, pageLimit, maxBackoff, Duration.ofMillis(100));
    }

    private EventsPoller poller(String baseUrl, String apiKey, SimpleMeterRegistry registry, int pageLimit,
                                Duration maxBackoff, Duration pollInterval) {
        PollerConfig config = PollerConfig.defaults(SharedKafka.bootstrapServers(), topics, apiKey, URI.create(baseUrl))
                .withPollInterval(pollInterval)
                .withTransactionalId(transactionalId)
                .withPageLimit(pageLimit)
                .withBackoff(maxBackoff, Duration.ofSeconds(2));
        EventsPoller poller = new EventsPoller(config,
                new SdkEventsApi(WorkosClients.create(apiKey, URI.create(baseUrl), Duration.ofSeconds(10))),
                new PollerMetrics(registry, Clock.systemUTC()), Clock.systemUTC()).start();
        toClose.add(poller);
        return poller;
    }

    private List<JsonNode> workosEvents() {
        return new ArrayList<>(emulator.events().renderAll());
    }

    private List<EventEnvelope> readEvents() {
        return TopicReader.readCommitted(SharedKafka.bootstrapServers(), topics.events().name()).stream()
                .map(EventsPollerIT::envelope).toList();
    }

    private List<EventEnvelope> awaitPublished(int count) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> readEvents().size() >= count);
        // and it stays there: a duplicate published late would show up within this second
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> readEvents().size() == count);
        return readEvents();
    }

    private static EventEnvelope envelope(ConsumerRecord<byte[], byte[]> record) {
        return Topics.defaults().events().valueSerde().deserializer().deserialize("", record.value());
    }

    private static List<String> ids(List<EventEnvelope> events) {
        return events.stream().map(EventEnvelope::eventId).toList();
    }

    private static List<String> idsOfJson(List<JsonNode> events) {
        return events.stream().map(e -> e.get("id").asText()).toList();
    }

    private static Map<String, List<String>> byOrganization(List<EventEnvelope> events) {
        Map<String, List<String>> byOrg = new LinkedHashMap<>();
        events.forEach(e -> byOrg.computeIfAbsent(e.organizationId(), k -> new ArrayList<>()).add(e.eventId()));
        return byOrg;
    }

    private static Map<String, List<String>> expectedByOrganization(List<JsonNode> events) {
        Map<String, List<String>> byOrg = new LinkedHashMap<>();
        for (JsonNode e : events) {
            JsonNode data = e.get("data");
            String org = data.hasNonNull("organization_id") ? data.get("organization_id").asText()
                    : data.path("user").path("organization_id").asText();
            byOrg.computeIfAbsent(org, k -> new ArrayList<>()).add(e.get("id").asText());
        }
        return byOrg;
    }

    private static double published(SimpleMeterRegistry registry) {
        return PollerMetrics.publishedTotal(registry);
    }

    private static double errors(SimpleMeterRegistry registry, String status) {
        var counter = registry.find(MetricNames.WORKOS_ERRORS).tag(MetricNames.TAG_STATUS, status).counter();
        return counter == null ? 0 : counter.count();
    }
}

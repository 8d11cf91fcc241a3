package dev.scimsync.poller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.serde.Json;
import dev.scimsync.poller.workos.EventsApi;
import dev.scimsync.poller.workos.EventsPage;
import dev.scimsync.poller.workos.WorkosRetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class EventKeyerTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    private final FakeDirectories directories = new FakeDirectories(Map.of("directory_known", "org_from_lookup"));
    private final EventKeyer keyer = new EventKeyer(directories, new WorkosRetry(Duration.ofMillis(10),
            Duration.ofMillis(10), new PollerMetrics(new SimpleMeterRegistry(), java.time.Clock.systemUTC())));

    @Test
    void shouldKeyUserEventsByTheirOrganization() throws Exception {
        var keyed = keyer.key(event("event_1", "dsync.user.created",
                "{\"id\":\"directory_user_1\",\"organization_id\":\"org_a\",\"directory_id\":\"directory_x\"}"), NOW);

        assertThat(keyed.deadLetter()).isNull();
        assertThat(keyed.envelope().organizationId()).isEqualTo("org_a");
        assertThat(keyed.envelope().eventId()).isEqualTo("event_1");
        assertThat(keyed.envelope().createdAt()).isEqualTo(Instant.parse("2026-11-29T11:59:59Z"));
        assertThat(keyed.envelope().ingestedAt()).isEqualTo(NOW);
        assertThat(directories.lookups).isEmpty();
    }

    @Test
    void shouldKeyMembershipEventsByTheOrganizationInsideUserOrGroup() throws Exception {
        var keyed = keyer.key(event("event_2", "dsync.group.user_added",
                "{\"directory_id\":\"directory_x\",\"user\":{\"id\":\"u\",\"organization_id\":\"org_b\"},"
                        + "\"group\":{\"id\":\"g\"}}"), NOW);

        assertThat(keyed.envelope().organizationId()).isEqualTo("org_b");
    }

    @Test
    void shouldResolveTheOrganizationFromTheDirectoryOnce_WhenTheEventNamesNone() throws Exception {
        for (int i = 0; i < 3; i++) {
            var keyed = keyer.key(event("event_" + i, "dsync.group.created",
                    "{\"id\":\"directory_group_1\",\"directory_id\":\"directory_known\"}"), NOW);
            assertThat(keyed.envelope().organizationId()).isEqualTo("org_from_lookup");
        }
        assertThat(directories.lookups).containsExactly("directory_known");
    }

    @Test
    void shouldUseTheDirectoryItself_ForDirectoryEvents() throws Exception {
        var keyed = keyer.key(event("event_3", "dsync.activated", "{\"id\":\"directory_known\",\"object\":\"directory\"}"),
                NOW);

        assertThat(keyed.envelope().organizationId()).isEqualTo("org_from_lookup");
    }

    @Test
    void shouldDeadLetterWithAReason_WhenNoOrganizationCanBeFound() throws Exception {
        var keyed = keyer.key(event("event_4", "dsync.user.updated",
                "{\"id\":\"directory_user_1\",\"directory_id\":\"directory_gone\"}"), NOW);

        assertThat(keyed.envelope()).isNull();
        assertThat(keyed.deadLetter().eventId()).isEqualTo("event_4");
        assertThat(keyed.deadLetter().reason()).startsWith("no organization");
        assertThat(keyed.deadLetter().rawJson()).contains("directory_gone");
    }

    @Test
    void shouldDeadLetterMalformedEvents() throws Exception {
        assertThat(keyer.key(Json.MAPPER.readTree("{\"event\":\"dsync.user.created\",\"data\":{}}"), NOW)
                .deadLetter().reason()).isEqualTo("malformed event: no id");
        assertThat(keyer.key(Json.MAPPER.readTree(
                "{\"id\":\"event_5\",\"event\":\"dsync.user.created\",\"created_at\":\"yesterday\",\"data\":{}}"), NOW)
                .deadLetter().reason()).isEqualTo("malformed event: created_at is not an ISO-8601 instant");
        assertThat(keyer.key(Json.MAPPER.readTree(
                "{\"id\":\"event_6\",\"event\":\"dsync.user.created\",\"created_at\":\"2026-11-29T11:59:59Z\",\"data\":[]}"),
                NOW).deadLetter().reason()).isEqualTo("malformed event: data is not an object");
    }

    @Test
    void shouldCarryTheOrganizationsName_LookedUpOnce_AndNeverHoldUpTheSyncWhenTheLookupFails() throws Exception {
        directories.names.put("org_a", "Acme Corp");
        String user = "{\"id\":\"directory_user_1\",\"organization_id\":\"org_a\"}";

        assertThat(keyer.key(event("event_1", "dsync.user.created", user), NOW).envelope().organizationName())
                .isEqualTo("Acme Corp");
        assertThat(keyer.key(event("event_2", "dsync.user.updated", user), NOW).envelope().organizationName())
                .isEqualTo("Acme Corp");
        assertThat(directories.nameLookups).containsExactly("org_a");

        directories.failNames = true;
        String other = "{\"id\":\"directory_user_2\",\"organization_id\":\"org_b\"}";
        var keyed = keyer.key(event("event_3", "dsync.user.created", other), NOW);
        assertThat(keyed.deadLetter()).isNull();
        assertThat(keyed.envelope().organizationName()).isNull();
        // not asked again right away, but after the retry interval
        keyer.key(event("event_4", "dsync.user.updated", other), NOW.plusSeconds(1));
        assertThat(directories.nameLookups).containsExactly("org_a", "org_b");
        directories.failNames = false;
        directories.names.put("org_b", "Globex");
        assertThat(keyer.key(event("event_5", "dsync.user.updated", other), NOW.plus(EventKeyer.NAME_RETRY).plusSeconds(1))
                .envelope().organizationName()).isEqualTo("Globex");

        // renamed in WorkOS (no event says so): seen within the refresh interval
        directories.names.put("org_a", "Acme Corporation");
        assertThat(keyer.key(event("event_6", "dsync.user.updated", user), NOW.plus(EventKeyer.NAME_REFRESH).plusSeconds(1))
                .envelope().organizationName()).isEqualTo("Acme Corporation");
    }

    private static JsonNode event(String id, String type, String data) throws Exception {
        return Json.MAPPER.readTree("{\"object\":\"event\",\"id\":\"" + id + "\",\"event\":\"" + type
                + "\",\"created_at\":\"2026-11-29T11:59:59.000Z\",\"data\":" + data + "}");
    }

    private static final class FakeDirectories implements EventsApi {
        private final Map<String, String> organizations;
        private final List<String> lookups = new ArrayList<>();
        private final Map<String, String> names = new java.util.HashMap<>();
        private final List<String> nameLookups = new ArrayList<>();
        private boolean failNames;

        FakeDirectories(Map<String, String> organizations) {
            this.organizations = organizations;
        }

        @Override
        public EventsPage list(String after, Instant rangeStart, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String organizationOfDirectory(String directoryId) {
            lookups.add(directoryId);
            return organizations.get(directoryId);
        }

        @Override
        public String organizationName(String organizationId) {
            nameLookups.add(organizationId);
            if (failNames) {
                throw new IllegalStateException("WorkOS answered HTTP 500");
            }
            return names.get(organizationId);
        }
    }
}

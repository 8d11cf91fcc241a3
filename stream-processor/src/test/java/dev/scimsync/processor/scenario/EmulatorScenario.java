package dev.scimsync.processor.scenario;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.event.EventSource;
import dev.scimsync.core.event.EventTypes;
import dev.scimsync.core.model.EntityKeys;
import dev.scimsync.core.serde.Json;
import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorAdminClient;
import dev.scimsync.emulator.EmulatorOptions;
import dev.scimsync.emulator.WorkosEmulator;
import dev.scimsync.emulator.model.DirectorySnapshot;

/**
 * Random SCIM operations applied to the project's WorkOS emulator, as an IdP would send them, over a few
 * organizations; the events the emulator emits (read from {@code GET /events} like the poller does, wrapped in
 * envelopes) and the emulator's own final snapshot are what the processor is checked against.
 */
public final class EmulatorScenario implements AutoCloseable {

    private final WorkosEmulator emulator;
    private final EmulatorAdminClient admin;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Random random;
    private final List<Org> orgs = new ArrayList<>();

    /** One organization with its live directory and the ids the IdP knows in it. */
    private static final class Org {
        final String id;
        CreatedDirectory directory;
        final List<String> activeUsers = new ArrayList<>();
        final List<String> inactiveUsers = new ArrayList<>();
        final Map<String, List<String>> groups = new LinkedHashMap<>();

        Org(String id) {
            this.id = id;
        }
    }

    public EmulatorScenario(long seed, int organizations) {
        this.random = new Random(seed);
        // SCIM active=false keeps the user as inactive, so deactivation and deletion are both exercised
        this.emulator = WorkosEmulator.start(EmulatorOptions.defaults().withRateLimits(false).withDeactivateDeletes(false));
        this.admin = new EmulatorAdminClient(emulator.baseUrl());
        for (int i = 0; i < organizations; i++) {
            Org org = new Org(admin.createOrganization("Org " + seed + "-" + i));
            org.directory = admin.createDirectory(org.id, "Okta " + i);
            orgs.add(org);
        }
    }

    /** Seeds every organization's directory with WorkOS's seeding (events included): bulk volume for the IT. */
    public EmulatorScenario seed(int users, int groups, int membershipsPerUser) {
        for (Org org : orgs) {
            admin.seed(org.directory.id(), users, groups, membershipsPerUser, true);
            DirectorySnapshot snapshot = admin.snapshot(org.directory.id());
            snapshot.users().forEach(u -> ("active".equals(u.state()) ? org.activeUsers : org.inactiveUsers).add(u.id()));
            snapshot.groups().forEach(g -> org.groups.put(g.id(), new ArrayList<>()));
            snapshot.memberships().forEach(s -> org.groups.get(s.groupId()).add(s.userId()));
        }
        return this;
    }

    public EmulatorScenario randomOperations(int count) {
        for (int i = 0; i < count; i++) {
            operate(orgs.get(random.nextInt(orgs.size())));
        }
        return this;
    }

    private void operate(Org org) {
        String dir = org.directory.id();
        String token = org.directory.scimToken();
        int roll = random.nextInt(100);
        if (roll < 20 || org.activeUsers.isEmpty()) {
            String name = "u" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
            org.activeUsers.add(admin.scimCreateUser(dir, token, name + "@example.test", "Given" + random.nextInt(9),
                    "Family" + random.nextInt(9), true));
        } else if (roll < 32) {
            String user = pick(org.activeUsers);
            admin.scimReplaceUser(dir, token, user, userName(dir, user), "Renamed" + random.nextInt(99),
                    "Family" + random.nextInt(9), true);
        } else if (roll < 38) {
            String user = pick(org.activeUsers);
            admin.scimPatchUserActive(dir, token, user, false);
            org.activeUsers.remove(user);
            org.inactiveUsers.add(user);
        } else if (roll < 41 && !org.inactiveUsers.isEmpty()) {
            String user = pick(org.inactiveUsers);
            admin.scimPatchUserActive(dir, token, user, true);
            org.inactiveUsers.remove(user);
            org.activeUsers.add(user);
        } else if (roll < 47) {
            List<String> pool = random.nextBoolean() || org.inactiveUsers.isEmpty() ? org.activeUsers : org.inactiveUsers;
            String user = pick(pool);
            admin.scimDeleteUser(dir, token, user);
            pool.remove(user);
            org.groups.values().forEach(members -> members.remove(user));
        } else if (roll < 57 || org.groups.isEmpty()) {
            List<String> members = new ArrayList<>();
            for (String user : org.activeUsers) {
                if (random.nextInt(3) == 0) {
                    members.add(user);
                }
            }
            org.groups.put(admin.scimCreateGroup(dir, token, "Group " + random.nextInt(1000), members), members);
        } else if (roll < 63) {
            admin.scimRenameGroup(dir, token, pick(List.copyOf(org.groups.keySet())), "Renamed " + random.nextInt(1000));
        } else if (roll < 67) {
            String group = pick(List.copyOf(org.groups.keySet()));
            admin.scimDeleteGroup(dir, token, group);
            org.groups.remove(group);
        } else if (roll < 99) {
            String group = pick(List.copyOf(org.groups.keySet()));
            List<String> members = org.groups.get(group);
            List<String> add = new ArrayList<>();
            List<String> remove = new ArrayList<>();
            List<String> everyone = new ArrayList<>(org.activeUsers);
            everyone.addAll(org.inactiveUsers);
            for (int n = 1 + random.nextInt(3); n > 0; n--) {
                String user = pick(everyone);
                if (members.contains(user)) {
                    if (!remove.contains(user)) {
                        remove.add(user);
                    }
                } else if (!add.contains(user)) {
                    add.add(user);
                }
            }
            admin.scimPatchGroupMembers(dir, token, group, add, remove);
            members.addAll(add);
            members.removeAll(remove);
        } else {
            reconnect(org);
        }
    }

    /** Disconnects the directory of one organization and connects a new one (as {@link #randomOperations} may). */
    public EmulatorScenario reconnectDirectory(int organization) {
        reconnect(orgs.get(organization));
        return this;
    }

    /** The directory is disconnected: WorkOS sends only dsync.deleted; the org connects a new one. */
    private void reconnect(Org org) {
        admin.deleteDirectory(org.directory.id());
        org.directory = admin.createDirectory(org.id, "Okta again");
        org.activeUsers.clear();
        org.inactiveUsers.clear();
        org.groups.clear();
    }

    private String userName(String dir, String user) {
        return admin.snapshot(dir).users().stream().filter(u -> u.id().equals(user)).findFirst()
                .map(DirectorySnapshot.User::email).orElseThrow();
    }

    private String pick(List<String> list) {
        return list.get(random.nextInt(list.size()));
    }

    /** Each organization's events in WorkOS order, as the poller would publish them. */
    public Map<String, List<EventEnvelope>> eventsByOrganization() {
        Map<String, List<EventEnvelope>> events = new LinkedHashMap<>();
        for (Org org : orgs) {
            events.put(org.id, events(org.id));
        }
        return events;
    }

    private List<EventEnvelope> events(String organizationId) {
        List<EventEnvelope> envelopes = new ArrayList<>();
        String after = null;
        while (true) {
            String url = emulator.baseUrl() + "/events?order=asc&limit=100&organization_id=" + organizationId
                    + "&events=" + URLEncoder.encode(String.join(",", EventTypes.DIRECTORY_SYNC), StandardCharsets.UTF_8)
                    + (after == null ? "" : "&after=" + after);
            JsonNode page = get(url);
            JsonNode data = page.path("data");
            for (JsonNode event : data) {
                envelopes.add(new EventEnvelope(organizationId, event.get("id").asText(), event.get("event").asText(),
                        Instant.parse(event.get("created_at").asText()), EventSource.EVENTS_API, null, Instant.now(),
                        event));
            }
            if (data.size() < 100) {
                return envelopes;
            }
            after = data.get(data.size() - 1).get("id").asText();
        }
    }

    private JsonNode get(String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + emulator.apiKey()).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + url + " → " + response.statusCode() + " " + response.body());
            }
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The emulator's final snapshot of every live directory, keyed like the state topics. */
    public DirectoryState expected() {
        DirectoryState state = DirectoryState.empty();
        for (Org org : orgs) {
            DirectorySnapshot snapshot = admin.snapshot(org.directory.id());
            snapshot.users().forEach(u -> state.members().put(EntityKeys.member(org.id, u.id()),
                    DirectoryState.member(u.email(), u.state(), u.firstName(), u.lastName())));
            snapshot.groups().forEach(g -> state.groups().put(EntityKeys.group(org.id, g.id()), g.name()));
            snapshot.memberships().forEach(s -> state.memberships().add(
                    EntityKeys.membership(org.id, s.groupId(), s.userId())));
        }
        return state;
    }

    /**
     * One feed of every organization's events: a random interleaving that keeps each organization's order, with
     * random re-deliveries of events already fed.
     */
    public static List<EventEnvelope> interleaveWithDuplicates(Map<String, List<EventEnvelope>> byOrganization,
                                                               Random random, double duplicateRate) {
        List<EventEnvelope> feed = new ArrayList<>();
        List<List<EventEnvelope>> queues = new ArrayList<>();
        byOrganization.values().forEach(q -> queues.add(new ArrayList<>(q)));
        int[] next = new int[queues.size()];
        int remaining = queues.stream().mapToInt(List::size).sum();
        while (remaining > 0) {
            int pick = random.nextInt(remaining);
            int q = 0;
            while (pick >= queues.get(q).size() - next[q]) {
                pick -= queues.get(q).size() - next[q];
                q++;
            }
            feed.add(queues.get(q).get(next[q]++));
            remaining--;
            if (random.nextDouble() < duplicateRate) {
                feed.add(feed.get(random.nextInt(feed.size())));
            }
        }
        return feed;
    }

    /**
     * One feed of every organization's events that reaches the version rules: each organization's events with some
     * held back and released after up to {@code maxDelay} later events of that organization (late, older updates,
     * also past a {@code dsync.deleted} of their directory), and after some events a re-delivery of an earlier event
     * of the organization (same id, payload and {@code created_at}, so it bypasses a dedup store that has forgotten
     * the id); the organizations interleaved at random. With {@code delayRate} 0 every original event keeps its
     * WorkOS order.
     */
    public static LateFeed interleaveWithLateEvents(Map<String, List<EventEnvelope>> byOrganization, Random random,
                                                    double replayRate, double delayRate, int maxDelay) {
        Map<String, List<EventEnvelope>> late = new LinkedHashMap<>();
        int replays = 0;
        int delayed = 0;
        int pastDirectoryDelete = 0;
        for (Map.Entry<String, List<EventEnvelope>> org : byOrganization.entrySet()) {
            List<EventEnvelope> events = org.getValue();
            List<EventEnvelope> fed = new ArrayList<>();
            List<Integer> held = new ArrayList<>();
            List<Integer> releaseAfter = new ArrayList<>();
            int lastDeleteFed = -1;
            for (int index = 0; index < events.size(); index++) {
                EventEnvelope event = events.get(index);
                if (random.nextDouble() < delayRate) {
                    held.add(index);
                    releaseAfter.add(1 + random.nextInt(maxDelay));
                    delayed++;
                    continue;
                }
                fed.add(event);
                if (EventTypes.DIRECTORY_DELETED.equals(event.eventType())) {
                    lastDeleteFed = Math.max(lastDeleteFed, index);
                }
                for (int i = held.size() - 1; i >= 0; i--) {
                    int left = releaseAfter.get(i) - 1;
                    if (left == 0) {
                        int released = held.remove(i);
                        fed.add(events.get(released));
                        pastDirectoryDelete += released < lastDeleteFed ? 1 : 0;
                        if (EventTypes.DIRECTORY_DELETED.equals(events.get(released).eventType())) {
                            lastDeleteFed = Math.max(lastDeleteFed, released);
                        }
                        releaseAfter.remove(i);
                    } else {
                        releaseAfter.set(i, left);
                    }
                }
                if (fed.size() > 1 && random.nextDouble() < replayRate) {
                    fed.add(fed.get(random.nextInt(fed.size() - 1)));
                    replays++;
                }
            }
            for (int released : held) {
                fed.add(events.get(released));
                pastDirectoryDelete += released < lastDeleteFed ? 1 : 0;
                if (EventTypes.DIRECTORY_DELETED.equals(events.get(released).eventType())) {
                    lastDeleteFed = Math.max(lastDeleteFed, released);
                }
            }
            late.put(org.getKey(), fed);
        }
        return new LateFeed(interleaveWithDuplicates(late, random, 0), replays, delayed, pastDirectoryDelete);
    }

    /**
     * A feed with how many re-deliveries of older events and how many held-back originals it holds, and how many
     * of those originals come after a {@code dsync.deleted} of their organization that is newer than them.
     */
    public record LateFeed(List<EventEnvelope> events, int replays, int delayed, int pastDirectoryDelete) {
    }

    public int totalEvents(Map<String, List<EventEnvelope>> byOrganization) {
        return byOrganization.values().stream().mapToInt(List::size).sum();
    }

    @Override
    public void close() {
        emulator.close();
    }
}

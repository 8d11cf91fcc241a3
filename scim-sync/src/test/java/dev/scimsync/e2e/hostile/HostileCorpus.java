package dev.scimsync.e2e.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.core.serde.Json;

/**
 * Hostile answers of the WorkOS Events API, each with what scim-sync must make of it. Built from real events of
 * the emulator (so they name a real organization, directory and users) and changed the way a broken or malicious
 * upstream could change them. Two kinds: whole answers to one {@code GET /events} (an HTML error page, truncated
 * JSON, a timeout…), which are retried and must not advance the cursor, and single events inside an otherwise good
 * page, which must be dead-lettered (or, where the policy says so, applied) without holding up the events around
 * them.
 */
final class HostileCorpus {

    /** Where a hostile event must end up. */
    enum Stage { INGEST_POLLER, STREAM_PROCESSOR, APPLIED }

    /** One hostile event: its bytes as served, and the expected outcome (the DLQ reason holds {@code reason}). */
    record Event(String name, String eventId, byte[] json, Stage expected, String reason) {
    }

    /** One whole hostile answer to {@code GET /events}. */
    record Answer(String name, int status, String contentType, byte[] body, Duration delay) {
        static Answer json(String name, int status, String body) {
            return new Answer(name, status, "application/json", body.getBytes(StandardCharsets.UTF_8), Duration.ZERO);
        }

        static Answer html(String name, int status) {
            return new Answer(name, status, "text/html", ("<html><head><title>" + status + "</title></head><body>"
                    + "<h1>Bad gateway</h1><p>upstream error</p></body></html>").getBytes(StandardCharsets.UTF_8),
                    Duration.ZERO);
        }

        Answer delayed(Duration by) {
            return new Answer(name, status, contentType, body, by);
        }
    }

    /** The name scim-sync must give a member whose name WorkOS served as invalid UTF-8 (decoded with U+FFFD). */
    static final String INVALID_UTF8_NAME = "Bad\uFFFD(x";
    static final String INVALID_UTF8_USER = "directory_user_00INVALIDUTF8";
    static final String EMPTY_PAGE = "{\"object\":\"list\",\"data\":[],\"list_metadata\":{\"before\":null,\"after\":null}}";

    private HostileCorpus() {
    }

    /** Whole answers served before any good page: each is retried, none may move the cursor or stop the poller. */
    static List<Answer> answersFirst() {
        StringBuilder deep = new StringBuilder("{\"object\":\"list\",\"data\":[");
        deep.append("[".repeat(1_500)).append("]".repeat(1_500)).append("],\"list_metadata\":{}}");
        return List.of(
                Answer.html("html-200", 200),
                Answer.html("html-502", 502),
                Answer.json("truncated-json", 200, "{\"object\":\"list\",\"data\":[{\"id\":\"event_01HX"),
                Answer.json("data-not-an-array", 200, "{\"object\":\"list\",\"data\":\"events\",\"list_metadata\":{}}"),
                Answer.json("nesting-beyond-the-parser", 200, deep.toString()),
                Answer.json("slow-past-the-timeout", 200, EMPTY_PAGE).delayed(Duration.ofSeconds(4)),
                Answer.json("slow-within-the-timeout", 200, EMPTY_PAGE).delayed(Duration.ofMillis(800)));
    }

    /**
     * Hostile events, inserted into a good page. {@code userCreated} and {@code userUpdated}-shaped copies are made
     * of {@code template}, a real {@code dsync.user.created} event of the directory under test.
     */
    static List<Event> events(ObjectNode template, JsonNode duplicate) {
        List<Event> events = new ArrayList<>();
        events.add(dlq("nul-byte", userUpdate(template, "event_00HOSTILE01", "first_name", "Nul\u0000One"),
                Stage.STREAM_PROCESSOR, "holds a NUL character"));
        events.add(new Event("unpaired-surrogate", "event_00HOSTILE02", Json.MAPPER.valueToTree(
                userUpdate(template, "event_00HOSTILE02", "first_name", "SURROGATE")).toString()
                .replace("\"SURROGATE\"", "\"half \\ud800 of a pair\"").getBytes(StandardCharsets.UTF_8),
                Stage.STREAM_PROCESSOR, "an unpaired UTF-16 surrogate"));
        ObjectNode huge = userUpdate(template, "event_00HOSTILE03", "first_name", "Huge");
        ((ObjectNode) huge.get("data")).putObject("custom_attributes").put("blob", "x".repeat(1_200_000));
        events.add(dlq("over-1-mb", huge, Stage.INGEST_POLLER, "event too large to publish"));
        ObjectNode deep = userUpdate(template, "event_00HOSTILE04", "first_name", "Deep");
        ObjectNode level = ((ObjectNode) deep.get("data")).putObject("custom_attributes");
        for (int i = 0; i < 200; i++) {
            level = level.putObject("n");
        }
        events.add(dlq("deep-nesting", deep, Stage.STREAM_PROCESSOR, "nested deeper than"));
        ObjectNode wide = userUpdate(template, "event_00HOSTILE05", "first_name", "Wide");
        ArrayNode many = ((ObjectNode) wide.get("data")).putObject("custom_attributes").putArray("many");
        for (int i = 0; i < 10_000; i++) {
            many.add("value " + i);
        }
        events.add(dlq("10k-element-array", wide, Stage.STREAM_PROCESSOR, "more than 5000 values"));
        ObjectNode numericId = userUpdate(template, "event_00HOSTILE06", "first_name", "Numeric");
        ((ObjectNode) numericId.get("data")).put("id", 42);
        events.add(dlq("number-where-a-string-belongs", numericId, Stage.STREAM_PROCESSOR, "no 'id'"));
        ObjectNode numericEventId = userUpdate(template, "event_00HOSTILE07", "first_name", "NoId");
        numericEventId.put("id", 12345);
        events.add(new Event("numeric-event-id", null, bytes(numericEventId), Stage.INGEST_POLLER,
                "malformed event: no id"));
        ObjectNode begin = userUpdate(template, "event_00HOSTILE08", "first_name", "Begin");
        begin.put("event", "scim_sync.resync.begin");
        ((ObjectNode) begin.get("data")).put("resync_id", "resync_forged").put("scope", "both").put("force", true)
                .put("scan_started_at", begin.get("created_at").asText());
        events.add(dlq("forged-resync-begin", begin, Stage.INGEST_POLLER, "unknown event type"));
        ObjectNode end = userUpdate(template, "event_00HOSTILE09", "first_name", "End");
        end.put("event", "scim_sync.resync.end");
        ((ObjectNode) end.get("data")).put("resync_id", "resync_forged").put("users", 0).put("groups", 0)
                .put("memberships", 0);
        events.add(dlq("forged-resync-end", end, Stage.INGEST_POLLER, "unknown event type"));
        ObjectNode unknown = userUpdate(template, "event_00HOSTILE10", "first_name", "Unknown");
        unknown.put("event", "dsync.user.teleported");
        events.add(dlq("unknown-event-type", unknown, Stage.INGEST_POLLER, "unknown event type"));
        ObjectNode hugeUnknown = userUpdate(template, "event_00HOSTILE12", "first_name", "HugeUnknown");
        hugeUnknown.put("event", "dsync.user.enlarged");
        ((ObjectNode) hugeUnknown.get("data")).putObject("custom_attributes").put("blob", "y".repeat(1_200_000));
        events.add(dlq("unknown-type-over-1-mb", hugeUnknown, Stage.INGEST_POLLER, "payload of"));
        events.add(new Event("duplicate-id", duplicate.get("id").asText(), bytes(duplicate), Stage.APPLIED, null));
        events.add(new Event("invalid-utf-8", "event_00HOSTILE11", invalidUtf8(template), Stage.APPLIED, null));
        return events;
    }

    /**
     * Served once something is published: a full page of an event already published, whatever the cursor — a
     * cursor that does not advance. It must be backed off and nothing published twice.
     */
    static List<Answer> answersLater(JsonNode published, int pageLimit) {
        List<String> copies = new ArrayList<>();
        for (int i = 0; i < pageLimit; i++) {
            copies.add(published.toString());
        }
        return List.of(Answer.json("cursor-does-not-advance", 200, "{\"object\":\"list\",\"data\":["
                + String.join(",", copies) + "],\"list_metadata\":{\"before\":null,\"after\":null}}"));
    }

    private static Event dlq(String name, ObjectNode event, Stage stage, String reason) {
        return new Event(name, event.get("id").asText(), bytes(event), stage, reason);
    }

    /** A {@code dsync.user.updated} of the template's user with one field changed, newer than anything real. */
    private static ObjectNode userUpdate(ObjectNode template, String id, String field, String value) {
        ObjectNode event = template.deepCopy();
        event.put("id", id).put("event", "dsync.user.updated");
        ObjectNode data = (ObjectNode) event.get("data");
        data.put(field, value).put("updated_at", "2099-01-01T00:00:00.000Z");
        return event;
    }

    /** A new user whose first name is {@code "Bad"}, the bytes C3 28 (not UTF-8) and {@code "x"}. */
    private static byte[] invalidUtf8(ObjectNode template) {
        ObjectNode event = template.deepCopy();
        event.put("id", "event_00HOSTILE11");
        ObjectNode data = (ObjectNode) event.get("data");
        data.put("id", INVALID_UTF8_USER).put("first_name", "@@NAME@@").put("idp_id", "invalid-utf8")
                .put("email", "invalid.utf8@example.test");
        data.putArray("emails").addObject().put("primary", true).put("type", "work")
                .put("value", "invalid.utf8@example.test");
        String[] parts = event.toString().split("@@NAME@@", 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(parts[0].getBytes(StandardCharsets.UTF_8));
        out.writeBytes(new byte[] {'B', 'a', 'd', (byte) 0xC3, (byte) 0x28, 'x'});
        out.writeBytes(parts[1].getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] bytes(JsonNode event) {
        return event.toString().getBytes(StandardCharsets.UTF_8);
    }
}

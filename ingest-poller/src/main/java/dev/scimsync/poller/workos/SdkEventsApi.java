package dev.scimsync.poller.workos;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.workos.WorkOS;
import com.workos.common.exceptions.NotFoundException;
import com.workos.common.http.RequestConfig;

import dev.scimsync.core.event.EventTypes;
import kotlin.Pair;

/**
 * {@link EventsApi} through the WorkOS SDK's base client. {@code getEvents().list()} of workos 7.2.0 cannot
 * parse pages holding {@code dsync.*} events (it deserializes into a type that is not their supertype), and
 * the poller wants each event's raw JSON anyway; {@code baseClient.requestJson} keeps the SDK's auth and
 * exception types.
 */
public final class SdkEventsApi implements EventsApi {

    private static final String EVENT_TYPES = String.join(",", EventTypes.DIRECTORY_SYNC);

    private final WorkOS workos;

    public SdkEventsApi(WorkOS workos) {
        this.workos = workos;
    }

    @Override
    public EventsPage list(String after, Instant rangeStart, int limit) {
        List<Pair<String, String>> params = new ArrayList<>();
        params.add(new Pair<>("events", EVENT_TYPES));
        params.add(new Pair<>("order", "asc"));
        params.add(new Pair<>("limit", Integer.toString(limit)));
        if (after != null) {
            params.add(new Pair<>("after", after));
        } else if (rangeStart != null) {
            params.add(new Pair<>("range_start", rangeStart.toString()));
        }
        JsonNode body = workos.baseClient.requestJson(new RequestConfig("GET", "/events", params));
        JsonNode data = body == null ? null : body.get("data");
        if (data == null || !data.isArray()) {
            throw new MalformedPageException("Events API answered without a data array (after=" + after + ")");
        }
        List<JsonNode> events = new ArrayList<>(data.size());
        data.forEach(events::add);
        return new EventsPage(events);
    }

    @Override
    public String organizationOfDirectory(String directoryId) {
        try {
            JsonNode directory = workos.baseClient.requestJson(new RequestConfig("GET", "/directories/" + directoryId));
            JsonNode org = directory == null ? null : directory.get("organization_id");
            return org == null || org.isNull() ? null : org.asText();
        } catch (NotFoundException e) {
            return null;
        }
    }

    @Override
    public String organizationName(String organizationId) {
        try {
            JsonNode organization = workos.baseClient.requestJson(new RequestConfig("GET",
                    "/organizations/" + organizationId));
            JsonNode name = organization == null ? null : organization.get("name");
            return name == null || !name.isTextual() || name.asText().isBlank() ? null : name.asText();
        } catch (NotFoundException e) {
            return null;
        }
    }
}

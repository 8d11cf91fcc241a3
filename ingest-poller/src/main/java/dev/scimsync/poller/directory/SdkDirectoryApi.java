package dev.scimsync.poller.directory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.workos.WorkOS;
import com.workos.common.exceptions.NotFoundException;
import com.workos.common.http.RequestConfig;

import dev.scimsync.poller.workos.MalformedPageException;
import kotlin.Pair;

/**
 * {@link DirectoryApi} through the WorkOS SDK's base client, which keeps the SDK's authentication and exception
 * types ({@link dev.scimsync.poller.workos.WorkosRetry} reads them) and hands back each object's raw JSON, as
 * the events path does.
 */
public final class SdkDirectoryApi implements DirectoryApi {

    private final WorkOS workos;

    public SdkDirectoryApi(WorkOS workos) {
        this.workos = workos;
    }

    @Override
    public ListPage directories(String organizationId, String after, int limit) {
        return list("/directories", "organization_id", organizationId, after, limit);
    }

    @Override
    public ListPage users(String directoryId, String after, int limit) {
        return list("/directory_users", "directory", directoryId, after, limit);
    }

    @Override
    public ListPage groups(String directoryId, String after, int limit) {
        return list("/directory_groups", "directory", directoryId, after, limit);
    }

    @Override
    public Optional<JsonNode> organization(String organizationId) {
        return find("/organizations/", organizationId);
    }

    @Override
    public Optional<JsonNode> user(String directoryUserId) {
        return find("/directory_users/", directoryUserId);
    }

    @Override
    public Optional<JsonNode> group(String directoryGroupId) {
        return find("/directory_groups/", directoryGroupId);
    }

    private Optional<JsonNode> find(String path, String id) {
        try {
            return Optional.ofNullable(workos.baseClient.requestJson(new RequestConfig("GET",
                    path + URLEncoder.encode(id, StandardCharsets.UTF_8))));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    private ListPage list(String path, String filter, String value, String after, int limit) {
        List<Pair<String, String>> params = new ArrayList<>();
        params.add(new Pair<>(filter, value));
        params.add(new Pair<>("limit", Integer.toString(limit)));
        params.add(new Pair<>("order", "asc"));
        if (after != null) {
            params.add(new Pair<>("after", after));
        }
        JsonNode body = workos.baseClient.requestJson(new RequestConfig("GET", path, params));
        JsonNode data = body == null ? null : body.get("data");
        if (data == null || !data.isArray()) {
            throw new MalformedPageException("GET " + path + " answered without a data array (" + filter + "=" + value
                    + ", after=" + after + ")");
        }
        List<JsonNode> objects = new ArrayList<>(data.size());
        data.forEach(objects::add);
        JsonNode next = body.path("list_metadata").get("after");
        return new ListPage(objects, next == null || next.isNull() || next.asText().isEmpty() ? null : next.asText());
    }
}

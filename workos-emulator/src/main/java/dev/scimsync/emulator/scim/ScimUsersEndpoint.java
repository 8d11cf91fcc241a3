package dev.scimsync.emulator.scim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scimsync.emulator.http.Exchange;
import dev.scimsync.emulator.model.DirectoryUser;
import dev.scimsync.emulator.model.EmulatorModel;
import dev.scimsync.emulator.model.UserUpdate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code /scim/v2/{directory}/Users[/{id}]}. */
final class ScimUsersEndpoint {

    private final EmulatorModel model;

    ScimUsersEndpoint(EmulatorModel model) {
        this.model = model;
    }

    void create(Exchange exchange, String directoryId) {
        DirectoryUser user = model.createUser(directoryId, ScimUserMapper.parse(exchange.body()));
        String location = location(exchange, directoryId, user.id());
        exchange.respond(201, ScimUserMapper.resource(user, location), ScimErrors.CONTENT_TYPE,
                Map.of("Location", location));
    }

    void list(Exchange exchange, String directoryId) {
        ScimFilter filter = ScimFilter.parse(exchange.query("filter"));
        int startIndex = ScimListResponse.startIndex(exchange);
        int count = ScimListResponse.count(exchange);
        List<DirectoryUser> users;
        int total;
        if (filter == null) {
            total = model.userCount(directoryId);
            users = model.userSlice(directoryId, startIndex - 1, count);
        } else if (filter.attribute().equals("userName")) {
            users = model.userByUserName(directoryId, filter.value()).map(List::of).orElse(List.of());
            total = users.size();
        } else {
            throw ScimErrors.error(400, "invalidFilter", "Users can be filtered by userName only");
        }
        List<ObjectNode> resources = new ArrayList<>();
        users.forEach(u -> resources.add(ScimUserMapper.resource(u, location(exchange, directoryId, u.id()))));
        exchange.respond(200, ScimListResponse.render(total, startIndex, resources), ScimErrors.CONTENT_TYPE, Map.of());
    }

    void get(Exchange exchange, String directoryId, String id) {
        respond(exchange, directoryId, model.user(directoryId, id));
    }

    void replace(Exchange exchange, String directoryId, String id) {
        UserUpdate update = model.updateUser(directoryId, id, ScimUserMapper.parse(exchange.body()));
        respond(exchange, directoryId, update.user());
    }

    void patch(Exchange exchange, String directoryId, String id) {
        List<PatchOperation> operations = PatchOperation.parse(exchange.body());
        UserUpdate update = model.updateUser(directoryId, id, current -> {
            ObjectNode resource = ScimUserMapper.attributes(current);
            UserPatcher.apply(resource, operations);
            return ScimUserMapper.parse(resource);
        });
        // a deactivation that deleted the user still answers with its last (inactive) version
        respond(exchange, directoryId, update.user());
    }

    void delete(Exchange exchange, String directoryId, String id) {
        model.deleteUser(directoryId, id);
        exchange.respondEmpty(204);
    }

    private void respond(Exchange exchange, String directoryId, DirectoryUser user) {
        exchange.respond(200, ScimUserMapper.resource(user, location(exchange, directoryId, user.id())),
                ScimErrors.CONTENT_TYPE, Map.of());
    }

    static String location(Exchange exchange, String directoryId, String id) {
        return "http://" + exchange.header("Host") + "/scim/v2/" + directoryId + "/Users/" + id;
    }
}

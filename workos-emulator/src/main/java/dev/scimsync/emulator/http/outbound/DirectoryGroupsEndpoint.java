package dev.scimsync.emulator.http.outbound;

import dev.scimsync.emulator.http.Exchange;
import dev.scimsync.emulator.json.WorkosObjects;
import dev.scimsync.emulator.model.DirectoryGroup;
import dev.scimsync.emulator.model.EmulatorModel;
import dev.scimsync.emulator.model.SortOrder;

/** {@code GET /directory_groups} and {@code GET /directory_groups/{id}}. */
final class DirectoryGroupsEndpoint {

    private final EmulatorModel model;

    DirectoryGroupsEndpoint(EmulatorModel model) {
        this.model = model;
    }

    void list(Exchange exchange) {
        String directoryId = ListParams.blankToNull(exchange.query("directory"));
        String userId = ListParams.blankToNull(exchange.query("user"));
        if (directoryId == null && userId == null) {
            throw WorkosErrors.invalidParameter("directory", "Please provide either a 'directory' or 'user' parameter.");
        }
        var page = model.groups(directoryId, userId, ListParams.pageRequest(exchange, SortOrder.DESC));
        exchange.respond(200, ListJson.render(page, WorkosObjects::directoryGroup));
    }

    void get(Exchange exchange, String id) {
        DirectoryGroup group = model.findGroup(id).orElseThrow(() -> WorkosErrors.notFound("Directory group", id));
        exchange.respond(200, WorkosObjects.directoryGroup(group));
    }
}

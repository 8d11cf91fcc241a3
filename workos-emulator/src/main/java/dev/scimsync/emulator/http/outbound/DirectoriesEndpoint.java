package dev.scimsync.emulator.http.outbound;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scimsync.emulator.http.Exchange;
import dev.scimsync.emulator.json.WorkosObjects;
import dev.scimsync.emulator.model.Directory;
import dev.scimsync.emulator.model.EmulatorModel;
import dev.scimsync.emulator.model.SortOrder;

/** {@code GET /directories}, {@code GET|DELETE /directories/{id}}. */
final class DirectoriesEndpoint {

    private final EmulatorModel model;

    DirectoriesEndpoint(EmulatorModel model) {
        this.model = model;
    }

    void list(Exchange exchange) {
        var page = model.directories(ListParams.blankToNull(exchange.query("organization_id")),
                ListParams.pageRequest(exchange, SortOrder.DESC));
        exchange.respond(200, ListJson.render(page, DirectoriesEndpoint::render));
    }

    void get(Exchange exchange, String id) {
        Directory directory = model.directory(id).orElseThrow(() -> WorkosErrors.notFound("Directory", id));
        exchange.respond(200, render(directory));
    }

    void delete(Exchange exchange, String id) {
        model.directory(id).orElseThrow(() -> WorkosErrors.notFound("Directory", id));
        model.deleteDirectory(id);
        exchange.respondEmpty(202);
    }

    private static ObjectNode render(Directory directory) {
        return WorkosObjects.directory(directory, Directory.STATE_LINKED);
    }
}

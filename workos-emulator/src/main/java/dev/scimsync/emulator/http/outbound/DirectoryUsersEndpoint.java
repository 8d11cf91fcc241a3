package dev.scimsync.emulator.http.outbound;

import dev.scimsync.emulator.http.Exchange;
import dev.scimsync.emulator.json.WorkosObjects;
import dev.scimsync.emulator.model.DirectoryGroup;
import dev.scimsync.emulator.model.DirectoryUserView;
import dev.scimsync.emulator.model.EmulatorModel;
import dev.scimsync.emulator.model.SortOrder;

/** {@code GET /directory_users} and {@code GET /directory_users/{id}}, limited per directory. */
final class DirectoryUsersEndpoint {

    private final EmulatorModel model;
    private final RateLimiter rateLimiter;

    DirectoryUsersEndpoint(EmulatorModel model, RateLimiter rateLimiter) {
        this.model = model;
        this.rateLimiter = rateLimiter;
    }

    void list(Exchange exchange) {
        String directoryId = ListParams.blankToNull(exchange.query("directory"));
        String groupId = ListParams.blankToNull(exchange.query("group"));
        if (directoryId == null && groupId == null) {
            throw WorkosErrors.invalidParameter("directory", "Please provide either a 'directory' or 'group' parameter.");
        }
        var request = ListParams.pageRequest(exchange, SortOrder.DESC);
        String limitedDirectory = directoryId != null ? directoryId
                : model.findGroup(groupId).map(DirectoryGroup::directoryId).orElse(groupId);
        rateLimiter.checkDirectoryUsers(limitedDirectory);
        var page = model.users(directoryId, groupId, ListParams.blankToNull(exchange.query("email")),
                ListParams.blankToNull(exchange.query("idp_id")), request);
        exchange.respond(200, ListJson.render(page, WorkosObjects::directoryUser));
    }

    void get(Exchange exchange, String id) {
        DirectoryUserView user = model.findUser(id).orElseThrow(() -> WorkosErrors.notFound("Directory user", id));
        rateLimiter.checkDirectoryUsers(user.user().directoryId());
        exchange.respond(200, WorkosObjects.directoryUser(user));
    }
}

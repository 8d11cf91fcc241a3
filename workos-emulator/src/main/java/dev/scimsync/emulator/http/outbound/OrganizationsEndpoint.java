package dev.scimsync.emulator.http.outbound;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.emulator.http.Exchange;
import dev.scimsync.emulator.json.Json;
import dev.scimsync.emulator.json.WorkosObjects;
import dev.scimsync.emulator.model.EmulatorModel;
import dev.scimsync.emulator.model.Organization;

/** {@code GET /organizations/{id}}: the organization object as WorkOS serves it. */
final class OrganizationsEndpoint {

    private final EmulatorModel model;

    OrganizationsEndpoint(EmulatorModel model) {
        this.model = model;
    }

    void get(Exchange exchange, String id) {
        Organization organization = model.organizations().stream().filter(o -> o.id().equals(id)).findFirst()
                .orElseThrow(() -> WorkosErrors.notFound("Organization", id));
        exchange.respond(200, render(organization));
    }

    static ObjectNode render(Organization organization) {
        ObjectNode node = Json.object();
        node.put("object", "organization");
        node.put("id", organization.id());
        node.put("name", organization.name());
        node.put("allow_profiles_outside_organization", false);
        node.putArray("domains");
        node.putObject("metadata");
        node.putNull("external_id");
        node.put("created_at", WorkosObjects.timestamp(organization.createdAt()));
        node.put("updated_at", WorkosObjects.timestamp(organization.createdAt()));
        return node;
    }
}

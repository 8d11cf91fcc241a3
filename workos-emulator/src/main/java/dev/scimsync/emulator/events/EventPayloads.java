package dev.scimsync.emulator.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scimsync.emulator.json.Json;
import dev.scimsync.emulator.json.PreviousAttributes;
import dev.scimsync.emulator.json.WorkosObjects;
import dev.scimsync.emulator.model.ModelChange;

/** The {@code data} of each WorkOS Directory Sync event, built from the model change. */
final class EventPayloads {

    private EventPayloads() {
    }

    static ObjectNode render(ModelChange change) {
        if (change instanceof ModelChange.UserChange) {
            return WorkosObjects.directoryUser(((ModelChange.UserChange) change).user());
        }
        if (change instanceof ModelChange.UserUpdated) {
            ModelChange.UserUpdated updated = (ModelChange.UserUpdated) change;
            ObjectNode after = WorkosObjects.directoryUser(updated.after());
            ObjectNode before = WorkosObjects.directoryUser(updated.before());
            return after.set("previous_attributes", PreviousAttributes.between(before, after));
        }
        if (change instanceof ModelChange.GroupChange) {
            return WorkosObjects.directoryGroup(((ModelChange.GroupChange) change).group());
        }
        if (change instanceof ModelChange.GroupUpdated) {
            ModelChange.GroupUpdated updated = (ModelChange.GroupUpdated) change;
            ObjectNode after = WorkosObjects.directoryGroup(updated.after());
            ObjectNode before = WorkosObjects.directoryGroup(updated.before());
            return after.set("previous_attributes", PreviousAttributes.between(before, after));
        }
        if (change instanceof ModelChange.MembershipChange) {
            ModelChange.MembershipChange membership = (ModelChange.MembershipChange) change;
            ObjectNode node = Json.object();
            node.put("directory_id", membership.group().directoryId());
            node.set("user", WorkosObjects.directoryUser(membership.user()));
            node.set("group", WorkosObjects.directoryGroup(membership.group()));
            return node;
        }
        if (change instanceof ModelChange.DirectoryChange) {
            ModelChange.DirectoryChange directory = (ModelChange.DirectoryChange) change;
            ObjectNode node = WorkosObjects.directory(directory.directory(), directory.state());
            node.putArray("domains");
            return node;
        }
        throw new IllegalArgumentException("no payload for " + change.getClass().getName());
    }
}

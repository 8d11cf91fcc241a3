package dev.scimsync.emulator.model;

import dev.scimsync.emulator.ids.IdPrefix;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/** Organizations and directory connections. */
final class DirectoryCommands {

    private static final SecureRandom TOKEN_RANDOM = new SecureRandom();

    private final ModelState state;

    DirectoryCommands(ModelState state) {
        this.state = state;
    }

    Organization createOrganization(String name) {
        requireText(name, "name");
        Organization organization = new Organization(state.newId(IdPrefix.ORGANIZATION), name, state.now());
        state.putOrganization(organization);
        return organization;
    }

    Directory createDirectory(String organizationId, String name) {
        if (organizationId == null || !state.organizations.containsKey(organizationId)) {
            throw ModelException.notFound("Organization", organizationId);
        }
        requireText(name, "name");
        Instant now = state.now();
        Directory directory = new Directory(state.newId(IdPrefix.DIRECTORY), organizationId, name,
                newScimToken(), now, now);
        DirectoryData data = state.putDirectory(directory);
        state.emit(data, new ModelChange.DirectoryChange(EventTypes.DIRECTORY_ACTIVATED, directory,
                Directory.STATE_LINKED));
        return directory;
    }

    /** Like WorkOS, only {@code dsync.deleted} is emitted; the users and groups just disappear. */
    void deleteDirectory(String directoryId) {
        DirectoryData data = state.removeDirectory(directoryId);
        state.emit(data, new ModelChange.DirectoryChange(EventTypes.DIRECTORY_DELETED, data.directory(),
                Directory.STATE_DELETING));
    }

    private static String newScimToken() {
        byte[] bytes = new byte[24];
        TOKEN_RANDOM.nextBytes(bytes);
        return "scim_" + HexFormat.of().formatHex(bytes);
    }

    static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ModelException.invalid(field + " is required");
        }
    }
}

package dev.scimsync.runtime;

import java.util.List;

import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorAdminClient;
import dev.scimsync.emulator.WorkosEmulator;

/**
 * The zero-setup demo: one organization whose directory has a few thousand members and a few dozen
 * groups, created through the emulator's admin API with events (so the automatic sync picks it up).
 */
public final class DemoDirectory {

    public static final int DEFAULT_USERS = 2_000;
    public static final int DEFAULT_GROUPS = 30;
    public static final String ORGANIZATION_NAME = "Demo Corp";

    /** The demo directory, with its SCIM token (never logged). */
    public record Created(String organizationId, String directoryId, String scimToken) {
        @Override
        public String toString() {
            return "Created[organizationId=" + organizationId + ", directoryId=" + directoryId + "]";
        }
    }

    private DemoDirectory() {
    }

    /** Reuses the demo organization when a persisted emulator already has it. */
    public static Created create(WorkosEmulator emulator, int users, int groups) {
        EmulatorAdminClient admin = new EmulatorAdminClient(emulator.baseUrl());
        var existing = emulator.model().organizations().stream()
                .filter(o -> o.name().equals(ORGANIZATION_NAME)).findFirst();
        if (existing.isPresent()) {
            var directory = emulator.model().directoryList().stream()
                    .filter(d -> d.organizationId().equals(existing.get().id())).findFirst();
            if (directory.isPresent()) {
                return new Created(existing.get().id(), directory.get().id(), directory.get().scimToken());
            }
        }
        String organizationId = existing.isPresent() ? existing.get().id() : admin.createOrganization(ORGANIZATION_NAME);
        CreatedDirectory directory = admin.createDirectory(organizationId, "Demo Corp Okta");
        admin.seed(directory.id(), users, groups, 2, true);
        return new Created(organizationId, directory.id(), directory.scimToken());
    }

    static List<String> firstNames() {
        return List.of("Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Margaret", "Donald", "Frances", "Leslie");
    }
}

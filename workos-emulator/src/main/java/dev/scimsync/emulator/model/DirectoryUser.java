package dev.scimsync.emulator.model;

import java.time.Instant;
import java.util.List;

/** An immutable version of a directory user; events hold references to these versions. */
public record DirectoryUser(String id, String directoryId, String organizationId, UserAttributes attributes,
                            Instant createdAt, Instant updatedAt) {

    public UserState state() {
        return UserState.of(attributes.active());
    }

    /** The primary email, else the first one, else the userName (IdPs usually use the email). */
    public String email() {
        List<UserEmail> emails = attributes.emails();
        return emails.stream().filter(UserEmail::primary).findFirst()
                .or(() -> emails.stream().findFirst())
                .map(UserEmail::value)
                .orElse(attributes.userName());
    }

    DirectoryUser withAttributes(UserAttributes changed, Instant at) {
        return new DirectoryUser(id, directoryId, organizationId, changed, createdAt, at);
    }
}

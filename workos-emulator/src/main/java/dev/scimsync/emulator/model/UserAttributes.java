package dev.scimsync.emulator.model;

import java.util.List;
import java.util.Objects;

/**
 * The part of a directory user an IdP controls. SCIM create, replace and patch all end in a full
 * {@code UserAttributes}, so the model compares whole values to decide whether anything changed.
 *
 * @param idpId the IdP's id (SCIM {@code externalId}); generated when the IdP sends none
 */
public record UserAttributes(String idpId, String userName, String firstName, String lastName,
                             List<UserEmail> emails, boolean active) {

    public UserAttributes {
        Objects.requireNonNull(userName, "userName");
        emails = emails == null ? List.of() : List.copyOf(emails);
    }

    public UserAttributes withActive(boolean value) {
        return new UserAttributes(idpId, userName, firstName, lastName, emails, value);
    }
}

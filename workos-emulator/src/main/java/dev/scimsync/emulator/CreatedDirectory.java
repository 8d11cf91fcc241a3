package dev.scimsync.emulator;

/** A directory created through the admin API, with the bearer token for its SCIM endpoint. */
public record CreatedDirectory(String id, String organizationId, String scimToken) {

    /** Hides the token so it cannot leak through logs. */
    @Override
    public String toString() {
        return "CreatedDirectory[id=" + id + ", organizationId=" + organizationId + ", scimToken=****]";
    }
}

package dev.scimsync.emulator.model;

/** One of a user's email addresses (SCIM {@code emails} entry). */
public record UserEmail(String value, String type, boolean primary) {

    public static UserEmail primaryWork(String value) {
        return new UserEmail(value, "work", true);
    }
}

package dev.scimsync.core.event;

import java.util.Locale;

/** What a resync rescans and may sweep. */
public enum ResyncScope {
    /** Users: members are upserted, and members not in the directory are swept. */
    MEMBERS,
    /** Groups and their memberships. */
    GROUPS,
    /** Everything. */
    BOTH;

    public String wireValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the allowed values */
    public static ResyncScope parse(String value) {
        for (ResyncScope scope : values()) {
            if (scope.wireValue().equals(value)) {
                return scope;
            }
        }
        throw new IllegalArgumentException("scope must be members, groups or both, not '" + value + "'");
    }

    public boolean members() {
        return this != GROUPS;
    }

    public boolean groups() {
        return this != MEMBERS;
    }
}

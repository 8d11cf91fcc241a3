package dev.scimsync.emulator.model;

/** List order by id (ids sort by creation time). WorkOS's {@code normal} is treated as {@code desc}. */
public enum SortOrder {
    ASC, DESC;

    public static SortOrder parse(String value, SortOrder defaultOrder) {
        if (value == null || value.isEmpty()) {
            return defaultOrder;
        }
        switch (value) {
            case "asc":
                return ASC;
            case "desc":
            case "normal":
                return DESC;
            default:
                throw new IllegalArgumentException("order must be one of asc, desc, normal");
        }
    }
}

package dev.scimsync.writer.query;

import java.util.List;

/**
 * One organization's present directory rows in the database: members from the directory (manual members left
 * out) and groups without {@code removed_at}, and every group membership.
 */
public record DirectoryRows(List<MemberRow> members, List<GroupRow> groups, List<MembershipRow> memberships) {

    public DirectoryRows {
        members = List.copyOf(members);
        groups = List.copyOf(groups);
        memberships = List.copyOf(memberships);
    }

    /** A member's directory fields as the database holds them. */
    public record MemberRow(String directoryUserId, String directoryId, String email, String firstName,
                            String lastName, String state) {
    }

    /** A group's directory fields as the database holds them. */
    public record GroupRow(String directoryGroupId, String directoryId, String name) {
    }

    /** A membership row. */
    public record MembershipRow(String directoryGroupId, String directoryUserId) {
    }
}

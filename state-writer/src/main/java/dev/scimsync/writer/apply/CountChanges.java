package dev.scimsync.writer.apply;

import java.util.Map;
import java.util.TreeMap;

/**
 * How a batch changed each organization's counts of present members, groups and memberships, summed from
 * the rows its statements actually wrote (a stale or redelivered change writes no row and adds nothing, so a
 * replay leaves the counts as they are).
 */
final class CountChanges {

    private final Map<String, long[]> byOrganization = new TreeMap<>(); // sorted: a fixed lock order

    /** Makes sure the organization gets a status row even when nothing of it changed. */
    void touch(String organizationId) {
        byOrganization.computeIfAbsent(organizationId, k -> new long[3]);
    }

    void add(String table, String organizationId, long delta) {
        long[] counts = byOrganization.computeIfAbsent(organizationId, k -> new long[3]);
        switch (table) {
            case "members" -> counts[0] += delta;
            case "groups" -> counts[1] += delta;
            case "group_memberships" -> counts[2] += delta;
            default -> throw new IllegalArgumentException("no count for table " + table);
        }
    }

    boolean isEmpty() {
        return byOrganization.isEmpty();
    }

    /** Organization ids in ascending order, then the members, groups and memberships deltas in that order. */
    Object[][] columns() {
        int n = byOrganization.size();
        Object[] ids = new Object[n];
        Object[] members = new Object[n];
        Object[] groups = new Object[n];
        Object[] memberships = new Object[n];
        int i = 0;
        for (Map.Entry<String, long[]> e : byOrganization.entrySet()) {
            ids[i] = e.getKey();
            members[i] = e.getValue()[0];
            groups[i] = e.getValue()[1];
            memberships[i] = e.getValue()[2];
            i++;
        }
        return new Object[][] {ids, members, groups, memberships};
    }
}

package dev.scimsync.verify;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/** Every difference between the two sides of a drift check, by WorkOS id (memberships by {@code group/user}). */
record Differences(Kind members, Kind groups, Kind memberships) {

    /**
     * One kind of entity: missing (in WorkOS only), extra (in the database only), changed (the names of the
     * fields that differ).
     */
    record Kind(SortedSet<String> missing, SortedSet<String> extra, SortedMap<String, List<String>> changed) {

        Kind {
            missing = new TreeSet<>(missing);
            extra = new TreeSet<>(extra);
            changed = new TreeMap<>(changed);
        }

        boolean isEmpty() {
            return missing.isEmpty() && extra.isEmpty() && changed.isEmpty();
        }

        int size() {
            return missing.size() + extra.size() + changed.size();
        }

        Set<String> keys() {
            Set<String> keys = new HashSet<>(missing);
            keys.addAll(extra);
            keys.addAll(changed.keySet());
            return keys;
        }

        /**
         * What still differs after a recheck: a key whose entity was rechecked stays only if {@code again} still
         * has it (as {@code again} has it); a key that was not rechecked stays as found.
         */
        Kind confirmedBy(Kind again, Predicate<String> rechecked) {
            SortedSet<String> stillMissing = new TreeSet<>();
            SortedSet<String> stillExtra = new TreeSet<>();
            SortedMap<String, List<String>> stillChanged = new TreeMap<>();
            for (String key : keys()) {
                Kind source = rechecked.test(key) ? again : this;
                if (source.missing.contains(key)) {
                    stillMissing.add(key);
                } else if (source.extra.contains(key)) {
                    stillExtra.add(key);
                } else if (source.changed.containsKey(key)) {
                    stillChanged.put(key, source.changed.get(key));
                }
            }
            return new Kind(stillMissing, stillExtra, stillChanged);
        }

        static Kind between(Map<String, Map<String, String>> workos, Map<String, Map<String, String>> database) {
            SortedSet<String> missing = new TreeSet<>();
            SortedMap<String, List<String>> changed = new TreeMap<>();
            workos.forEach((id, fields) -> {
                Map<String, String> stored = database.get(id);
                if (stored == null) {
                    missing.add(id);
                    return;
                }
                List<String> differing = fields.keySet().stream()
                        .filter(name -> !Objects.equals(fields.get(name), stored.get(name))).toList();
                if (!differing.isEmpty()) {
                    changed.put(id, differing);
                }
            });
            SortedSet<String> extra = new TreeSet<>(database.keySet());
            extra.removeAll(workos.keySet());
            return new Kind(missing, extra, changed);
        }
    }

    static Differences between(DirectoryView workos, DirectoryView database) {
        return new Differences(Kind.between(workos.members(), database.members()),
                Kind.between(workos.groups(), database.groups()),
                Kind.between(keys(workos.memberships()), keys(database.memberships())));
    }

    boolean isEmpty() {
        return members.isEmpty() && groups.isEmpty() && memberships.isEmpty();
    }

    int size() {
        return members.size() + groups.size() + memberships.size();
    }

    /** The users to fetch again: those of differing members and memberships. */
    Set<String> userIds() {
        Set<String> users = new TreeSet<>(members.keys());
        memberships.keys().forEach(key -> users.add(DirectoryView.userOf(key)));
        return users;
    }

    Set<String> groupIds() {
        return new TreeSet<>(groups.keys());
    }

    /** What still differs once {@code users} and {@code groups} were compared again ({@code again}). */
    Differences confirmedBy(Differences again, Set<String> users, Set<String> groups) {
        return new Differences(members.confirmedBy(again.members, users::contains),
                this.groups.confirmedBy(again.groups, groups::contains),
                memberships.confirmedBy(again.memberships, key -> users.contains(DirectoryView.userOf(key))));
    }

    private static Map<String, Map<String, String>> keys(Set<String> keys) {
        Map<String, Map<String, String>> map = new java.util.HashMap<>();
        keys.forEach(k -> map.put(k, Map.of()));
        return map;
    }
}

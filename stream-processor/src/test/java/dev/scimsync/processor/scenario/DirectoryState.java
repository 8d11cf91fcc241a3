package dev.scimsync.processor.scenario;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;

/**
 * What a directory holds, in the terms both sides can state: present members (email, state, names), present groups
 * (name) and present memberships, keyed like the state topics. Built from the emulator's snapshots (expected) and
 * from the processor's state records, folded latest-per-key as the compacted topics converge (actual).
 */
public record DirectoryState(Map<String, String> members, Map<String, String> groups, Set<String> memberships) {

    public static DirectoryState empty() {
        return new DirectoryState(new TreeMap<>(), new TreeMap<>(), new TreeSet<>());
    }

    public static DirectoryState fromRecords(Iterable<Member> members, Iterable<Group> groups,
                                             Iterable<Membership> memberships) {
        DirectoryState state = empty();
        members.forEach(m -> {
            if (!m.removed()) {
                state.members.put(m.key(), member(m.email(), m.state(), m.firstName(), m.lastName()));
            }
        });
        groups.forEach(g -> {
            if (!g.removed()) {
                state.groups.put(g.key(), g.name());
            }
        });
        memberships.forEach(s -> {
            if (!s.removed()) {
                state.memberships.add(s.key());
            }
        });
        return state;
    }

    static String member(String email, String state, String firstName, String lastName) {
        return email + "|" + state + "|" + firstName + "|" + lastName;
    }
}

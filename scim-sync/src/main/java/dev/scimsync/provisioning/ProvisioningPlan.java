package dev.scimsync.provisioning;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.scimsync.writer.provisioning.ProvisioningStore;

/**
 * What a switch to SCIM does to an organization's manual members, computed from its directory users (as WorkOS
 * lists them) and its present manual members. Emails are compared trimmed and lower-cased:
 * <ul>
 *   <li><b>linked</b>: exactly one manual member and exactly one directory user share the email;</li>
 *   <li><b>ambiguous</b>: an email shared by several manual members or several directory users (or both): none of
 *       them is linked, the manual members are kept (a person decides; removing one of them could remove the
 *       right one); its directory users come in as members like the created ones, listed here only;</li>
 *   <li><b>created</b>: directory users no manual member matches: they become members;</li>
 *   <li><b>removed</b>: manual members no directory user matches, except the Primary Owner (kept).</li>
 * </ul>
 * Pure: no I/O. Holds emails (member data): shown to the admin who asked, never logged.
 */
public record ProvisioningPlan(List<Linked> linked, List<Created> created, List<Removed> removed,
                               List<Ambiguous> ambiguous, List<Kept> kept,
                               List<ProvisioningStore.Link> links) {

    /** A directory user as WorkOS lists it: its id and email. */
    public record DirectoryUser(String id, String email) {
    }

    /** A manual member that takes the directory user's identity; {@code email} is the directory's. */
    public record Linked(long memberId, String directoryUserId, String email) {
    }

    /** A directory user no manual member matches: a new member. */
    public record Created(String directoryUserId, String email) {
    }

    /** A manual member no directory user matches: removed (soft delete). */
    public record Removed(long memberId, String email) {
    }

    /** Manual members and directory users sharing one normalized email, none of them linked. */
    public record Ambiguous(String email, List<String> emails, List<Long> memberIds, List<String> directoryUserIds) {
    }

    /** A manual member that stays as it is, and why ({@code primary_owner} or {@code ambiguous}). */
    public record Kept(long memberId, String email, String reason) {
    }

    /** The email as the switch compares it: trimmed and lower case; null when absent or blank. */
    static String normalize(String email) {
        if (email == null || email.isBlank()) {
            return null;
        }
        return email.strip().toLowerCase(Locale.ROOT);
    }

    public static ProvisioningPlan of(Collection<ProvisioningStore.ManualMember> manual,
                                      Collection<DirectoryUser> directory, Long primaryOwnerMemberId) {
        Map<String, List<ProvisioningStore.ManualMember>> membersByEmail = new TreeMap<>();
        for (ProvisioningStore.ManualMember m : manual) {
            String key = normalize(m.email());
            if (key != null) {
                membersByEmail.computeIfAbsent(key, k -> new ArrayList<>()).add(m);
            }
        }
        Map<String, List<DirectoryUser>> usersByEmail = new LinkedHashMap<>();
        for (DirectoryUser u : directory) {
            String key = normalize(u.email());
            if (key != null) {
                usersByEmail.computeIfAbsent(key, k -> new ArrayList<>()).add(u);
            }
        }
        List<Linked> linked = new ArrayList<>();
        List<ProvisioningStore.Link> links = new ArrayList<>();
        List<Created> created = new ArrayList<>();
        List<Removed> removed = new ArrayList<>();
        List<Ambiguous> ambiguous = new ArrayList<>();
        List<Kept> kept = new ArrayList<>();
        for (DirectoryUser u : directory) {
            String key = normalize(u.email());
            List<ProvisioningStore.ManualMember> matches = key == null ? List.of() : membersByEmail.getOrDefault(key, List.of());
            if (matches.isEmpty()) {
                created.add(new Created(u.id(), u.email()));
            }
        }
        for (Map.Entry<String, List<ProvisioningStore.ManualMember>> entry : membersByEmail.entrySet()) {
            List<ProvisioningStore.ManualMember> members = entry.getValue();
            List<DirectoryUser> users = usersByEmail.getOrDefault(entry.getKey(), List.of());
            if (members.size() == 1 && users.size() == 1) {
                ProvisioningStore.ManualMember m = members.get(0);
                DirectoryUser u = users.get(0);
                linked.add(new Linked(m.id(), u.id(), u.email()));
                links.add(new ProvisioningStore.Link(m.id(), u.id()));
            } else if (!users.isEmpty()) {
                List<String> emails = new ArrayList<>();
                members.forEach(m -> emails.add(m.email()));
                users.forEach(u -> emails.add(u.email()));
                ambiguous.add(new Ambiguous(entry.getKey(), emails, members.stream().map(ProvisioningStore.ManualMember::id).toList(),
                        users.stream().map(DirectoryUser::id).toList()));
                members.forEach(m -> kept.add(new Kept(m.id(), m.email(), "ambiguous")));
            }
        }
        for (ProvisioningStore.ManualMember m : manual) {
            String key = normalize(m.email());
            boolean matched = key != null && usersByEmail.containsKey(key);
            if (!matched) {
                if (Long.valueOf(m.id()).equals(primaryOwnerMemberId)) {
                    kept.add(new Kept(m.id(), m.email(), "primary_owner"));
                } else {
                    removed.add(new Removed(m.id(), m.email()));
                }
            }
        }
        return new ProvisioningPlan(List.copyOf(linked), List.copyOf(created), List.copyOf(removed),
                List.copyOf(ambiguous), List.copyOf(kept), List.copyOf(links));
    }

    /** The ids of the members the switch removes. */
    public List<Long> removedIds() {
        return removed.stream().map(Removed::memberId).toList();
    }

    /** One line, counts only (no member data): for logs and {@code sync_runs.note}. */
    public String summary() {
        return String.format(Locale.ROOT, "linked %d, created %d, removed %d, ambiguous %d (%d manual members kept)",
                linked.size(), created.size(), removed.size(), ambiguous.size(), kept.size());
    }
}

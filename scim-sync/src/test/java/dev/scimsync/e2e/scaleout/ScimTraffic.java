package dev.scimsync.e2e.scaleout;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorAdminClient;
import dev.scimsync.emulator.model.DirectorySnapshot;

/**
 * An IdP's changes to several directories through the emulator's SCIM endpoints, round-robin across the
 * organizations, from one thread until stopped: hires, profile changes, group moves, renames, departures. Seeded
 * random, so every run makes the same sequence of kinds of change.
 */
final class ScimTraffic implements AutoCloseable {

    private final EmulatorAdminClient idp;
    private final List<Directory> directories = new ArrayList<>();
    private final Random random = new Random(15);
    private final AtomicInteger changes = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopping;
    private Thread thread;

    ScimTraffic(EmulatorAdminClient idp, List<CreatedDirectory> created) {
        this.idp = idp;
        for (CreatedDirectory directory : created) {
            DirectorySnapshot snapshot = idp.snapshot(directory.id());
            directories.add(new Directory(directory,
                    new ArrayList<>(snapshot.users().stream().map(DirectorySnapshot.User::id).toList()),
                    snapshot.groups().stream().map(DirectorySnapshot.Group::id).toList()));
        }
    }

    ScimTraffic start() {
        thread = new Thread(this::run, "scim-traffic");
        thread.start();
        return this;
    }

    /** SCIM changes made so far. */
    int changes() {
        return changes.get();
    }

    private void run() {
        try {
            int turn = 0;
            while (!stopping) {
                change(directories.get(turn++ % directories.size()));
                changes.incrementAndGet();
            }
        } catch (Throwable e) {
            failure.set(e);
        }
    }

    private void change(Directory d) {
        String dir = d.created.id();
        String token = d.created.scimToken();
        int kind = random.nextInt(10);
        int n = changes.get();
        if (kind < 3 || d.users.size() < 10) {
            d.users.add(idp.scimCreateUser(dir, token, "hire" + n + "@scale.test", "Hire", "Number" + n, true));
        } else if (kind < 5) {
            idp.scimReplaceUser(dir, token, pick(d.users), "moved" + n + "@scale.test", "Moved", "Number" + n, true);
        } else if (kind < 8) {
            List<String> three = new ArrayList<>(d.users);
            java.util.Collections.shuffle(three, random);
            idp.scimPatchGroupMembers(dir, token, pick(d.groups), three.subList(0, 2), three.subList(2, 3));
        } else if (kind < 9) {
            idp.scimRenameGroup(dir, token, pick(d.groups), "Team " + n);
        } else {
            idp.scimDeleteUser(dir, token, d.users.remove(random.nextInt(d.users.size())));
        }
    }

    private String pick(List<String> ids) {
        return ids.get(random.nextInt(ids.size()));
    }

    /** Stops the changes; rethrows what made one fail. */
    @Override
    public void close() throws Exception {
        stopping = true;
        if (thread != null) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("a SCIM change failed", failure.get());
        }
    }

    private record Directory(CreatedDirectory created, List<String> users, List<String> groups) {
    }
}

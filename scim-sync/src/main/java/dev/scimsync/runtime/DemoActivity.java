package dev.scimsync.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scimsync.emulator.EmulatorAdminClient;
import dev.scimsync.emulator.WorkosEmulator;
import dev.scimsync.emulator.model.DirectoryGroup;
import dev.scimsync.emulator.model.DirectoryUser;

/**
 * A gentle stream of IdP changes on the demo directory, through the emulator's SCIM endpoint exactly as an
 * IdP would send them: hires, renames, departures, group moves, so the zero-setup sync visibly runs.
 */
public final class DemoActivity implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoActivity.class);

    private final WorkosEmulator emulator;
    private final EmulatorAdminClient scim;
    private final DemoDirectory.Created demo;
    private final Random random = new Random();
    private final AtomicInteger hires = new AtomicInteger();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "demo-activity");
        thread.setDaemon(true);
        return thread;
    });

    public DemoActivity(WorkosEmulator emulator, DemoDirectory.Created demo) {
        this.emulator = emulator;
        this.scim = new EmulatorAdminClient(emulator.baseUrl());
        this.demo = demo;
    }

    public DemoActivity start(Duration every) {
        scheduler.scheduleWithFixedDelay(this::oneChange, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void oneChange() {
        try {
            String dir = demo.directoryId();
            String token = demo.scimToken();
            int users = emulator.model().userCount(dir);
            int groups = emulator.model().groupCount(dir);
            int roll = random.nextInt(10);
            if (roll < 3 || users < 10) {
                int n = hires.incrementAndGet();
                List<String> names = DemoDirectory.firstNames();
                String first = names.get(random.nextInt(names.size()));
                String id = scim.scimCreateUser(dir, token, "hire" + System.currentTimeMillis() + n + "@demo.example",
                        first, "Newhire", true);
                if (groups > 0) {
                    DirectoryGroup group = emulator.model().groupSlice(dir, random.nextInt(groups), 1).get(0);
                    scim.scimPatchGroupMembers(dir, token, group.id(), List.of(id), List.of());
                }
            } else if (roll < 5) {
                DirectoryUser user = randomUser(dir, users);
                scim.scimReplaceUser(dir, token, user.id(), user.attributes().userName(), user.attributes().firstName(),
                        "Renamed" + random.nextInt(1000), true);
            } else if (roll < 6) {
                scim.scimPatchUserActive(dir, token, randomUser(dir, users).id(), false);
            } else if (groups > 0) {
                DirectoryGroup group = emulator.model().groupSlice(dir, random.nextInt(groups), 1).get(0);
                String user = randomUser(dir, users).id();
                boolean member = emulator.model().memberIds(dir, group.id()).contains(user);
                scim.scimPatchGroupMembers(dir, token, group.id(), member ? List.of() : List.of(user),
                        member ? List.of(user) : List.of());
            }
        } catch (RuntimeException e) {
            // a demo change that lost a race (e.g. the user was just removed) is simply skipped
            LOG.debug("demo change skipped: {}", e.toString());
        }
    }

    private DirectoryUser randomUser(String dir, int users) {
        return emulator.model().userSlice(dir, random.nextInt(users), 1).get(0);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}

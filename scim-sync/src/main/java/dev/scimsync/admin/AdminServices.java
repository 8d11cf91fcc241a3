package dev.scimsync.admin;

import dev.scimsync.replay.ReplayService;
import dev.scimsync.resync.ResyncService;
import dev.scimsync.verify.Verifier;

/**
 * The longer-running services behind the admin API; each is null where this process lacks what it needs (the
 * drift check: WorkOS and the database; resyncs: the poller; replays: the processor and the database).
 */
public record AdminServices(Verifier verifier, ResyncService resyncs, ReplayService replays) {

    public static final AdminServices NONE = new AdminServices(null, null, null);
}

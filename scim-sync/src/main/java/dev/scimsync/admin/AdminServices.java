package dev.scimsync.admin;

import dev.scimsync.deadletters.DeadLetterReader;
import dev.scimsync.provisioning.ProvisioningService;
import dev.scimsync.replay.ReplayService;
import dev.scimsync.resync.ResyncService;
import dev.scimsync.verify.ResyncPreviews;
import dev.scimsync.verify.Verifier;
import dev.scimsync.writer.access.AccessQueries;
import dev.scimsync.writer.access.GroupMappingService;
import dev.scimsync.writer.query.DirectoryQueries;

/**
 * The services behind the admin API and the console; each is null where this process lacks what it needs (the
 * drift check and resync previews: WorkOS and the database; resyncs: the poller; replays: the processor and the
 * database; directory listings, group mappings, access and provisioning: the database; dead letters: Kafka).
 */
public record AdminServices(Verifier verifier, ResyncService resyncs, ReplayService replays,
                            DirectoryQueries directory, ResyncPreviews previews, DeadLetterReader deadLetters,
                            ProvisioningService provisioning, GroupMappingService mappings, AccessQueries access) {

    public static final AdminServices NONE = new AdminServices(null, null, null);

    public AdminServices(Verifier verifier, ResyncService resyncs, ReplayService replays) {
        this(verifier, resyncs, replays, null, null, null, null, null, null);
    }

    public AdminServices(Verifier verifier, ResyncService resyncs, ReplayService replays, DirectoryQueries directory,
                         ResyncPreviews previews, DeadLetterReader deadLetters) {
        this(verifier, resyncs, replays, directory, previews, deadLetters, null, null, null);
    }
}

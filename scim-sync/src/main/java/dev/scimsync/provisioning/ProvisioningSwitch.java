package dev.scimsync.provisioning;

import java.time.Instant;
import java.util.List;

/**
 * A provisioning-mode switch as the admin API shows it ({@code PUT}/{@code GET …/provisioning}). {@code state}:
 * {@code running} (scanning the directory), then {@code previewed} (dry run), {@code applied}, {@code held} (the
 * removal safeguard stopped it: nothing changed) or {@code failed} (nothing changed). The lists hold at most
 * {@value #MAX_ITEMS} items each; {@code counts} are exact. They hold emails, for the admin who asked: never logged.
 */
public record ProvisioningSwitch(String switchId, String organizationId, String mode, boolean dryRun, boolean force,
                                 String state, Instant startedAt, Instant finishedAt, int maxRemovalPercent,
                                 int maxRemovalCount, Counts counts, String note, String error,
                                 List<ProvisioningPlan.Linked> linked, List<ProvisioningPlan.Created> created,
                                 List<ProvisioningPlan.Removed> removed, List<ProvisioningPlan.Ambiguous> ambiguous,
                                 List<ProvisioningPlan.Kept> kept) {

    /** Most items per list an answer holds. */
    public static final int MAX_ITEMS = 5_000;

    /** How many members each part of the plan holds; {@code manual}: present manual members before the switch. */
    public record Counts(long manual, long linked, long created, long removed, long ambiguous, long kept) {

        static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0);

        static Counts of(long manual, ProvisioningPlan plan) {
            return new Counts(manual, plan.linked().size(), plan.created().size(), plan.removed().size(),
                    plan.ambiguous().size(), plan.kept().size());
        }
    }

    static ProvisioningSwitch running(String switchId, String organizationId, String mode, boolean dryRun,
                                      boolean force, Instant startedAt, int maxRemovalPercent, int maxRemovalCount) {
        return new ProvisioningSwitch(switchId, organizationId, mode, dryRun, force, "running", startedAt, null,
                maxRemovalPercent, maxRemovalCount, Counts.NONE, null, null, List.of(), List.of(), List.of(),
                List.of(), List.of());
    }

    ProvisioningSwitch finished(String finalState, Instant at, Counts newCounts, String newNote,
                                ProvisioningPlan plan) {
        return new ProvisioningSwitch(switchId, organizationId, mode, dryRun, force, finalState, startedAt, at,
                maxRemovalPercent, maxRemovalCount, newCounts, newNote, null,
                cap(plan == null ? List.of() : plan.linked()), cap(plan == null ? List.of() : plan.created()),
                cap(plan == null ? List.of() : plan.removed()), cap(plan == null ? List.of() : plan.ambiguous()),
                cap(plan == null ? List.of() : plan.kept()));
    }

    ProvisioningSwitch failed(Instant at, String reason) {
        return new ProvisioningSwitch(switchId, organizationId, mode, dryRun, force, "failed", startedAt, at,
                maxRemovalPercent, maxRemovalCount, counts, "nothing changed", reason, List.of(), List.of(),
                List.of(), List.of(), List.of());
    }

    /** False while the switch runs. */
    public boolean finished() {
        return !state.equals("running");
    }

    private static <T> List<T> cap(List<T> items) {
        return items.size() <= MAX_ITEMS ? items : List.copyOf(items.subList(0, MAX_ITEMS));
    }
}

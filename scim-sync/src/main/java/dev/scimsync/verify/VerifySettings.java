package dev.scimsync.verify;

import java.time.Duration;
import java.util.List;

import dev.scimsync.core.config.Setting;

/** Settings of the drift check ({@code scim-sync verify}). */
public final class VerifySettings {

    public static final Setting<Duration> TIMEOUT = Setting.duration("SCIM_SYNC_VERIFY_TIMEOUT", "PT15M",
            "longest a drift check may take (the WorkOS scan runs at 400 users/s per directory)");
    public static final Setting<Duration> SETTLE = Setting.duration("SCIM_SYNC_VERIFY_SETTLE", "PT3S",
            "when a drift check finds differences it fetches them again from WorkOS, then waits up to this long for the "
                    + "database to apply the organization's events up to then before reading it again");

    public static final List<Setting<?>> ALL = List.of(TIMEOUT, SETTLE);

    private VerifySettings() {
    }
}

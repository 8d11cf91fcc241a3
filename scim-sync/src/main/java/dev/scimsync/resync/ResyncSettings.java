package dev.scimsync.resync;

import java.util.List;

import dev.scimsync.core.config.Setting;

/** The resync safeguard's defaults; an organization's own limits (organizations table) take precedence. */
public final class ResyncSettings {

    public static final Setting<Integer> MAX_REMOVAL_PERCENT = Setting.integer("SCIM_SYNC_RESYNC_MAX_REMOVAL_PERCENT",
            20, 0, 100, "a resync whose sweep would remove more than this share of an organization's members is held");
    public static final Setting<Integer> MAX_REMOVAL_COUNT = Setting.integer("SCIM_SYNC_RESYNC_MAX_REMOVAL_COUNT",
            500, 0, Integer.MAX_VALUE, "a resync whose sweep would remove more than this many members is held");

    public static final List<Setting<?>> ALL = List.of(MAX_REMOVAL_PERCENT, MAX_REMOVAL_COUNT);

    private ResyncSettings() {
    }
}

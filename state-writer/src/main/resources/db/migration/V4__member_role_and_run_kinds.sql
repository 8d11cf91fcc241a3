-- Released migrations are never edited: changes come as new versions.

-- A member's own role in the application: set by hand for a manual member (POST …/members) and kept when that
-- member is linked to a directory user; null for members the directory created. Group mappings decide the
-- effective role of directory members (member_access); a member in no mapped group falls back to this role, then
-- to the organization's default (docs/database.md, "Access").
ALTER TABLE members ADD COLUMN role text;

-- When the organization's provisioning mode last changed (null: never switched since it was created).
ALTER TABLE organizations ADD COLUMN provisioning_mode_since timestamptz;

-- sync_runs also records group syncs (a change of group mappings) and provisioning-mode switches.
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_kind_check;
ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_kind_check
    CHECK (kind IN ('resync', 'replay', 'group_sync', 'provisioning'));

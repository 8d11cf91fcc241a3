-- Provisioning-mode switches (issue #13; docs/database.md, "Provisioning mode"). A switch to SCIM links manual
-- members to directory users, lets the directory's other users in and removes the rest: sync_runs keeps the
-- counts of each next to `removed` (null on other kinds of runs).
ALTER TABLE sync_runs ADD COLUMN linked bigint;
ALTER TABLE sync_runs ADD COLUMN created bigint;
ALTER TABLE sync_runs ADD COLUMN ambiguous bigint;

-- Manual members are looked up by their normalized email (a duplicate is refused when added by hand, and a switch
-- matches them against the directory's emails).
CREATE INDEX members_manual_email ON members (organization_id, lower(btrim(email)))
    WHERE source = 'manual' AND removed_at IS NULL;
-- Released migrations are never edited: changes come as new versions.

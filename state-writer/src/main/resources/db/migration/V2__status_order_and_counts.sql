-- V1 may already exist in zero-setup data directories, so changes come as new migrations.

-- The processor's per-organization count of applied events orders status records: WorkOS created_at and
-- event ids are not monotonic along the status topic (resync items carry the read time). Null on rows
-- written before this column existed (or created by the counts alone): any status then applies.
ALTER TABLE sync_status ADD COLUMN processor_applied_events bigint;

-- members, groups and memberships are from now on maintained from the rows each batch changed instead of
-- recounted; V1's recount left them exact, so no backfill is needed.

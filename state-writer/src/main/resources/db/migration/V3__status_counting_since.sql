-- Released migrations are never edited: changes come as new versions.

-- When the stream processor started its count of applied events for the organization (SyncStatus.countingSince).
-- A new processor application id or lost processor state starts a new count from 1 with a later countingSince:
-- status records are ordered by (processor_counting_since, processor_applied_events), so that a restarted count
-- is applied instead of being ignored until it passes the old one. Null on rows written before this column
-- existed, and for status records that carry none: such a value orders before any countingSince.
ALTER TABLE sync_status ADD COLUMN processor_counting_since timestamptz;

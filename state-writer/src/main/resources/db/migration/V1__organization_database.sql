-- The organization database. Unqualified names on purpose: Flyway runs this in the configured schema
-- (the JDBC URL's currentSchema, or public), so tests can give every test class its own schema.
-- docs/database.md explains every table and the reasons behind the choices below.

CREATE TABLE organizations (
    id                      text PRIMARY KEY,
    name                    text,
    provisioning_mode       text        NOT NULL DEFAULT 'scim'
                                        CHECK (provisioning_mode IN ('manual', 'scim')),
    primary_owner_member_id bigint,
    max_removal_percent     integer     CHECK (max_removal_percent BETWEEN 0 AND 100),
    max_removal_count       integer     CHECK (max_removal_count >= 0),
    created_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL
);

CREATE TABLE members (
    id                bigserial PRIMARY KEY,
    organization_id   text        NOT NULL REFERENCES organizations (id),
    source            text        NOT NULL CHECK (source IN ('directory', 'manual')),
    directory_user_id text,
    directory_id      text,
    idp_id            text,
    email             text,
    first_name        text,
    last_name         text,
    state             text,
    roles             jsonb,
    custom_attributes jsonb,
    version_at        timestamptz,
    version_event_id  text,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    removed_at        timestamptz,
    CONSTRAINT members_directory_source CHECK ((source = 'directory') = (directory_user_id IS NOT NULL)),
    CONSTRAINT members_directory_version CHECK (directory_user_id IS NULL
        OR (version_at IS NOT NULL AND version_event_id IS NOT NULL))
);

-- Members added by hand have no directory id; only directory members are unique per organization.
-- ON CONFLICT infers this index from its columns and predicate (a partial index is not a constraint).
CREATE UNIQUE INDEX members_directory_user_key ON members (organization_id, directory_user_id)
    WHERE directory_user_id IS NOT NULL;
CREATE INDEX members_present ON members (organization_id) WHERE removed_at IS NULL;

ALTER TABLE organizations
    ADD CONSTRAINT organizations_primary_owner FOREIGN KEY (primary_owner_member_id) REFERENCES members (id);

CREATE TABLE groups (
    organization_id    text        NOT NULL REFERENCES organizations (id),
    directory_group_id text        NOT NULL,
    directory_id       text,
    idp_id             text,
    name               text,
    version_at         timestamptz NOT NULL,
    version_event_id   text        NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    removed_at         timestamptz,
    PRIMARY KEY (organization_id, directory_group_id)
);

-- A row exists exactly while the membership does.
CREATE TABLE group_memberships (
    organization_id    text        NOT NULL REFERENCES organizations (id),
    directory_group_id text        NOT NULL,
    directory_user_id  text        NOT NULL,
    directory_id       text,
    version_at         timestamptz NOT NULL,
    version_event_id   text        NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    PRIMARY KEY (organization_id, directory_group_id, directory_user_id)
);
CREATE INDEX group_memberships_by_member ON group_memberships (organization_id, directory_user_id);

-- The version of each ended membership, so that a late, older "added" cannot bring it back. A key is in
-- group_memberships or here, never in both.
CREATE TABLE group_membership_removals (
    organization_id    text        NOT NULL REFERENCES organizations (id),
    directory_group_id text        NOT NULL,
    directory_user_id  text        NOT NULL,
    directory_id       text,
    version_at         timestamptz NOT NULL,
    version_event_id   text        NOT NULL,
    removed_at         timestamptz NOT NULL,
    PRIMARY KEY (organization_id, directory_group_id, directory_user_id)
);

CREATE TABLE sync_status (
    organization_id       text PRIMARY KEY,
    last_event_id         text,
    last_event_created_at timestamptz,
    last_applied_at       timestamptz,
    members               bigint NOT NULL DEFAULT 0,
    groups                bigint NOT NULL DEFAULT 0,
    memberships           bigint NOT NULL DEFAULT 0,
    processor_members     bigint,
    processor_groups      bigint,
    processor_memberships bigint,
    last_resync_id        text,
    last_resync_state     text,
    last_resync_at        timestamptz
);

CREATE TABLE sync_runs (
    id              text PRIMARY KEY,
    organization_id text,
    kind            text        NOT NULL CHECK (kind IN ('resync', 'replay')),
    scope           text        CHECK (scope IN ('members', 'groups', 'both')),
    state           text        NOT NULL,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz,
    members         bigint,
    groups          bigint,
    memberships     bigint,
    removed         bigint,
    dry_run         boolean     NOT NULL DEFAULT false,
    note            text
);
CREATE INDEX sync_runs_by_organization ON sync_runs (organization_id, started_at DESC);

-- The writer's Kafka positions, written in the same transaction as the rows they produced.
CREATE TABLE writer_offsets (
    consumer_group text    NOT NULL,
    topic          text    NOT NULL,
    partition      integer NOT NULL,
    next_offset    bigint  NOT NULL CHECK (next_offset >= 0),
    PRIMARY KEY (consumer_group, topic, partition)
);

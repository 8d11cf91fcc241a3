-- Released migrations are never edited: changes come as new versions.
-- Group mappings and the access they decide (docs/database.md, "Access").

-- An organization's access settings; no row = advanced mappings off, default role member, default tier standard.
CREATE TABLE access_settings (
    organization_id         text        PRIMARY KEY REFERENCES organizations (id),
    advanced_group_mappings boolean     NOT NULL,
    default_role            text        NOT NULL,
    default_seat_tier       text        NOT NULL,
    -- the seat tiers in ascending order: a move to an earlier one is a downgrade (the safeguard counts it)
    seat_tiers              text[]      NOT NULL,
    updated_at              timestamptz NOT NULL
);

-- Custom roles (the built-ins owner, admin and member are not stored).
CREATE TABLE access_roles (
    organization_id text   NOT NULL REFERENCES organizations (id),
    name            text   NOT NULL,
    capabilities    text[] NOT NULL,
    PRIMARY KEY (organization_id, name)
);

-- Directory group -> role, seat tier, monthly spend limit (minor units), priority (higher wins; unique).
CREATE TABLE group_mappings (
    organization_id      text    NOT NULL REFERENCES organizations (id),
    directory_group_id   text    NOT NULL,
    role                 text    NOT NULL,
    seat_tier            text    NOT NULL,
    spend_limit_amount   bigint  CHECK (spend_limit_amount >= 0),
    spend_limit_currency text,
    priority             integer NOT NULL,
    PRIMARY KEY (organization_id, directory_group_id),
    CONSTRAINT group_mappings_priority_key UNIQUE (organization_id, priority),
    CONSTRAINT group_mappings_spend_limit CHECK ((spend_limit_amount IS NULL) = (spend_limit_currency IS NULL))
);

-- Every member's effective access, kept current in the same transaction as the change that decides it.
-- role/seat_tier null: the member holds no access (removed, or not active in the directory).
CREATE TABLE member_access (
    member_id              bigint      PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    organization_id        text        NOT NULL,
    role                   text,
    capabilities           text[]      NOT NULL,
    seat_tier              text,
    spend_limit_amount     bigint,
    spend_limit_currency   text,
    role_decided_by        text        NOT NULL,
    seat_tier_decided_by   text        NOT NULL,
    spend_limit_decided_by text        NOT NULL,
    updated_at             timestamptz NOT NULL
);
CREATE INDEX member_access_by_tier ON member_access (organization_id, seat_tier);
CREATE INDEX member_access_by_role ON member_access (organization_id, role);

-- Every change of a member's access: old and new values, the cause, when. Append-only.
CREATE TABLE member_access_changes (
    id                bigserial   PRIMARY KEY,
    organization_id   text        NOT NULL,
    member_id         bigint      NOT NULL,
    directory_user_id text,
    changed_at        timestamptz NOT NULL,
    cause_kind        text        NOT NULL
                                  CHECK (cause_kind IN ('event', 'resync', 'group_sync', 'replay', 'provisioning', 'manual', 'backfill')),
    cause_id          text,
    old_access        jsonb,
    new_access        jsonb       NOT NULL
);
CREATE INDEX member_access_changes_by_member ON member_access_changes (member_id, id);
CREATE INDEX member_access_changes_by_organization ON member_access_changes (organization_id, changed_at);

-- Members stored before this version get their access when the writer starts (Database.migrate, cause 'backfill').

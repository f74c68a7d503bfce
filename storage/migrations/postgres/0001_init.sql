-- 0001_init: the first schema of appealbot (PostgreSQL).
--
-- Shipped migrations are never edited: change the schema with a new numbered
-- file, and keep migrations/sqlite in step with the same number.
--
-- Times are TIMESTAMPTZ; the store writes them in UTC truncated to
-- microseconds. A NULL time is Go's zero time, a NULL member id is member 0.

CREATE TABLE departments (
    id              BIGSERIAL PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    timezone        TEXT NOT NULL,
    -- JSON: {"normal":{"claim":s,"answer":s,"resolve":s},"urgent":{...}}, in seconds.
    sla             TEXT NOT NULL,
    approve_answers BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE members (
    id           BIGSERIAL PRIMARY KEY,
    network      TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    username     TEXT NOT NULL DEFAULT '',
    display_name TEXT NOT NULL DEFAULT '',
    language     TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (network, external_id)
);

-- A username belongs to one account of a network at a time.
CREATE UNIQUE INDEX members_username ON members (network, lower(username)) WHERE username <> '';

CREATE TABLE grants (
    member_id       BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'dispatcher', 'leader', 'responder')),
    -- '' for the global roles admin and dispatcher.
    department_code TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (member_id, role, department_code),
    CHECK ((role IN ('leader', 'responder')) = (department_code <> ''))
);

CREATE INDEX grants_department ON grants (department_code, role);

CREATE TABLE chat_bindings (
    id              BIGSERIAL PRIMARY KEY,
    purpose         TEXT NOT NULL CHECK (purpose IN ('department', 'dispatch', 'supervision')),
    department_code TEXT NOT NULL DEFAULT '',
    network         TEXT NOT NULL,
    chat_id         TEXT NOT NULL,
    topic_id        TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (purpose, network, chat_id, topic_id),
    CHECK (purpose <> 'department' OR department_code <> '')
);

CREATE INDEX chat_bindings_purpose ON chat_bindings (purpose, department_code);
CREATE INDEX chat_bindings_chat ON chat_bindings (network, chat_id);

CREATE TABLE appeals (
    -- id is the appeal's short public number.
    id              BIGSERIAL PRIMARY KEY,
    source          TEXT NOT NULL,
    external_id     TEXT NOT NULL,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    category        TEXT NOT NULL DEFAULT '',
    priority        TEXT NOT NULL CHECK (priority IN ('normal', 'urgent')),
    citizen_name    TEXT NOT NULL DEFAULT '',
    citizen_phone   TEXT NOT NULL DEFAULT '',
    location        TEXT NOT NULL DEFAULT '',
    received_at     TIMESTAMPTZ NOT NULL,
    callback_url    TEXT NOT NULL DEFAULT '',
    -- NULL while the appeal waits for dispatch.
    department_code TEXT REFERENCES departments (code),
    status          TEXT NOT NULL CHECK (status IN ('unassigned', 'assigned', 'claimed',
                        'pending_approval', 'answered', 'closed', 'returned')),
    assignee_id     BIGINT,
    claim_by        TIMESTAMPTZ,
    answer_by       TIMESTAMPTZ,
    resolve_by      TIMESTAMPTZ,
    -- The pending extension request; all NULL when none is pending.
    ext_by          BIGINT,
    ext_duration_s  BIGINT CHECK (ext_duration_s >= 0),
    ext_reason      TEXT,
    ext_at          TIMESTAMPTZ,
    assigned_at     TIMESTAMPTZ,
    claimed_at      TIMESTAMPTZ,
    answered_at     TIMESTAMPTZ,
    closed_at       TIMESTAMPTZ,
    next_action_at  TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (source, external_id)
);

CREATE INDEX appeals_status ON appeals (status, id);
CREATE INDEX appeals_department ON appeals (department_code, id);
-- The reminder scan selects due appeals by next_action_at.
CREATE INDEX appeals_next_action ON appeals (next_action_at) WHERE next_action_at IS NOT NULL;

CREATE TABLE answers (
    id         BIGSERIAL PRIMARY KEY,
    appeal_id  BIGINT NOT NULL REFERENCES appeals (id),
    author_id  BIGINT,
    text       TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected')),
    created_at TIMESTAMPTZ NOT NULL,
    decided_by BIGINT,
    decided_at TIMESTAMPTZ
);

CREATE INDEX answers_appeal ON answers (appeal_id, id);
-- An appeal waits for at most one approval at a time.
CREATE UNIQUE INDEX answers_one_pending ON answers (appeal_id) WHERE state = 'pending';

-- appeal_events is append-only: rows are never updated or deleted.
CREATE TABLE appeal_events (
    id              BIGSERIAL PRIMARY KEY,
    appeal_id       BIGINT NOT NULL REFERENCES appeals (id),
    at              TIMESTAMPTZ NOT NULL,
    kind            TEXT NOT NULL,
    actor_id        BIGINT,
    from_status     TEXT NOT NULL DEFAULT '',
    to_status       TEXT NOT NULL DEFAULT '',
    department_code TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT ''
);

CREATE INDEX appeal_events_appeal ON appeal_events (appeal_id, id);

CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    appeal_id       BIGINT REFERENCES appeals (id),
    kind            TEXT NOT NULL,
    recipient_kind  TEXT NOT NULL,
    recipient_ref   TEXT NOT NULL DEFAULT '',
    -- JSON object of string arguments.
    args            TEXT NOT NULL DEFAULT '{}',
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ,
    last_error      TEXT NOT NULL DEFAULT ''
);

CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- 0001_init: the first schema of appealbot (SQLite).
--
-- Shipped migrations are never edited: change the schema with a new numbered
-- file, and keep migrations/postgres in step with the same number.
--
-- Tables are STRICT. Times are TEXT in the fixed-width UTC form
-- 2006-01-02T15:04:05.000000Z, written by the store, so that comparing and
-- sorting the text compares and sorts the times. A NULL time is Go's zero
-- time, a NULL member id is member 0.

CREATE TABLE departments (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    timezone        TEXT NOT NULL,
    -- JSON: {"normal":{"claim":s,"answer":s,"resolve":s},"urgent":{...}}, in seconds.
    sla             TEXT NOT NULL,
    approve_answers INTEGER NOT NULL DEFAULT 0 CHECK (approve_answers IN (0, 1)),
    created_at      TEXT NOT NULL
) STRICT;

CREATE TABLE members (
    id           INTEGER PRIMARY KEY,
    network      TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    username     TEXT NOT NULL DEFAULT '',
    display_name TEXT NOT NULL DEFAULT '',
    language     TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    UNIQUE (network, external_id)
) STRICT;

-- A username belongs to one account of a network at a time.
CREATE UNIQUE INDEX members_username ON members (network, lower(username)) WHERE username <> '';

CREATE TABLE grants (
    member_id       INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'dispatcher', 'leader', 'responder')),
    -- '' for the global roles admin and dispatcher.
    department_code TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (member_id, role, department_code),
    CHECK ((role IN ('leader', 'responder')) = (department_code <> ''))
) STRICT;

CREATE INDEX grants_department ON grants (department_code, role);

CREATE TABLE chat_bindings (
    id              INTEGER PRIMARY KEY,
    purpose         TEXT NOT NULL CHECK (purpose IN ('department', 'dispatch', 'supervision')),
    department_code TEXT NOT NULL DEFAULT '',
    network         TEXT NOT NULL,
    chat_id         TEXT NOT NULL,
    topic_id        TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    UNIQUE (purpose, network, chat_id, topic_id),
    CHECK (purpose <> 'department' OR department_code <> '')
) STRICT;

CREATE INDEX chat_bindings_purpose ON chat_bindings (purpose, department_code);
CREATE INDEX chat_bindings_chat ON chat_bindings (network, chat_id);

CREATE TABLE appeals (
    -- id is the appeal's short public number; AUTOINCREMENT never reuses one.
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    source          TEXT NOT NULL,
    external_id     TEXT NOT NULL,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    category        TEXT NOT NULL DEFAULT '',
    priority        TEXT NOT NULL CHECK (priority IN ('normal', 'urgent')),
    citizen_name    TEXT NOT NULL DEFAULT '',
    citizen_phone   TEXT NOT NULL DEFAULT '',
    location        TEXT NOT NULL DEFAULT '',
    received_at     TEXT NOT NULL,
    callback_url    TEXT NOT NULL DEFAULT '',
    -- NULL while the appeal waits for dispatch.
    department_code TEXT REFERENCES departments (code),
    status          TEXT NOT NULL CHECK (status IN ('unassigned', 'assigned', 'claimed',
                        'pending_approval', 'answered', 'closed', 'returned')),
    assignee_id     INTEGER,
    claim_by        TEXT,
    answer_by       TEXT,
    resolve_by      TEXT,
    -- The pending extension request; all NULL when none is pending.
    ext_by          INTEGER,
    ext_duration_s  INTEGER CHECK (ext_duration_s >= 0),
    ext_reason      TEXT,
    ext_at          TEXT,
    assigned_at     TEXT,
    claimed_at      TEXT,
    answered_at     TEXT,
    closed_at       TEXT,
    next_action_at  TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (source, external_id)
) STRICT;

CREATE INDEX appeals_status ON appeals (status, id);
CREATE INDEX appeals_department ON appeals (department_code, id);
-- The reminder scan selects due appeals by next_action_at.
CREATE INDEX appeals_next_action ON appeals (next_action_at) WHERE next_action_at IS NOT NULL;

CREATE TABLE answers (
    id         INTEGER PRIMARY KEY,
    appeal_id  INTEGER NOT NULL REFERENCES appeals (id),
    author_id  INTEGER,
    text       TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected')),
    created_at TEXT NOT NULL,
    decided_by INTEGER,
    decided_at TEXT
) STRICT;

CREATE INDEX answers_appeal ON answers (appeal_id, id);
-- An appeal waits for at most one approval at a time.
CREATE UNIQUE INDEX answers_one_pending ON answers (appeal_id) WHERE state = 'pending';

-- appeal_events is append-only: rows are never updated or deleted.
CREATE TABLE appeal_events (
    id              INTEGER PRIMARY KEY,
    appeal_id       INTEGER NOT NULL REFERENCES appeals (id),
    at              TEXT NOT NULL,
    kind            TEXT NOT NULL,
    actor_id        INTEGER,
    from_status     TEXT NOT NULL DEFAULT '',
    to_status       TEXT NOT NULL DEFAULT '',
    department_code TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX appeal_events_appeal ON appeal_events (appeal_id, id);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    appeal_id       INTEGER REFERENCES appeals (id),
    kind            TEXT NOT NULL,
    recipient_kind  TEXT NOT NULL,
    recipient_ref   TEXT NOT NULL DEFAULT '',
    -- JSON object of string arguments.
    args            TEXT NOT NULL DEFAULT '{}',
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    last_error      TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- 0020_routing: the routing catalogue (派单目录), the learned router's
-- models and its imported examples, and who assigned when it was no member
-- (PostgreSQL). Keep migrations/sqlite/0020_routing.sql in step.

-- Who acted when it was not a member: "rule:NAME" for a catalogue rule,
-- "router" for the learned router; '' otherwise.
ALTER TABLE appeal_events ADD COLUMN via TEXT NOT NULL DEFAULT '';

-- The catalogue is replaced as a whole; position orders the rules.
CREATE TABLE routing_rules (
    position        INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    category        TEXT NOT NULL DEFAULT '',
    -- JSON array of strings.
    keywords        TEXT NOT NULL DEFAULT '[]',
    location        TEXT NOT NULL DEFAULT '',
    department_code TEXT NOT NULL
);

-- Past appeals handed in to teach the router before the centre has a
-- history of its own (cold start).
CREATE TABLE routing_examples (
    id              BIGSERIAL PRIMARY KEY,
    title           TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL DEFAULT '',
    category        TEXT NOT NULL DEFAULT '',
    location        TEXT NOT NULL DEFAULT '',
    department_code TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);

-- Trained models, newest version last; every instance uses the newest.
CREATE TABLE routing_models (
    version    BIGSERIAL PRIMARY KEY,
    model      BYTEA NOT NULL,
    -- How many labelled appeals and examples it learned from.
    examples   INTEGER NOT NULL,
    -- The figure of the training data the next training compares with.
    mark       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- Similar appeals are looked for among the open appeals of the last 30
-- days: a range of this index, however many closed appeals there are.
CREATE INDEX appeals_open_created ON appeals (created_at) WHERE status <> 'closed';

-- /stats counts the router's assignments of a period and their returns.
CREATE INDEX appeal_events_router ON appeal_events (at) WHERE via = 'router';

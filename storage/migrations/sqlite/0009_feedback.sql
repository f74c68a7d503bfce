-- 0009_feedback: citizens' verdicts on answers, the structured outcome of
-- events, and what the figures (KPIs) read (SQLite). Keep
-- migrations/postgres/0009_feedback.sql in step.

-- outcome: a department's close says resolved or unresolved; a feedback
-- event carries the citizen's verdict. Empty for every other event, and
-- for closes recorded before this migration.
ALTER TABLE appeal_events ADD COLUMN outcome TEXT NOT NULL DEFAULT '';

-- The figures of a period read the logs of appeals with an event at or
-- after the period's start.
CREATE INDEX appeal_events_at ON appeal_events (at, appeal_id);

-- One row per verdict, written in the same transaction as its event (and,
-- for "unsatisfied", the reopen). The unique key is what makes an upstream
-- retry a no-op: dedupe_key is "id:" and the upstream's feedback id, or the
-- answer judged with the result and a hash of the comment.
CREATE TABLE feedback (
    id              INTEGER PRIMARY KEY,
    appeal_id       INTEGER NOT NULL REFERENCES appeals (id),
    dedupe_key      TEXT NOT NULL,
    external_id     TEXT NOT NULL DEFAULT '',
    result          TEXT NOT NULL CHECK (result IN ('satisfied', 'unsatisfied', 'no_answer')),
    comment         TEXT NOT NULL DEFAULT '',
    department_code TEXT NOT NULL DEFAULT '',
    answered_at     TEXT,
    reopened        INTEGER NOT NULL DEFAULT 0 CHECK (reopened IN (0, 1)),
    created_at      TEXT NOT NULL,
    UNIQUE (appeal_id, dedupe_key)
) STRICT;

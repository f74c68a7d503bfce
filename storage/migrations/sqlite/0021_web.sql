-- 0021_web: the leaders' web view: single-use login links sent in chat and
-- the sessions they open (SQLite). Keep migrations/postgres/0021_web.sql
-- in step.

-- A link's token is stored only as its SHA-256 (hex): whoever reads the
-- table cannot log in with it. used_at is set once, in the transaction
-- that opens the session, so a link opens one session on any instance.
CREATE TABLE web_links (
    token_hash TEXT PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);

CREATE INDEX web_links_expires ON web_links (expires_at);

-- A session's cookie value is stored only as its SHA-256 (hex).
CREATE TABLE web_sessions (
    token_hash TEXT PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    -- Set by logging out (on the page or with /web logout).
    revoked_at TEXT
);

CREATE INDEX web_sessions_member ON web_sessions (member_id) WHERE revoked_at IS NULL;
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);

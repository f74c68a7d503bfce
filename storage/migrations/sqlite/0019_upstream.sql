-- 0019_upstream: every change told upstream, polling by change time, and
-- citizens' urges (SQLite). Keep migrations/postgres/0019_upstream.sql in step.

-- The events posted to the appeal's callback URL, comma-separated names
-- ("answered", "closed", "all", ...); '' for appeals stored before the
-- list existed, which are told only of "answered", as they were promised.
ALTER TABLE appeals ADD COLUMN callback_events TEXT NOT NULL DEFAULT '';

-- The citizen's urges (催办): how many, and the last one's time.
ALTER TABLE appeals ADD COLUMN urges INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appeals ADD COLUMN urged_at TEXT;

-- GET /api/v1/appeals?updated_since= pages through appeals by the time of
-- their last change.
CREATE INDEX appeals_updated ON appeals (updated_at, id);

-- Callbacks go out in order per appeal: a callback is claimed only when
-- no earlier one of its appeal is pending.
CREATE INDEX outbox_upstream_pending ON outbox (appeal_id, id) WHERE state = 'pending' AND recipient_kind = 'upstream';

-- 0007_claims: a claim on an outbox row is kept apart from when the row is
-- next due, so that a new delivery leader can release the claims of one
-- that died without also hurrying rows that are waiting out a backoff or a
-- retry_after (PostgreSQL). Keep migrations/sqlite/0007_claims.sql in step.
ALTER TABLE outbox ADD COLUMN claimed_until TIMESTAMPTZ;

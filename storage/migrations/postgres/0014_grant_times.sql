-- 0014_grant_times: when each role was granted (PostgreSQL). Keep
-- migrations/sqlite/0014_grant_times.sql in step.

-- A leader gets no digest of a period that ended before they were one.
-- NULL for grants made before this migration: held since long ago.
ALTER TABLE grants ADD COLUMN granted_at TIMESTAMPTZ;

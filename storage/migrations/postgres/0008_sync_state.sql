-- 0008_sync_state: where a chat network's stream of events was read up to
-- (a Matrix sync's next_batch token), so that a restart goes on from there:
-- it neither handles old events again nor misses the ones that came while
-- the bot was down (PostgreSQL). Keep migrations/sqlite/0008_sync_state.sql
-- in step.
CREATE TABLE sync_state (
    network    TEXT        NOT NULL,
    key        TEXT        NOT NULL,
    value      TEXT        NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (network, key)
);

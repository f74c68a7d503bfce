-- 0017_process: reviewed returns and transfers, capped extensions approved
-- in two steps, reopen counts (SQLite). Keep
-- migrations/postgres/0017_process.sql in step.

-- review: the return or transfer waiting for review, as JSON (NULL when
-- none waits); handoff: the last one done, as JSON. bounces counts the
-- returns and transfers done, reopens the reopens. extended_s is the
-- working time extensions granted so far, ext_cost_s what the pending
-- request would add; ext_leader_by/ext_leader_at the leader who approved a
-- request that waits for dispatch.
ALTER TABLE appeals ADD COLUMN review TEXT;
ALTER TABLE appeals ADD COLUMN handoff TEXT;
ALTER TABLE appeals ADD COLUMN bounces INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appeals ADD COLUMN reopens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appeals ADD COLUMN extended_s INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appeals ADD COLUMN ext_cost_s INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appeals ADD COLUMN ext_leader_by INTEGER;
ALTER TABLE appeals ADD COLUMN ext_leader_at TEXT;

-- direct_transfer: the department's transfers need no review;
-- dispatch_extensions: its extensions need dispatch's approval after a
-- leader's.
ALTER TABLE departments ADD COLUMN direct_transfer INTEGER NOT NULL DEFAULT 0;
ALTER TABLE departments ADD COLUMN dispatch_extensions INTEGER NOT NULL DEFAULT 0;

-- Prompts of an appeal are found by kind to close them once decided.
CREATE INDEX outbox_appeal_kind ON outbox (appeal_id, kind, id);

-- 0005_reminders: what the reminder scan records (PostgreSQL). Keep
-- migrations/sqlite/0005_reminders.sql in step.

-- One row per reminder or escalation stage of an appeal, sent or passed
-- over by a catch-up, written in the same transaction as its outbox
-- message: the unique key is what makes each stage happen at most once,
-- whatever the number of scanners. round is the appeal's assigned_at, so a
-- transfer or reopen (a new assignment with new deadlines) starts afresh.
CREATE TABLE reminder_stages (
    appeal_id BIGINT NOT NULL REFERENCES appeals (id),
    round     TIMESTAMPTZ NOT NULL,
    stage     TEXT NOT NULL,
    sent      BOOLEAN NOT NULL,
    at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (appeal_id, round, stage)
);

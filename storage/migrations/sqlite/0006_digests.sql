-- 0006_digests: leaders' digests (SQLite). Keep migrations/postgres/0006_digests.sql
-- in step.

-- A department's digest schedules: a cron spec (minute hour day month weekday)
-- in the department's timezone per kind. A department without a row uses the
-- configured default for that kind.
CREATE TABLE digest_schedules (
    department_code TEXT NOT NULL REFERENCES departments (code),
    kind            TEXT NOT NULL CHECK (kind IN ('daily', 'weekly')),
    spec            TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (department_code, kind)
) STRICT;

-- Every digest sent: the unique key is what makes a scheduled digest go out
-- once per period, whatever restarts or instances; the row is written in the
-- same transaction as the digest's outbox messages. Kind 'now' rows are
-- digests asked for with /digest now, period_start being the minute asked
-- in, so that the key also limits those to one a minute per department.
CREATE TABLE digests (
    id              INTEGER PRIMARY KEY,
    department_code TEXT NOT NULL REFERENCES departments (code),
    kind            TEXT NOT NULL CHECK (kind IN ('daily', 'weekly', 'now')),
    period_start    TEXT NOT NULL,
    period_end      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (department_code, kind, period_start)
) STRICT;

-- What a digest reads: appeals of a department by status (open now) and by
-- the moments that fall in its period.
CREATE INDEX appeals_department_status ON appeals (department_code, status);
CREATE INDEX appeals_department_assigned ON appeals (department_code, assigned_at);
CREATE INDEX appeals_department_claimed ON appeals (department_code, claimed_at);
CREATE INDEX appeals_department_answered ON appeals (department_code, answered_at);
CREATE INDEX appeals_department_closed ON appeals (department_code, closed_at);
CREATE INDEX appeals_department_answer_by ON appeals (department_code, answer_by);

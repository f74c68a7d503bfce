-- 0011_ladder: a clock for every open status (SQLite). Keep
-- migrations/postgres/0011_ladder.sql in step.

-- dispatched_at/dispatch_by: when an unassigned or returned appeal came to
-- dispatch and by when dispatch must give it to a department.
-- asked_at/decide_by: when a leader was asked to decide on an answer or a
-- request for more time, and by when. extended_at: the last approved
-- extension of the current assignment (the answer's reminders start over).
ALTER TABLE appeals ADD COLUMN dispatched_at TEXT;
ALTER TABLE appeals ADD COLUMN dispatch_by TEXT;
ALTER TABLE appeals ADD COLUMN asked_at TEXT;
ALTER TABLE appeals ADD COLUMN decide_by TEXT;
ALTER TABLE appeals ADD COLUMN extended_at TEXT;

-- The scan reads an appeal's stages of one kind, and the latest repeat,
-- without reading every repeat recorded before.
CREATE INDEX reminder_stages_latest ON reminder_stages (appeal_id, stage, round);

-- Appeals already waiting get their clocks from when they last changed:
-- dispatch's 2 hours and a leader's day as calendar time (the defaults,
-- 2 working hours and 1 working day, need the calendar), and every open
-- appeal without a next action is looked at by the first scan, which puts
-- it on the ladder of its status. Times are written as the store writes
-- them ("2006-01-02T15:04:05.000000Z": the fraction and Z kept as they
-- were), so that they compare as text.
UPDATE appeals SET dispatched_at = updated_at,
    dispatch_by = strftime('%Y-%m-%dT%H:%M:%S', updated_at, '+2 hours') || substr(updated_at, 20)
    WHERE status IN ('unassigned', 'returned');
UPDATE appeals SET asked_at = ext_at,
    decide_by = strftime('%Y-%m-%dT%H:%M:%S', ext_at, '+1 day') || substr(ext_at, 20)
    WHERE ext_duration_s IS NOT NULL AND ext_at IS NOT NULL AND status <> 'closed';
UPDATE appeals SET
    asked_at = (SELECT MAX(created_at) FROM answers WHERE answers.appeal_id = appeals.id AND state = 'pending'),
    decide_by = (SELECT strftime('%Y-%m-%dT%H:%M:%S', MAX(created_at), '+1 day') || substr(MAX(created_at), 20)
        FROM answers WHERE answers.appeal_id = appeals.id AND state = 'pending')
    WHERE status = 'pending_approval';
UPDATE appeals SET next_action_at = updated_at WHERE status <> 'closed' AND next_action_at IS NULL;

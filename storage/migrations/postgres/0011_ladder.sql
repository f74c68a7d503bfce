-- 0011_ladder: a clock for every open status (PostgreSQL). Keep
-- migrations/sqlite/0011_ladder.sql in step.

-- dispatched_at/dispatch_by: when an unassigned or returned appeal came to
-- dispatch and by when dispatch must give it to a department.
-- asked_at/decide_by: when a leader was asked to decide on an answer or a
-- request for more time, and by when. extended_at: the last approved
-- extension of the current assignment (the answer's reminders start over).
ALTER TABLE appeals ADD COLUMN dispatched_at TIMESTAMPTZ;
ALTER TABLE appeals ADD COLUMN dispatch_by TIMESTAMPTZ;
ALTER TABLE appeals ADD COLUMN asked_at TIMESTAMPTZ;
ALTER TABLE appeals ADD COLUMN decide_by TIMESTAMPTZ;
ALTER TABLE appeals ADD COLUMN extended_at TIMESTAMPTZ;

-- The scan reads an appeal's stages of one kind, and the latest repeat,
-- without reading every repeat recorded before.
CREATE INDEX reminder_stages_latest ON reminder_stages (appeal_id, stage, round);

-- Appeals already waiting get their clocks from when they last changed:
-- dispatch's 2 hours and a leader's day as calendar time (the defaults,
-- 2 working hours and 1 working day, need the calendar), and every open
-- appeal without a next action is looked at by the first scan, which puts
-- it on the ladder of its status.
UPDATE appeals SET dispatched_at = updated_at, dispatch_by = updated_at + INTERVAL '2 hours'
    WHERE status IN ('unassigned', 'returned');
UPDATE appeals SET asked_at = ext_at, decide_by = ext_at + INTERVAL '1 day'
    WHERE ext_duration_s IS NOT NULL AND ext_at IS NOT NULL AND status <> 'closed';
UPDATE appeals SET asked_at = p.at, decide_by = p.at + INTERVAL '1 day'
    FROM (SELECT appeal_id, MAX(created_at) AS at FROM answers WHERE state = 'pending' GROUP BY appeal_id) p
    WHERE p.appeal_id = appeals.id AND appeals.status = 'pending_approval';
UPDATE appeals SET next_action_at = updated_at WHERE status <> 'closed' AND next_action_at IS NULL;

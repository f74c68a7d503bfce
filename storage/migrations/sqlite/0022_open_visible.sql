-- 0022_open_visible: index the appeals waiting for dispatch (SQLite).
-- Keep migrations/postgres/0022_open_visible.sql in step.

-- SQLite has no visibility map: its partial index appeals_open_deadlines
-- is read alone already.

-- The dispatch page lists the appeals waiting for dispatch, the longest
-- waiting first, and counts them: from this index alone, however long
-- the history.
CREATE INDEX appeals_waiting_dispatch ON appeals (COALESCE(dispatched_at, received_at), id)
    WHERE status IN ('unassigned', 'returned');

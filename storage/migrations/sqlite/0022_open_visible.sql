-- 0022_open_visible: keep the appeals' visibility map fresh (SQLite).
-- Keep migrations/postgres/0022_open_visible.sql in step.

-- Nothing to do: SQLite has no visibility map; its partial index
-- appeals_open_deadlines is read alone already.
SELECT 1;

-- 0010_export_metrics: indexes for the CSV export and the metrics scrape
-- (SQLite). Keep migrations/postgres/0010_export_metrics.sql in step.

-- The export reads the appeals received in a time range, in order.
CREATE INDEX appeals_received ON appeals (received_at, id);

-- The metrics scrape counts events by kind and department; this index holds
-- both, so the count reads the index alone.
CREATE INDEX appeal_events_kind_department ON appeal_events (kind, department_code);

-- The metrics scrape counts the appeals not closed by department and status
-- and checks their deadlines: this partial index holds all it reads, so the
-- count reads neither closed appeals nor, for the most part, the table.
CREATE INDEX appeals_open_deadlines ON appeals (status, department_code, claim_by, answer_by, resolve_by)
    WHERE status <> 'closed';

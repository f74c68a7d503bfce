-- 0004_calendar: the working-time calendar and SLA spans (SQLite). Keep
-- migrations/postgres/0004_calendar.sql in step.

-- Public holidays and make-up working days (调休), shared by every
-- department; each department applies them in its own time zone. One row a
-- day, so that a day can be only one of the two (the primary key) and a
-- year can be replaced as a whole. A holiday of several days is a run of
-- rows with the same name.
CREATE TABLE calendar_days (
    day   TEXT PRIMARY KEY CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    kind  TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name  TEXT NOT NULL DEFAULT ''
);

-- A pending extension as a span ("2wd", "8wh", "48h"). ext_duration_s stays
-- what marks an extension as pending (non-NULL); rows written before this
-- migration have no span and are read as calendar time in seconds.
ALTER TABLE appeals ADD COLUMN ext_span TEXT;

-- departments.sla holds spans as strings from now on
-- ({"normal":{"claim":"2wh",...}}); policies stored before as whole seconds
-- are still read, as calendar time, and rewritten as spans on the next save.

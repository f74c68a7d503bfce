-- 0024_facts_by_time: the facts keyed by their instant, several in a row,
-- and the open stays' deadlines in a table of their own (PostgreSQL).
-- Keep migrations/sqlite/0024_facts_by_time.sql in step.
--
-- Every read of the facts is a range of instants: the partial days of a
-- period, and the deadlines of stays still open (kinds 15 and 18,
-- kpi.FactClaimPending and kpi.FactAnswerPending) that fall in it. Rows
-- are changed and removed only by their whole key. With the instant first
-- the primary keys serve the ranges, so kpi_facts_at and kpi_facts_pending,
-- which every new appeal's facts had to be written to as well, go.
--
-- A row of kpi_facts now holds the facts of one appeal, department,
-- instant and buckets that the appeal has n times each: kinds is their
-- set, bit k for kind k (a new appeal's arrival, intake and stay kept
-- unanswered are one row, where they were three). Facts other than the
-- deadlines are never later than the change that writes them, so new rows
-- go to the end of kpi_facts's key; the deadlines, ahead of now, are kept
-- apart in kpi_pending, a row per deadline.

CREATE TABLE kpi_pending (
    at              TIMESTAMPTZ NOT NULL,
    appeal_id       BIGINT NOT NULL,
    department_code TEXT NOT NULL,
    kind            SMALLINT NOT NULL CHECK (kind IN (15, 18)),
    n               INTEGER NOT NULL,
    PRIMARY KEY (at, appeal_id, department_code, kind)
);

INSERT INTO kpi_pending (at, appeal_id, department_code, kind, n)
SELECT at, appeal_id, department_code, kind, n FROM kpi_facts WHERE kind IN (15, 18);

CREATE TABLE kpi_facts_packed (
    at              TIMESTAMPTZ NOT NULL,
    appeal_id       BIGINT NOT NULL,
    department_code TEXT NOT NULL,
    wall_bucket     SMALLINT NOT NULL,
    work_bucket     SMALLINT NOT NULL,
    n               INTEGER NOT NULL,
    kinds           BIGINT NOT NULL CHECK (kinds > 0 AND kinds & 294912 = 0),
    PRIMARY KEY (at, appeal_id, department_code, wall_bucket, work_bucket, n)
);

-- The kinds of a group differ (they were part of 0013's key), so their
-- sum is their set.
INSERT INTO kpi_facts_packed (at, appeal_id, department_code, wall_bucket, work_bucket, n, kinds)
SELECT at, appeal_id, department_code, wall_bucket, work_bucket, n, SUM(1::BIGINT << kind)
FROM kpi_facts WHERE kind NOT IN (15, 18)
GROUP BY at, appeal_id, department_code, wall_bucket, work_bucket, n;

DROP TABLE kpi_facts;
ALTER TABLE kpi_facts_packed RENAME TO kpi_facts;
ALTER INDEX kpi_facts_packed_pkey RENAME TO kpi_facts_pkey;

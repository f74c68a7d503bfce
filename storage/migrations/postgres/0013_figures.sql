-- 0013_figures: the figures kept per department and day (PostgreSQL).
--
-- kpi_facts holds every appeal's facts (package kpi: a claim, a close, a
-- claim decided on time, a stay received...) with their instant; n counts
-- equal facts of one appeal. kpi_sums counts them per department and day
-- (grain 1) and month (grain 2) of the deployment's time zone; period is
-- the day's number since 1970-01-01 or year*12 + month - 1; column kNN
-- counts the facts of kind NN. kpi_hist counts the times to claim and to
-- answer of those facts by bucket (kpi.Bucket): hist 0 and 1 are the time
-- to claim in wall and in working time, 2 and 3 the time to answer;
-- column bNN counts bucket NN. Rows are kept narrow: every change of an
-- appeal updates a few of them, in its own transaction. kpi_build records
-- the one-time build from the existing log: the time zone of the days,
-- the last appeal id done, done.

CREATE TABLE kpi_facts (
    appeal_id       BIGINT NOT NULL,
    department_code TEXT NOT NULL,
    kind            SMALLINT NOT NULL,
    at              TIMESTAMPTZ NOT NULL,
    wall_bucket     SMALLINT NOT NULL,
    work_bucket     SMALLINT NOT NULL,
    n               INTEGER NOT NULL,
    PRIMARY KEY (appeal_id, department_code, kind, at, wall_bucket, work_bucket)
);

CREATE INDEX kpi_facts_at ON kpi_facts (at);

-- The deadlines of stays still open (kinds 15 and 18, kpi.FactClaimPending
-- and kpi.FactAnswerPending) are counted from kpi_facts alone, not summed:
-- this index keeps that count to the open stays.
CREATE INDEX kpi_facts_pending ON kpi_facts (at) WHERE kind IN (15, 18);

CREATE TABLE kpi_sums (
    grain           SMALLINT NOT NULL,
    period          INTEGER NOT NULL,
    department_code TEXT NOT NULL,
    k00 INTEGER NOT NULL DEFAULT 0,
    k01 INTEGER NOT NULL DEFAULT 0,
    k02 INTEGER NOT NULL DEFAULT 0,
    k03 INTEGER NOT NULL DEFAULT 0,
    k04 INTEGER NOT NULL DEFAULT 0,
    k05 INTEGER NOT NULL DEFAULT 0,
    k06 INTEGER NOT NULL DEFAULT 0,
    k07 INTEGER NOT NULL DEFAULT 0,
    k08 INTEGER NOT NULL DEFAULT 0,
    k09 INTEGER NOT NULL DEFAULT 0,
    k10 INTEGER NOT NULL DEFAULT 0,
    k11 INTEGER NOT NULL DEFAULT 0,
    k12 INTEGER NOT NULL DEFAULT 0,
    k13 INTEGER NOT NULL DEFAULT 0,
    k14 INTEGER NOT NULL DEFAULT 0,
    k15 INTEGER NOT NULL DEFAULT 0,
    k16 INTEGER NOT NULL DEFAULT 0,
    k17 INTEGER NOT NULL DEFAULT 0,
    k18 INTEGER NOT NULL DEFAULT 0,
    k19 INTEGER NOT NULL DEFAULT 0,
    k20 INTEGER NOT NULL DEFAULT 0,
    k21 INTEGER NOT NULL DEFAULT 0,
    k22 INTEGER NOT NULL DEFAULT 0,
    k23 INTEGER NOT NULL DEFAULT 0,
    k24 INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, period, department_code)
);

CREATE TABLE kpi_hist (
    grain           SMALLINT NOT NULL,
    period          INTEGER NOT NULL,
    department_code TEXT NOT NULL,
    hist            SMALLINT NOT NULL,
    b00 INTEGER NOT NULL DEFAULT 0,
    b01 INTEGER NOT NULL DEFAULT 0,
    b02 INTEGER NOT NULL DEFAULT 0,
    b03 INTEGER NOT NULL DEFAULT 0,
    b04 INTEGER NOT NULL DEFAULT 0,
    b05 INTEGER NOT NULL DEFAULT 0,
    b06 INTEGER NOT NULL DEFAULT 0,
    b07 INTEGER NOT NULL DEFAULT 0,
    b08 INTEGER NOT NULL DEFAULT 0,
    b09 INTEGER NOT NULL DEFAULT 0,
    b10 INTEGER NOT NULL DEFAULT 0,
    b11 INTEGER NOT NULL DEFAULT 0,
    b12 INTEGER NOT NULL DEFAULT 0,
    b13 INTEGER NOT NULL DEFAULT 0,
    b14 INTEGER NOT NULL DEFAULT 0,
    b15 INTEGER NOT NULL DEFAULT 0,
    b16 INTEGER NOT NULL DEFAULT 0,
    b17 INTEGER NOT NULL DEFAULT 0,
    b18 INTEGER NOT NULL DEFAULT 0,
    b19 INTEGER NOT NULL DEFAULT 0,
    b20 INTEGER NOT NULL DEFAULT 0,
    b21 INTEGER NOT NULL DEFAULT 0,
    b22 INTEGER NOT NULL DEFAULT 0,
    b23 INTEGER NOT NULL DEFAULT 0,
    b24 INTEGER NOT NULL DEFAULT 0,
    b25 INTEGER NOT NULL DEFAULT 0,
    b26 INTEGER NOT NULL DEFAULT 0,
    b27 INTEGER NOT NULL DEFAULT 0,
    b28 INTEGER NOT NULL DEFAULT 0,
    b29 INTEGER NOT NULL DEFAULT 0,
    b30 INTEGER NOT NULL DEFAULT 0,
    b31 INTEGER NOT NULL DEFAULT 0,
    b32 INTEGER NOT NULL DEFAULT 0,
    b33 INTEGER NOT NULL DEFAULT 0,
    b34 INTEGER NOT NULL DEFAULT 0,
    b35 INTEGER NOT NULL DEFAULT 0,
    b36 INTEGER NOT NULL DEFAULT 0,
    b37 INTEGER NOT NULL DEFAULT 0,
    b38 INTEGER NOT NULL DEFAULT 0,
    b39 INTEGER NOT NULL DEFAULT 0,
    b40 INTEGER NOT NULL DEFAULT 0,
    b41 INTEGER NOT NULL DEFAULT 0,
    b42 INTEGER NOT NULL DEFAULT 0,
    b43 INTEGER NOT NULL DEFAULT 0,
    b44 INTEGER NOT NULL DEFAULT 0,
    b45 INTEGER NOT NULL DEFAULT 0,
    b46 INTEGER NOT NULL DEFAULT 0,
    b47 INTEGER NOT NULL DEFAULT 0,
    b48 INTEGER NOT NULL DEFAULT 0,
    b49 INTEGER NOT NULL DEFAULT 0,
    b50 INTEGER NOT NULL DEFAULT 0,
    b51 INTEGER NOT NULL DEFAULT 0,
    b52 INTEGER NOT NULL DEFAULT 0,
    b53 INTEGER NOT NULL DEFAULT 0,
    b54 INTEGER NOT NULL DEFAULT 0,
    b55 INTEGER NOT NULL DEFAULT 0,
    b56 INTEGER NOT NULL DEFAULT 0,
    b57 INTEGER NOT NULL DEFAULT 0,
    b58 INTEGER NOT NULL DEFAULT 0,
    b59 INTEGER NOT NULL DEFAULT 0,
    b60 INTEGER NOT NULL DEFAULT 0,
    b61 INTEGER NOT NULL DEFAULT 0,
    b62 INTEGER NOT NULL DEFAULT 0,
    b63 INTEGER NOT NULL DEFAULT 0,
    b64 INTEGER NOT NULL DEFAULT 0,
    b65 INTEGER NOT NULL DEFAULT 0,
    b66 INTEGER NOT NULL DEFAULT 0,
    b67 INTEGER NOT NULL DEFAULT 0,
    b68 INTEGER NOT NULL DEFAULT 0,
    b69 INTEGER NOT NULL DEFAULT 0,
    b70 INTEGER NOT NULL DEFAULT 0,
    b71 INTEGER NOT NULL DEFAULT 0,
    b72 INTEGER NOT NULL DEFAULT 0,
    b73 INTEGER NOT NULL DEFAULT 0,
    b74 INTEGER NOT NULL DEFAULT 0,
    b75 INTEGER NOT NULL DEFAULT 0,
    b76 INTEGER NOT NULL DEFAULT 0,
    b77 INTEGER NOT NULL DEFAULT 0,
    b78 INTEGER NOT NULL DEFAULT 0,
    b79 INTEGER NOT NULL DEFAULT 0,
    b80 INTEGER NOT NULL DEFAULT 0,
    b81 INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, period, department_code, hist)
);

CREATE TABLE kpi_build (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    zone     TEXT NOT NULL,
    progress BIGINT NOT NULL,
    done     INTEGER NOT NULL
);

INSERT INTO kpi_build (id, zone, progress, done) VALUES (1, '', 0, 0);

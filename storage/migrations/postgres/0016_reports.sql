-- 0016_reports: the citizen's e-mail, and what civic reporting apps
-- (Open311 GeoReport clients) send with an appeal (PostgreSQL). Keep
-- migrations/sqlite/0016_reports.sql in step.

ALTER TABLE appeals ADD COLUMN citizen_email TEXT NOT NULL DEFAULT '';

-- A report belongs to the appeal with the same source and external id. It
-- is written before the appeal, under the appeal's idempotency key, so it
-- refers to no appeal row; the unique key of appeals makes the join exact.
CREATE TABLE reports (
    source         TEXT NOT NULL,
    external_id    TEXT NOT NULL,
    service_code   TEXT NOT NULL,
    token          TEXT NOT NULL DEFAULT '',
    device_id      TEXT NOT NULL DEFAULT '',
    account_id     TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    -- NULL when the app gave no point.
    lat            DOUBLE PRECISION,
    long           DOUBLE PRECISION,
    address_string TEXT NOT NULL DEFAULT '',
    address_id     TEXT NOT NULL DEFAULT '',
    -- JSON: an array of URLs, an array of {"code", "values"}.
    media_urls     TEXT NOT NULL DEFAULT '[]',
    attributes     TEXT NOT NULL DEFAULT '[]',
    created_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, external_id)
);

-- GET tokens/{token} finds requests by the client's token.
CREATE INDEX reports_token ON reports (token) WHERE token <> '';

-- 0023_attachments: the photos answers carry and the links intakes name
-- (PostgreSQL). Keep migrations/sqlite/0023_attachments.sql in step.

-- n numbers an appeal's attachments from 1. An answer's photos are written
-- in the transaction that writes the answer, under the appeal's row lock,
-- so numbers have no gaps and a failed answer leaves none. Bytes are kept
-- here (data), at most APPEALBOT_ATTACHMENT_MAX_BYTES each; a link from
-- intake has url and no data.
CREATE TABLE appeal_attachments (
    appeal_id  BIGINT NOT NULL REFERENCES appeals (id),
    n          INTEGER NOT NULL CHECK (n > 0),
    kind       TEXT NOT NULL CHECK (kind IN ('answer', 'intake')),
    answer_id  BIGINT REFERENCES answers (id),
    name       TEXT NOT NULL,
    mime       TEXT NOT NULL,
    size       BIGINT NOT NULL CHECK (size >= 0),
    data       BYTEA,
    url        TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (appeal_id, n),
    CHECK ((kind = 'answer') = (answer_id IS NOT NULL AND data IS NOT NULL)),
    CHECK ((kind = 'intake') = (url <> ''))
);
-- The bytes are read one attachment at a time; listing reads the other
-- columns only.
ALTER TABLE appeal_attachments ALTER COLUMN data SET STORAGE EXTERNAL;

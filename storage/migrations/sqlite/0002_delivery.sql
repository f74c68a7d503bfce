-- 0002_delivery: what delivering the outbox to chats and upstream needs
-- (SQLite). Keep migrations/postgres/0002_delivery.sql in step.

-- The card message of an appeal in a chat (and topic), edited in place as the
-- appeal changes. topic_id is '' outside forum topics.
CREATE TABLE cards (
    appeal_id  INTEGER NOT NULL REFERENCES appeals (id),
    network    TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    topic_id   TEXT NOT NULL DEFAULT '',
    message_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (appeal_id, network, chat_id, topic_id)
) STRICT;

-- A button press names the chat and message; this finds the appeal. It also
-- serves MigrateChat.
CREATE INDEX cards_message ON cards (network, chat_id, message_id);

-- Chat updates handled already, so a redelivered update is handled once.
CREATE TABLE processed_updates (
    network      TEXT NOT NULL,
    update_id    TEXT NOT NULL,
    processed_at TEXT NOT NULL,
    PRIMARY KEY (network, update_id)
) STRICT;

CREATE INDEX processed_updates_at ON processed_updates (processed_at);

CREATE TABLE chat_settings (
    network    TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    language   TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (network, chat_id)
) STRICT;

-- When a message was given up for good.
ALTER TABLE outbox ADD COLUMN failed_at TEXT;

-- The claim scan: due pending rows of some recipient kinds. Settled rows,
-- the bulk of the table, are not in this index at all.
CREATE INDEX outbox_pending ON outbox (next_attempt_at, recipient_kind) WHERE state = 'pending';
-- OutboxFor: the rows of one appeal for one recipient kind.
CREATE INDEX outbox_appeal ON outbox (appeal_id, recipient_kind, id);

-- The chats an outbox row has reached, so that a retry skips them.
CREATE TABLE outbox_deliveries (
    outbox_id    INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    network      TEXT NOT NULL,
    chat_id      TEXT NOT NULL,
    topic_id     TEXT NOT NULL DEFAULT '',
    message_id   TEXT NOT NULL DEFAULT '',
    delivered_at TEXT NOT NULL,
    PRIMARY KEY (outbox_id, network, chat_id, topic_id)
) STRICT;

-- MigrateChat.
CREATE INDEX outbox_deliveries_chat ON outbox_deliveries (network, chat_id);

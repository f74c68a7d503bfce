-- 0012_undeliverable: messages that no one can receive yet wait rather
-- than fail (PostgreSQL). Keep migrations/sqlite/0012_undeliverable.sql in step.

-- When delivery last found no chat, leader or admin able to receive the
-- message; NULL while it can be routed. Such a message stays pending and
-- is tried again, at once when a chat is bound or a role granted.
ALTER TABLE outbox ADD COLUMN undeliverable_since TIMESTAMPTZ;

-- The health check, the metrics scrape and the release after a binding
-- read only the waiting messages.
CREATE INDEX outbox_undeliverable ON outbox (id) WHERE state = 'pending' AND undeliverable_since IS NOT NULL;

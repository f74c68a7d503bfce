-- 0018_private: a reply in a private chat to a message about an appeal
-- (the contact details, "assigned to you", the prompt for an answer)
-- answers it; the message is found by its chat and id (SQLite). Keep
-- migrations/postgres/0018_private.sql in step.

CREATE INDEX outbox_deliveries_message ON outbox_deliveries (network, chat_id, message_id);

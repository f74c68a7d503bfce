-- 0003_pacing: what pacing delivery to chat limits needs (PostgreSQL). Keep
-- migrations/sqlite/0003_pacing.sql in step.

-- A card that is a digest: one message showing several new appeals at once.
-- A later change to one of them posts a card of its own instead of editing
-- the digest.
ALTER TABLE cards ADD COLUMN digest BOOLEAN NOT NULL DEFAULT FALSE;

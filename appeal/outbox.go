package appeal

import "time"

// Outbox states.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// OutboxMessage is an outbound message as the outbox holds it: the message
// with where its delivery stands.
type OutboxMessage struct {
	ID        int64
	CreatedAt time.Time
	Message
	// State is OutboxPending, OutboxSent or OutboxFailed.
	State         string
	Attempts      int
	NextAttemptAt time.Time
	SentAt        time.Time
	// FailedAt is when the message was given up (state OutboxFailed).
	FailedAt  time.Time
	LastError string
	// ClaimedUntil is when the claim of the worker that took the message
	// ends; zero when none holds it.
	ClaimedUntil time.Time
	// UndeliverableSince is when delivery found no one able to receive
	// the message (no chat bound, no leader, no admin); zero while it can
	// be routed. Such a message waits and is tried again.
	UndeliverableSince time.Time
}

// Delivery records that an outbox message reached one chat (and topic), so
// that a retry of the message skips that chat.
type Delivery struct {
	OutboxID int64
	Network  string
	ChatID   string
	// TopicID is "" outside forum topics.
	TopicID   string
	MessageID string
	At        time.Time
}

// Card is the message that shows an appeal in a chat (and topic). The bot
// keeps one per appeal and chat and edits it as the appeal changes.
type Card struct {
	AppealID ID
	Network  string
	ChatID   string
	// TopicID is "" outside forum topics.
	TopicID   string
	MessageID string
	// Digest marks a message that shows several new appeals at once: a
	// change to the appeal posts a card of its own rather than edit it.
	Digest bool
}

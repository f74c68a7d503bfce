package appeal

import "time"

// MetricCounts is what the metrics scrape reads of appeals and the outbox
// as they are now, so that every instance reports the same values.
type MetricCounts struct {
	// Open counts the appeals not closed, by department ("" while waiting
	// for dispatch) and status, with how many of them are past the
	// deadline they must meet next (claim, answer or resolve).
	Open []OpenCount
	// Outbox counts the messages waiting for delivery, by recipient kind.
	Outbox []OutboxCount
	// Undeliverable counts the pending messages that no one could receive
	// when delivery last tried them (OutboxMessage.UndeliverableSince).
	Undeliverable int64
}

// OpenCount is the number of open appeals of one department in one status.
type OpenCount struct {
	Department string
	Status     Status
	N          int64
	Overdue    int64
}

// OutboxCount is the backlog of one recipient kind.
type OutboxCount struct {
	Recipient RecipientKind
	Pending   int64
	// Oldest is when the oldest pending message was queued.
	Oldest time.Time
}

// Package bot is the one place that knows chat protocols. It defines the
// Transport every chat network implements (Telegram and a console today), turns
// normalised updates into protocol-free command requests, and delivers the
// outbox to chats. Nothing outside bot/ knows which network is in use.
package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Transport is one chat network.
type Transport interface {
	// Network names the network ("telegram", "console"); it is the namespace
	// of chat and user ids stored for it.
	Network() string
	// Send posts a message and returns its id in the chat.
	Send(ctx context.Context, m Outgoing) (messageID string, err error)
	// Edit replaces the text and buttons of a message the bot sent earlier.
	// An edit that changes nothing is not an error.
	Edit(ctx context.Context, chat ChatRef, messageID string, m Outgoing) error
	// AnswerButton acknowledges a button press, with an optional short notice
	// shown to the person who pressed it.
	AnswerButton(ctx context.Context, pressID, notice string) error
	// Receive delivers normalised updates to handle until ctx ends. handle
	// may be called from several goroutines at once.
	Receive(ctx context.Context, handle func(context.Context, Update)) error
}

// ChatRef addresses a chat and, in a forum, one of its topics.
type ChatRef struct {
	ChatID  string
	TopicID string
}

// Button is an inline button. Data is at most 64 bytes (Telegram's limit).
type Button struct {
	Label string
	Data  string
}

// MaxButtonData is the longest button payload a network must carry.
const MaxButtonData = 64

// Outgoing is a message to send or an edit to make. HTML uses the subset
// that Telegram and Matrix both render: <b>, <i>, <u>, <s>, <code>, <pre>,
// <a href>, with every other '<', '>' and '&' escaped.
type Outgoing struct {
	Chat    ChatRef
	HTML    string
	Buttons [][]Button
	// ReplyTo is the id of the message this one answers, if any.
	ReplyTo string
	// Photo, when set, is a PNG image sent as a photo with HTML as its
	// caption (at most MaxCaption characters). Edits ignore it.
	Photo []byte
	// ForceReply asks the client to open a reply to the message (Telegram's
	// force_reply); it comes without Buttons. A network without it says
	// nothing more: the text asks for a reply already.
	ForceReply bool
}

// MaxCaption is the longest caption of a photo a network must show
// (Telegram's limit), in characters.
const MaxCaption = 1024

// User is a person as the network knows them.
type User struct {
	ID          string
	Username    string
	DisplayName string
	// Language is the client's language code, when the network tells it.
	Language string
}

// Chat is where an update happened.
type Chat struct {
	ChatRef
	// Private is a one-to-one chat with the bot.
	Private bool
	Title   string
}

// UpdateKind says what an update is.
type UpdateKind int

// Update kinds.
const (
	// UpdateCommand: a "/command args" message.
	UpdateCommand UpdateKind = iota + 1
	// UpdateButton: a press of one of the bot's buttons.
	UpdateButton
	// UpdateReply: a plain-text reply to one of the bot's messages.
	UpdateReply
	// UpdateJoined: people (possibly the bot) joined the chat.
	UpdateJoined
	// UpdateMigrated: the chat got a new id (a group became a supergroup).
	UpdateMigrated
)

// Update is one normalised event from a chat network.
type Update struct {
	// ID is unique within the network and stable across redelivery; it makes
	// handling idempotent.
	ID   string
	Kind UpdateKind
	Chat Chat
	From User
	// MessageID is the message that carried the update: the command, the
	// reply, or (for a button) the message that holds the button.
	MessageID string

	// Command (lower case, without '/' and bot name) and Args (the rest of
	// the text) for UpdateCommand.
	Command string
	Args    string
	// Text is the reply's text for UpdateReply.
	Text string
	// ReplyTo is the id of the message replied to, for commands and replies;
	// ReplyToUser is its author (for "/role add ... " given as a reply).
	ReplyTo     string
	ReplyToUser *User

	// PressID and Data for UpdateButton.
	PressID string
	Data    string

	// Attachments are the photos the command or reply carried (the
	// caption is its text); PhotoProblem says why a photo it carried is
	// not among them, so that nothing is done without it.
	Attachments  []Attachment
	PhotoProblem PhotoProblem

	// Joined lists who joined, for UpdateJoined.
	Joined []User
	// NewChatID is the chat's new id, for UpdateMigrated.
	NewChatID string
}

// Attachment is a file that came with a message: a photo, with its bytes.
type Attachment struct {
	Name string
	MIME string
	Data []byte
}

// PhotoProblem is why a photo that came with a message has no bytes.
type PhotoProblem int

// Photo problems.
const (
	// PhotoTooLarge: the photo is past the size limit, so it was not
	// fetched.
	PhotoTooLarge PhotoProblem = iota + 1
	// PhotoFailed: fetching it failed.
	PhotoFailed
	// PhotoAlbum: the message is one of several photos sent at once
	// (a Telegram album), and one photo per answer is taken.
	PhotoAlbum
)

// ErrorKind classifies a failed call to a network, so that delivery knows
// whether to retry and when.
type ErrorKind int

// Error kinds.
const (
	// Temporary: server errors, timeouts, network trouble. Retry with backoff.
	Temporary ErrorKind = iota + 1
	// RateLimited: the network said to wait RetryAfter.
	RateLimited
	// Permanent: the request can never succeed (bot removed from the chat,
	// chat not found, bad request). Do not retry.
	Permanent
)

// Error is a classified failure of a network call.
type Error struct {
	Kind ErrorKind
	// RetryAfter is how long the network asked to wait (RateLimited).
	RetryAfter time.Duration
	// Global marks a rate limit that applies to every chat, not just this one.
	Global bool
	// Reason is the network's own description.
	Reason string
	// MovedTo is the chat's new id when the chat moved (a Telegram group
	// that became a supergroup): the message can be sent there instead.
	MovedTo string
	Err     error
}

func (e *Error) Error() string {
	switch e.Kind {
	case RateLimited:
		return fmt.Sprintf("rate limited, retry after %s: %s", e.RetryAfter, e.Reason)
	case Permanent:
		return "permanent failure: " + e.Reason
	}
	return "temporary failure: " + e.Reason
}

func (e *Error) Unwrap() error { return e.Err }

// Classify returns the kind of err: a *Error's own kind, Temporary for any
// other error (network trouble is worth retrying), 0 for nil.
func Classify(err error) (ErrorKind, *Error) {
	if err == nil {
		return 0, nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind, e
	}
	return Temporary, nil
}

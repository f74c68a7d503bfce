// Package commands turns what people say in chat into actions on appeals.
// Every command and button is a protocol-free handler, func(ctx, Request)
// (Reply, error), listed in one table with its help text and who may use it;
// replies carry message keys and arguments, rendered in the reader's
// language into the HTML subset every chat network shows. Nothing here
// knows which chat network is in use.
package commands

import "time"

// Chat is where a request was made.
type Chat struct {
	ID      string
	TopicID string
	// Private is a one-to-one chat with the bot.
	Private bool
	Title   string
}

// User is the person as their chat network describes them.
type User struct {
	ID          string
	Username    string
	DisplayName string
	// Language is the client's language code, if the network tells it.
	Language string
}

// Request is one command or button press.
type Request struct {
	// Network names the chat network ("telegram", "console"); chat and user
	// ids are unique within it.
	Network string
	Chat    Chat
	From    User
	// Command is the lower-case command name without '/' ("claim"); Args is
	// the rest of the text, untrimmed.
	Command string
	Args    string
	// ReplyToUser is the author of the message the command replies to; it
	// names the USER of /role and /admin.
	ReplyToUser *User
	// Button is set when the request came from a button press.
	Button bool
	Now    time.Time
}

// Button is an inline button: a label in the reader's language and the data
// the network hands back when it is pressed (at most 64 bytes).
type Button struct {
	Label string
	Data  string
}

// Rendered is a message ready for any transport: HTML in the subset that
// Telegram and Matrix both render, at most 4096 characters, with buttons.
type Rendered struct {
	HTML    string
	Buttons [][]Button
	// Photo, when set, is a PNG sent as a photo with HTML as its caption,
	// which is then at most MaxCaption characters.
	Photo []byte
}

// MaxCaption is the longest caption of a photo, in characters.
const MaxCaption = 1024

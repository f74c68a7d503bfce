// Package commands turns what people say in chat into actions on appeals.
// Every command and button is a protocol-free handler, func(ctx, Request)
// (Reply, error), listed in one table (table.go, built by New) with its
// help text and who may use it. Here are the parsing of arguments, the
// checks of who may do what where, and the calls to the appeal service;
// replies and refusals name texts of package render's catalogue, rendered
// in the reader's language into the HTML subset every chat network shows,
// and longer replies use render's layouts. Nothing here knows which chat
// network is in use.
package commands

import (
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
)

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
	// Attachments are the photos sent with the command, with their bytes
	// (only an answer takes them); PhotoProblem says why a photo sent
	// with it could not be taken, in which case nothing is done.
	Attachments  []appeal.Attachment
	PhotoProblem PhotoProblem
}

// PhotoProblem is why a photo sent with a command could not be taken.
type PhotoProblem int

// Photo problems.
const (
	// PhotoTooLarge: past the size limit.
	PhotoTooLarge PhotoProblem = iota + 1
	// PhotoFailed: the network did not give its bytes.
	PhotoFailed
	// PhotoAlbum: one of several photos sent at once.
	PhotoAlbum
)

// Rendered and Button are render's: a reply is rendered like every other
// message.
type (
	Rendered = render.Rendered
	Button   = render.Button
)

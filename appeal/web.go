package appeal

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"time"
)

// The leaders' web view is opened by a single-use link the bot sends in a
// private chat; opening it starts a session. Both are bearer secrets: the
// store keeps only their hashes.

// Lifetimes of a login link and of the session it opens.
const (
	WebLinkTTL    = 10 * time.Minute
	WebSessionTTL = 12 * time.Hour
)

// Why a login link opens no session (besides ErrNotFound: no such link).
var (
	ErrLinkUsed    = errors.New("login link already used")
	ErrLinkExpired = errors.New("login link expired")
)

// WebLink is a login link's secret, for whom and until when it works.
type WebLink struct {
	Token     string
	Member    MemberID
	CreatedAt time.Time
	ExpiresAt time.Time
}

// WebSession is a session of the web view: the cookie's secret, whose it
// is and until when it holds (unless ended before).
type WebSession struct {
	Token     string
	Member    MemberID
	CreatedAt time.Time
	ExpiresAt time.Time
}

// NewToken returns a fresh random secret: 32 bytes, URL-safe base64.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Breakdown counts the appeals received in a period that share one value
// of a field (a category, a source), and how many of them are closed now.
type Breakdown struct {
	Key      string
	Received int
	Closed   int
}

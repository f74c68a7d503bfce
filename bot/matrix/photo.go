package matrix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"github.com/appealbot/appealbot/bot"
)

// DefaultMaxPhotoBytes is the largest image fetched when Config sets no
// limit.
const DefaultMaxPhotoBytes = 10 << 20

// imageContent is what the bot reads of an m.image (or an m.file that is
// an image): since Matrix 1.10 a body that differs from the filename is
// the caption.
type imageContent struct {
	MsgType  string `json:"msgtype"`
	Body     string `json:"body"`
	FileName string `json:"filename"`
	URL      string `json:"url"`
	// File is set instead of URL in an encrypted room.
	File *struct{} `json:"file"`
	Info struct {
		MIME string `json:"mimetype"`
		Size int64  `json:"size"`
	} `json:"info"`
}

// imageOf reads an image message's content; ok is false for other
// messages.
func imageOf(raw json.RawMessage) (c imageContent, ok bool) {
	if json.Unmarshal(raw, &c) != nil {
		return c, false
	}
	switch c.MsgType {
	case "m.image":
		return c, true
	case "m.file":
		return c, strings.HasPrefix(strings.ToLower(c.Info.MIME), "image/")
	}
	return c, false
}

// caption is the image's text: its body when a filename says what the
// file is called, nothing when the body is only the file's name.
func (c imageContent) caption() string {
	if c.FileName != "" && c.FileName != c.Body {
		return c.Body
	}
	return ""
}

func (c imageContent) name() string {
	if c.FileName != "" {
		return c.FileName
	}
	return c.Body
}

// downloadTimeout bounds fetching one image.
const downloadTimeout = 2 * time.Minute

var errTooLarge = errors.New("matrix: image too large")

// fetchImage fetches c's bytes into u, at most maxPhoto bytes; an image it
// cannot have marks u with the problem instead, so that the command is
// refused rather than done without its photo.
func (t *Transport) fetchImage(ctx context.Context, u *bot.Update, c imageContent) {
	data, err := t.downloadImage(ctx, c)
	switch {
	case errors.Is(err, errTooLarge):
		u.PhotoProblem = bot.PhotoTooLarge
	case err != nil:
		t.log.Warn("matrix: image not fetched", "event", u.ID, "err", err)
		u.PhotoProblem = bot.PhotoFailed
	default:
		mime := strings.ToLower(c.Info.MIME)
		if mime == "" {
			mime = http.DetectContentType(data)
		}
		u.Attachments = append(u.Attachments, bot.Attachment{Name: c.name(), MIME: mime, Data: data})
	}
}

func (t *Transport) downloadImage(ctx context.Context, c imageContent) ([]byte, error) {
	max := t.maxPhoto()
	if c.Info.Size > max {
		return nil, errTooLarge
	}
	if c.File != nil || c.URL == "" {
		return nil, errors.New("matrix: an encrypted image cannot be read")
	}
	uri, err := id.ParseContentURI(c.URL)
	if err != nil {
		return nil, fmt.Errorf("matrix: image URL %q: %w", c.URL, err)
	}
	ctx, cancel := context.WithTimeout(ctx, downloadTimeout)
	defer cancel()
	resp, err := t.cli.Download(ctx, uri)
	var herr mautrix.HTTPError
	if errors.As(err, &herr) && herr.IsStatus(http.StatusNotFound) || errors.Is(err, mautrix.MUnrecognized) {
		// A homeserver without authenticated media (Matrix 1.11) has
		// the older path only.
		resp, err = t.legacyDownload(ctx, uri)
	}
	if err != nil {
		return nil, t.classify(err)
	}
	defer resp.Body.Close()
	if resp.ContentLength > max {
		return nil, errTooLarge
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, errTooLarge
	}
	return data, nil
}

// legacyDownload fetches uri from /_matrix/media/v3/download.
func (t *Transport) legacyDownload(ctx context.Context, uri id.ContentURI) (*http.Response, error) {
	_, resp, err := t.cli.MakeFullRequestWithResp(ctx, mautrix.FullRequest{
		Method:           http.MethodGet,
		URL:              t.cli.BuildURL(mautrix.MediaURLPath{"v3", "download", uri.Homeserver, uri.FileID}),
		DontReadResponse: true,
	})
	return resp, err
}

func (t *Transport) maxPhoto() int64 {
	if t.cfg.MaxPhotoBytes > 0 {
		return t.cfg.MaxPhotoBytes
	}
	return DefaultMaxPhotoBytes
}

package telegram

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/mymmrac/telego"

	"github.com/appealbot/appealbot/bot"
)

// DefaultMaxPhotoBytes is the largest photo fetched when Config sets no
// limit.
const DefaultMaxPhotoBytes = 10 << 20

// photoRef is a photo a message carries, to fetch once its update is
// being handled (not while receiving, which would hold up every other
// update).
type photoRef struct {
	fileID string
	size   int64 // as Telegram says; 0 when it does not
	name   string
	mime   string
}

// minPhotoSide is the least longer side of a size of a photo taken in
// place of a larger one past the limit: Telegram's thumbnails (90 px) show
// nothing of what the answer is to prove.
const minPhotoSide = 320

// photoOf picks the photo of m: of a photo message the largest size
// within limit bytes (Telegram gives several, from a thumbnail up) but not a
// thumbnail, or a document that is an image. tooLarge is set when m has a
// photo but none that fits.
func photoOf(m *telego.Message, limit int64) (ref *photoRef, tooLarge bool) {
	if len(m.Photo) > 0 {
		floor := 0
		for _, p := range m.Photo {
			floor = max(floor, p.Width, p.Height)
		}
		floor = min(floor, minPhotoSide)
		var best *telego.PhotoSize
		for i := range m.Photo {
			p := &m.Photo[i]
			if int64(p.FileSize) > limit || max(p.Width, p.Height) < floor {
				continue
			}
			if best == nil || p.Width*p.Height > best.Width*best.Height ||
				(p.Width*p.Height == best.Width*best.Height && p.FileSize > best.FileSize) {
				best = p
			}
		}
		if best == nil {
			return nil, true
		}
		return &photoRef{fileID: best.FileID, size: int64(best.FileSize), name: "photo-" + safeID(best.FileUniqueID) + ".jpg",
			mime: "image/jpeg"}, false
	}
	if d := m.Document; d != nil && strings.HasPrefix(strings.ToLower(d.MimeType), "image/") {
		if d.FileSize > limit {
			return nil, true
		}
		name := d.FileName
		if name == "" {
			name = "image-" + safeID(d.FileUniqueID)
		}
		return &photoRef{fileID: d.FileID, size: d.FileSize, name: name, mime: strings.ToLower(d.MimeType)}, false
	}
	return nil, false
}

// safeID keeps the letters, digits, '-' and '_' of a file's unique id.
func safeID(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return -1
	}, s)
}

// fetchPhoto downloads ref into u (getFile, then the file's URL), at most
// maxPhoto bytes; a photo it cannot have marks u with the problem instead,
// so that the command is refused rather than done without its photo.
func (t *Transport) fetchPhoto(ctx context.Context, u *bot.Update, ref *photoRef) {
	data, err := t.download(ctx, ref)
	switch {
	case err == errTooLarge:
		u.PhotoProblem = bot.PhotoTooLarge
	case err != nil:
		t.log.Warn("telegram: photo not fetched", "update", u.ID, "err", err)
		u.PhotoProblem = bot.PhotoFailed
	default:
		u.Attachments = append(u.Attachments, bot.Attachment{Name: ref.name, MIME: ref.mime, Data: data})
	}
}

// downloadTimeout bounds fetching one photo.
const downloadTimeout = 2 * time.Minute

var errTooLarge = fmt.Errorf("telegram: photo too large")

func (t *Transport) download(ctx context.Context, ref *photoRef) ([]byte, error) {
	max := t.maxPhoto()
	if ref.size > max {
		return nil, errTooLarge
	}
	// Ten megabytes take longer than a call's usual bound on a slow link.
	callCtx, cancel := ctx, context.CancelFunc(func() {})
	if _, ok := ctx.Deadline(); !ok {
		callCtx, cancel = context.WithTimeout(ctx, downloadTimeout)
	}
	defer cancel()
	f, err := t.bot.GetFile(callCtx, &telego.GetFileParams{FileID: ref.fileID})
	if err != nil {
		return nil, t.classify(err)
	}
	if f.FileSize > max {
		return nil, errTooLarge
	}
	if f.FilePath == "" {
		return nil, fmt.Errorf("telegram: getFile gave no file path")
	}
	req, err := http.NewRequestWithContext(callCtx, http.MethodGet, t.bot.FileDownloadURL(f.FilePath), nil)
	if err != nil {
		return nil, fmt.Errorf("telegram: %s", t.redact.Replace(err.Error()))
	}
	resp, err := t.http.Do(req)
	if err != nil {
		return nil, &redactedError{msg: t.redact.Replace(err.Error()), err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("telegram: file download: HTTP %d", resp.StatusCode)
	}
	if resp.ContentLength > max {
		return nil, errTooLarge
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, &redactedError{msg: t.redact.Replace(err.Error()), err: err}
	}
	if int64(len(data)) > max {
		return nil, errTooLarge
	}
	return data, nil
}

func (t *Transport) maxPhoto() int64 {
	if t.cfg.MaxPhotoBytes > 0 {
		return t.cfg.MaxPhotoBytes
	}
	return DefaultMaxPhotoBytes
}

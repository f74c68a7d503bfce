package api

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/appealbot/appealbot/appeal"
)

// Attachments reads one attachment of an appeal with its bytes (the
// store).
type Attachments interface {
	Attachment(ctx context.Context, id appeal.ID, n int) (appeal.Attachment, error)
}

// attachmentJSON is an attachment as GET /api/v1/appeals/{id} lists it.
// URL is the link an intake named; Path is where the API serves the
// attachment (the bytes of a photo, a redirect to a link).
type attachmentJSON struct {
	N         int       `json:"n"`
	Kind      string    `json:"kind"`
	Name      string    `json:"name"`
	MIME      string    `json:"mime,omitempty"`
	Size      int64     `json:"size"`
	URL       string    `json:"url,omitempty"`
	AnswerID  *int64    `json:"answer_id,omitempty"`
	Path      string    `json:"path"`
	CreatedAt time.Time `json:"created_at"`
}

// AttachmentPath is where the API serves attachment n of appeal id.
func AttachmentPath(id appeal.ID, n int) string {
	return "/api/v1/appeals/" + strconv.FormatInt(int64(id), 10) + "/attachments/" + strconv.Itoa(n)
}

func toAttachmentsJSON(a appeal.Appeal) []attachmentJSON {
	out := make([]attachmentJSON, 0, len(a.Attachments))
	for _, x := range a.Attachments {
		out = append(out, attachmentJSON{N: x.N, Kind: string(x.Kind), Name: x.Name, MIME: x.MIME, Size: x.Size, URL: x.URL,
			AnswerID: idPtr(x.AnswerID), Path: AttachmentPath(a.ID, x.N), CreatedAt: x.CreatedAt})
	}
	return out
}

func attachmentNumbers(files []appeal.Attachment) []int {
	var out []int
	for _, f := range files {
		out = append(out, f.N)
	}
	return out
}

// getAttachment answers GET /api/v1/appeals/{id}/attachments/{n}: a
// photo's bytes as they were received, shown inline and never sniffed as
// anything else; a link from intake is a 303 to it.
func (s *server) getAttachment(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusBadRequest, "invalid", "the appeal id must be a positive whole number", "id")
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n <= 0 {
		writeError(w, http.StatusBadRequest, "invalid", "the attachment number must be a positive whole number", "n")
		return
	}
	f, err := s.files.Attachment(r.Context(), appeal.ID(id), n)
	if errors.Is(err, appeal.ErrNotFound) {
		if _, _, aerr := s.svc.Appeal(r.Context(), appeal.ID(id)); errors.Is(aerr, appeal.ErrNotFound) {
			writeError(w, http.StatusNotFound, "not_found", "no appeal with id "+strconv.FormatInt(id, 10), "id")
			return
		}
		writeError(w, http.StatusNotFound, "not_found", "appeal "+strconv.FormatInt(id, 10)+" has no attachment "+strconv.Itoa(n), "n")
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if f.Kind == appeal.AttachIntake {
		// Only ever an http(s) URL checked at intake.
		http.Redirect(w, r, f.URL, http.StatusSeeOther)
		return
	}
	h := w.Header()
	h.Set("Content-Type", safeMIME(f.MIME))
	h.Set("Content-Length", strconv.Itoa(len(f.Data)))
	disp := mime.FormatMediaType("inline", map[string]string{"filename": safeFilename(f.Name, n)})
	if disp == "" {
		disp = "inline"
	}
	h.Set("Content-Disposition", disp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(f.Data)
	}
}

// safeMIME is the stored type when it is an image type, else a type no
// browser runs: a photo claimed to be text/html is still just bytes.
func safeMIME(m string) string {
	mt, _, err := mime.ParseMediaType(m)
	if err != nil || !strings.HasPrefix(mt, "image/") || mt == "image/svg+xml" {
		return "application/octet-stream"
	}
	return mt
}

// safeFilename keeps a name's base, without control characters, quotes,
// slashes or backslashes, at most 100 characters; an empty one is
// "attachment-N".
func safeFilename(name string, n int) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == '/' || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, name)
	if rs := []rune(strings.TrimSpace(name)); len(rs) > 100 {
		name = string(rs[:100])
	}
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." {
		name = "attachment-" + strconv.Itoa(n)
	}
	return name
}

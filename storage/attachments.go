package storage

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/appealbot/appealbot/appeal"
)

const attachmentColumns = `appeal_id, n, kind, answer_id, name, mime, size, url, created_at`

type attachmentRow struct {
	AppealID  int64         `db:"appeal_id"`
	N         int           `db:"n"`
	Kind      string        `db:"kind"`
	AnswerID  sql.NullInt64 `db:"answer_id"`
	Name      string        `db:"name"`
	MIME      string        `db:"mime"`
	Size      int64         `db:"size"`
	URL       string        `db:"url"`
	CreatedAt dbTime        `db:"created_at"`
	Data      []byte        `db:"data"`
}

func (r attachmentRow) attachment() appeal.Attachment {
	return appeal.Attachment{N: r.N, Kind: appeal.AttachmentKind(r.Kind), AnswerID: r.AnswerID.Int64,
		Name: r.Name, MIME: r.MIME, Size: r.Size, URL: r.URL, CreatedAt: r.CreatedAt.Time, Data: r.Data}
}

// insertAttachments numbers files after the appeal's last attachment and
// writes them, in tx: the caller holds the appeal's row (UpdateAppeal) or
// has just created it, so no one else numbers the same appeal meanwhile.
// answerID ties an answer's photos to it (0 for intake links).
func insertAttachments(ctx context.Context, tx *sqlx.Tx, id appeal.ID, answerID int64, files []appeal.Attachment) error {
	if len(files) == 0 {
		return nil
	}
	var last int
	if err := tx.GetContext(ctx, &last, tx.Rebind(`SELECT COALESCE(MAX(n), 0) FROM appeal_attachments WHERE appeal_id = ?`),
		int64(id)); err != nil {
		return err
	}
	for i, f := range files {
		var data any
		if f.Kind == appeal.AttachAnswer {
			data = f.Data
		}
		var ans any
		if answerID != 0 {
			ans = answerID
		}
		size := f.Size
		if f.Data != nil {
			size = int64(len(f.Data))
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO appeal_attachments
			(appeal_id, n, kind, answer_id, name, mime, size, data, url, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			int64(id), last+i+1, string(f.Kind), ans, f.Name, f.MIME, size, data, f.URL, tm(f.CreatedAt)); err != nil {
			return fmt.Errorf("attachment %d: %w", last+i+1, err)
		}
	}
	return nil
}

// readAttachments lists appeal id's attachments by number, without their
// bytes.
func readAttachments(ctx context.Context, q sqlx.QueryerContext, rebind func(string) string, id appeal.ID) ([]appeal.Attachment, error) {
	var rows []attachmentRow
	if err := sqlx.SelectContext(ctx, q, &rows, rebind(`SELECT `+attachmentColumns+
		` FROM appeal_attachments WHERE appeal_id = ? ORDER BY n`), int64(id)); err != nil {
		return nil, err
	}
	var out []appeal.Attachment
	for _, r := range rows {
		out = append(out, r.attachment())
	}
	return out, nil
}

// Attachment returns attachment n of appeal id with its bytes (none for a
// link from intake); ErrNotFound when the appeal has no such attachment.
func (s *Store) Attachment(ctx context.Context, id appeal.ID, n int) (appeal.Attachment, error) {
	var r attachmentRow
	if err := s.db.GetContext(ctx, &r, s.db.Rebind(`SELECT `+attachmentColumns+`, data
		FROM appeal_attachments WHERE appeal_id = ? AND n = ?`), int64(id), n); err != nil {
		return appeal.Attachment{}, fail(fmt.Sprintf("attachment %d of appeal %d", n, id), err)
	}
	return r.attachment(), nil
}

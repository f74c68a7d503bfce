package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/appealbot/appealbot/appeal"
)

// reportRow is a reports row.
type reportRow struct {
	Source        string          `db:"source"`
	ExternalID    string          `db:"external_id"`
	ServiceCode   string          `db:"service_code"`
	Token         string          `db:"token"`
	DeviceID      string          `db:"device_id"`
	AccountID     string          `db:"account_id"`
	Description   string          `db:"description"`
	Lat           sql.NullFloat64 `db:"lat"`
	Long          sql.NullFloat64 `db:"long"`
	AddressString string          `db:"address_string"`
	AddressID     string          `db:"address_id"`
	MediaURLs     string          `db:"media_urls"`
	Attributes    string          `db:"attributes"`
	CreatedAt     dbTime          `db:"created_at"`
}

// reportColumns are the reports columns read, each as "rep.NAME" so that
// one row scans into a reportedRow beside the appeal's own columns.
var reportColumns = func() string {
	cols := strings.Fields(`source external_id service_code token device_id account_id
		description lat long address_string address_id media_urls attributes created_at`)
	for i, c := range cols {
		cols[i] = `r.` + c + ` AS "rep.` + c + `"`
	}
	return strings.Join(cols, ", ")
}()

// reportedRow is an appeals row joined with its report.
type reportedRow struct {
	appealRow
	Rep reportRow `db:"rep"`
}

type attributeJSON struct {
	Code   string   `json:"code"`
	Values []string `json:"values"`
}

func toReportRow(r appeal.Report) (reportRow, error) {
	media := r.MediaURLs
	if media == nil {
		media = []string{}
	}
	m, err := json.Marshal(media)
	if err != nil {
		return reportRow{}, err
	}
	attrs := make([]attributeJSON, 0, len(r.Attributes))
	for _, a := range r.Attributes {
		attrs = append(attrs, attributeJSON{Code: a.Code, Values: a.Values})
	}
	at, err := json.Marshal(attrs)
	if err != nil {
		return reportRow{}, err
	}
	row := reportRow{
		Source: r.Source, ExternalID: r.ExternalID, ServiceCode: r.ServiceCode, Token: r.Token,
		DeviceID: r.DeviceID, AccountID: r.AccountID, Description: r.Description,
		AddressString: r.AddressString, AddressID: r.AddressID, MediaURLs: string(m), Attributes: string(at),
		CreatedAt: tm(r.CreatedAt),
	}
	if r.HasPoint {
		row.Lat = sql.NullFloat64{Float64: r.Lat, Valid: true}
		row.Long = sql.NullFloat64{Float64: r.Long, Valid: true}
	}
	return row, nil
}

func (r reportRow) report() (appeal.Report, error) {
	out := appeal.Report{
		Source: r.Source, ExternalID: r.ExternalID, ServiceCode: r.ServiceCode, Token: r.Token,
		DeviceID: r.DeviceID, AccountID: r.AccountID, Description: r.Description,
		HasPoint: r.Lat.Valid && r.Long.Valid, Lat: r.Lat.Float64, Long: r.Long.Float64,
		AddressString: r.AddressString, AddressID: r.AddressID, CreatedAt: r.CreatedAt.Time,
	}
	if err := json.Unmarshal([]byte(r.MediaURLs), &out.MediaURLs); err != nil {
		return appeal.Report{}, fmt.Errorf("media_urls: %w", err)
	}
	var attrs []attributeJSON
	if err := json.Unmarshal([]byte(r.Attributes), &attrs); err != nil {
		return appeal.Report{}, fmt.Errorf("attributes: %w", err)
	}
	for _, a := range attrs {
		out.Attributes = append(out.Attributes, appeal.ReportAttribute{Code: a.Code, Values: a.Values})
	}
	if len(out.MediaURLs) == 0 {
		out.MediaURLs = nil
	}
	return out, nil
}

// SaveReport stores r under its appeal's source and external id. While no
// appeal has that key the report may be replaced (an earlier attempt that
// never reached intake); once the appeal exists its report stays as it
// was, as the appeal does.
func (s *Store) SaveReport(ctx context.Context, r appeal.Report) error {
	row, err := toReportRow(r)
	if err != nil {
		return fail("save report", err)
	}
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		q, args, err := sqlx.Named(`INSERT INTO reports (source, external_id, service_code, token,
			device_id, account_id, description, lat, long, address_string, address_id, media_urls, attributes, created_at)
		VALUES (:source, :external_id, :service_code, :token,
			:device_id, :account_id, :description, :lat, :long, :address_string, :address_id, :media_urls, :attributes, :created_at)
		ON CONFLICT (source, external_id) DO UPDATE SET
			service_code = excluded.service_code, token = excluded.token, device_id = excluded.device_id,
			account_id = excluded.account_id, description = excluded.description, lat = excluded.lat,
			long = excluded.long, address_string = excluded.address_string, address_id = excluded.address_id,
			media_urls = excluded.media_urls, attributes = excluded.attributes, created_at = excluded.created_at
		WHERE NOT EXISTS (SELECT 1 FROM appeals a
			WHERE a.source = reports.source AND a.external_id = reports.external_id)`, row)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, tx.Rebind(q), args...)
		return err
	})
	if err != nil {
		return fail("save report", err)
	}
	return nil
}

// Reports returns the appeals that came with a report and match f, with
// their reports (answers not read), oldest received first.
func (s *Store) Reports(ctx context.Context, f appeal.ReportFilter) ([]appeal.ReportedAppeal, error) {
	var where []string
	var args []any
	if len(f.IDs) > 0 {
		where = append(where, "a.id IN ("+placeholders(len(f.IDs))+")")
		for _, id := range f.IDs {
			args = append(args, int64(id))
		}
	} else {
		if len(f.ServiceCodes) > 0 {
			where = append(where, "r.service_code IN ("+placeholders(len(f.ServiceCodes))+")")
			for _, c := range f.ServiceCodes {
				args = append(args, c)
			}
		}
		if !f.From.IsZero() {
			where = append(where, "a.received_at >= ?")
			args = append(args, tm(f.From))
		}
		if !f.To.IsZero() {
			where = append(where, "a.received_at <= ?")
			args = append(args, tm(f.To))
		}
		if f.Open != f.Closed {
			if f.Closed {
				where = append(where, "a.status = 'closed'")
			} else {
				where = append(where, "a.status <> 'closed'")
			}
		}
		if f.Token != "" {
			where = append(where, "r.token = ?")
			args = append(args, f.Token)
		}
	}
	q := `SELECT ` + prefixed("a.", appealColumns) + `, ` + reportColumns + `
		FROM appeals a JOIN reports r ON r.source = a.source AND r.external_id = a.external_id`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY a.received_at, a.id LIMIT ?`
	n := f.Limit
	if n <= 0 {
		n = 1000
	}
	args = append(args, n)
	rows, err := s.db.QueryxContext(ctx, s.db.Rebind(q), args...)
	if err != nil {
		return nil, fail("list reports", err)
	}
	defer rows.Close()
	var out []appeal.ReportedAppeal
	for rows.Next() {
		var row reportedRow
		if err := rows.StructScan(&row); err != nil {
			return nil, fail("list reports", err)
		}
		rep, err := row.Rep.report()
		if err != nil {
			return nil, fail("list reports", err)
		}
		out = append(out, appeal.ReportedAppeal{Appeal: row.appeal(), Report: rep})
	}
	if err := rows.Err(); err != nil {
		return nil, fail("list reports", err)
	}
	return out, nil
}

// ReportEvents returns the events of kinds (all kinds when none) of the
// appeals ids, oldest first.
func (s *Store) ReportEvents(ctx context.Context, ids []appeal.ID, kinds []appeal.EventKind) ([]appeal.Event, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q := `SELECT ` + eventColumns + ` FROM appeal_events WHERE appeal_id IN (` + placeholders(len(ids)) + `)`
	args := make([]any, 0, len(ids)+len(kinds))
	for _, id := range ids {
		args = append(args, int64(id))
	}
	if len(kinds) > 0 {
		q += ` AND kind IN (` + placeholders(len(kinds)) + `)`
		for _, k := range kinds {
			args = append(args, string(k))
		}
	}
	q += ` ORDER BY id`
	return s.selectEvents(ctx, "report events", q, args)
}

// ReportUpdates returns the events of kinds that happened in [from, to]
// (both included) to appeals that came with a report, oldest first, at
// most limit of them.
func (s *Store) ReportUpdates(ctx context.Context, from, to time.Time, kinds []appeal.EventKind, limit int) ([]appeal.Event, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	q := `SELECT ` + prefixed("e.", eventColumns) + ` FROM appeal_events e
		JOIN appeals a ON a.id = e.appeal_id
		JOIN reports r ON r.source = a.source AND r.external_id = a.external_id
		WHERE e.at >= ? AND e.at <= ? AND e.kind IN (` + placeholders(len(kinds)) + `)
		ORDER BY e.at, e.id LIMIT ?`
	args := []any{tm(from), tm(to)}
	for _, k := range kinds {
		args = append(args, string(k))
	}
	if limit <= 0 {
		limit = 1000
	}
	args = append(args, limit)
	return s.selectEvents(ctx, "report updates", q, args)
}

func (s *Store) selectEvents(ctx context.Context, op, q string, args []any) ([]appeal.Event, error) {
	var rows []eventRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(q), args...); err != nil {
		return nil, fail(op, err)
	}
	out := make([]appeal.Event, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.event())
	}
	return out, nil
}

// placeholders is n comma-separated "?" for an IN list.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// prefixed qualifies each column of a comma-separated list with p ("a.").
func prefixed(p, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

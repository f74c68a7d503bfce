package appeal

import "time"

// DigestKind says which digest a leader gets: the daily one, the weekly one,
// or one asked for with /digest now.
type DigestKind string

// Digest kinds.
const (
	DigestDaily  DigestKind = "daily"
	DigestWeekly DigestKind = "weekly"
	DigestNow    DigestKind = "now"
)

// Scheduled reports whether k is a scheduled kind (daily or weekly).
func (k DigestKind) Scheduled() bool { return k == DigestDaily || k == DigestWeekly }

// Digest messages. Both go to the same recipients and carry the same args
// (ArgDigestKind, ArgDigestFrom, ArgDigestTo); the text is rendered, and the
// chart drawn, when each is delivered.
const (
	// MsgDigest is a leaders' digest of one department: counts, overdue
	// appeals, medians and the on-time rate for a period.
	MsgDigest MessageKind = "digest"
	// MsgDigestChart is the digest's chart: a PNG of appeals received,
	// answered and gone overdue per day, and of those open at each day's
	// end, over the seven days before ArgDigestTo.
	MsgDigestChart MessageKind = "digest_chart"
)

// Args of the digest messages.
const (
	ArgDigestDept = "department"
	ArgDigestKind = "digest_kind"
	// ArgDigestFrom and ArgDigestTo bound the period, RFC 3339 in UTC.
	ArgDigestFrom = "from"
	ArgDigestTo   = "to"
)

// DigestSchedule is when a department's digest of one kind goes out: a
// standard five-field cron spec read in the department's timezone.
type DigestSchedule struct {
	Department string
	Kind       DigestKind
	Spec       string
	UpdatedAt  time.Time
}

// DigestRun is one digest sent: for a department, of a kind, about the
// period [From, To). A department gets at most one of each kind per From.
type DigestRun struct {
	ID         int64
	Department string
	Kind       DigestKind
	From, To   time.Time
	At         time.Time
}

package appeal

import "time"

// Report is what a civic reporting app (an Open311 GeoReport client) sent
// with an appeal beyond the appeal's own fields, kept as it was sent so that
// the app can read its request back: the point on the map, the address id,
// photos, the answers to the service's extra questions and who sent it.
//
// A report belongs to the appeal with the same Source and ExternalID. It is
// stored before the appeal, under the appeal's idempotency key, so that no
// appeal handed in this way is ever without its report; a report whose
// appeal never came (the intake failed and was not retried) is never shown.
type Report struct {
	Source     string
	ExternalID string
	// ServiceCode is the kind of request the app chose.
	ServiceCode string
	// Token is the client's own key for the request, empty when it sent
	// none: with the device or account it makes retries land on one
	// appeal, and finds the appeal's number again.
	Token     string
	DeviceID  string
	AccountID string
	// Description is the citizen's text as sent; the appeal's body also
	// carries the answers to the service's questions.
	Description string
	// HasPoint says whether Lat and Long (WGS84) were given.
	HasPoint      bool
	Lat, Long     float64
	AddressString string
	AddressID     string
	MediaURLs     []string
	Attributes    []ReportAttribute
	CreatedAt     time.Time
}

// ReportAttribute is the answer to one of a service's extra questions: one
// value, or several for a multiple-choice list.
type ReportAttribute struct {
	Code   string
	Values []string
}

// ReportedAppeal is an appeal with the report it came with.
type ReportedAppeal struct {
	Appeal Appeal
	Report Report
}

// ReportFilter selects reported appeals, oldest received first.
type ReportFilter struct {
	// IDs, when given, selects these appeals and nothing else matters.
	IDs []ID
	// ServiceCodes keeps the reports of these services; empty keeps all.
	ServiceCodes []string
	// From and To bound the appeals' received time, both included.
	From, To time.Time
	// Open and Closed keep appeals that are not closed and closed ones;
	// with neither set both are kept.
	Open, Closed bool
	// Token selects the reports sent with this client token.
	Token string
	Limit int
}

// PublicEvents are the kinds of event a citizen's app is told of: each
// changes who handles the appeal, or whether it is answered or closed.
// Internal steps (a claim given back, an answer awaiting approval, an
// extension asked for) are not.
var PublicEvents = []EventKind{
	EventAssigned, EventClaimed, EventAnswered, EventReturned, EventTransferred, EventClosed, EventReopened,
}

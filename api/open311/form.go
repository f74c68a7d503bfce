package open311

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/appealbot/appealbot/appeal"
)

// Limits of a POSTed request, in characters unless said otherwise.
const (
	// MaxFormBytes is the largest request body taken.
	MaxFormBytes = 1 << 20
	// MaxDescriptionLen is the spec's limit of a description.
	MaxDescriptionLen = 4000
	maxFormFields     = 300
	maxIDLen          = 128
	maxAddressIDLen   = 100
	// maxAddressLen keeps address, address id and point within the
	// appeal's location (appeal.MaxLocationLen).
	maxAddressLen   = 300
	maxNameLen      = 50
	maxMediaURLs    = 10
	maxMediaURLLen  = 2048
	maxAttrValueLen = 1000
	titleRunes      = 60
)

// scalars are the fields a request may give once.
var scalars = []string{"api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string", "address_id",
	"email", "device_id", "account_id", "first_name", "last_name", "phone", "description", "token"}

var tokenPattern = regexp.MustCompile(`^[A-Za-z0-9._~-]{1,128}$`)

// request is a POSTed service request made ready for intake.
type request struct {
	intake  appeal.Intake
	report  appeal.Report
	service Service
}

// decodeRequest turns the fields of POST requests into an appeal's intake
// and its report, checking them as intake does; client is the client the
// API key named, services the services on offer. Whatever the fields, it
// returns a request that intake accepts or a 400.
func decodeRequest(form url.Values, client string, services []Service, now time.Time) (request, *apiError) {
	if len(form) > maxFormFields {
		return request{}, badRequest("too many fields: at most " + strconv.Itoa(maxFormFields))
	}
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range form {
			if !yield(k) {
				return
			}
		}
	}) {
		if bad := badText(k); bad != "" {
			return request{}, badRequest("a field name " + bad)
		}
		for _, v := range form[k] {
			if bad := badText(v); bad != "" {
				return request{}, badRequest(fieldName(k) + " " + bad)
			}
		}
	}
	for _, k := range scalars {
		if len(form[k]) > 1 {
			return request{}, badRequest(k + " is given more than once")
		}
	}
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }

	code := get("service_code")
	if code == "" {
		return request{}, badRequest("service_code is required: GET services.xml lists the services")
	}
	svc, ok := findService(services, code)
	if !ok {
		return request{}, badRequest("service_code " + strconv.Quote(cut(code, 64)) + " is not a service here: GET services.xml lists them")
	}

	rep := appeal.Report{ServiceCode: svc.Code, CreatedAt: now}
	// The location: a point, an address, an address id, or several.
	lat, long := get("lat"), get("long")
	if lat != "" || long != "" {
		if lat == "" || long == "" {
			return request{}, badRequest("lat and long must be given together")
		}
		var err *apiError
		if rep.Lat, err = coordinate("lat", lat, 90); err != nil {
			return request{}, err
		}
		if rep.Long, err = coordinate("long", long, 180); err != nil {
			return request{}, err
		}
		rep.HasPoint = true
	}
	rep.AddressString, rep.AddressID = get("address_string"), get("address_id")
	if !rep.HasPoint && rep.AddressString == "" && rep.AddressID == "" {
		return request{}, badRequest("a location is required: lat and long, address_string or address_id")
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{
		{"address_string", rep.AddressString, maxAddressLen}, {"address_id", rep.AddressID, maxAddressIDLen},
		{"device_id", get("device_id"), maxIDLen}, {"account_id", get("account_id"), maxIDLen},
		{"first_name", get("first_name"), maxNameLen}, {"last_name", get("last_name"), maxNameLen},
		{"description", get("description"), MaxDescriptionLen},
	} {
		if utf8.RuneCountInString(f.v) > f.max {
			return request{}, badRequest(f.name + " is longer than " + strconv.Itoa(f.max) + " characters")
		}
	}
	rep.DeviceID, rep.AccountID, rep.Description = get("device_id"), get("account_id"), get("description")
	if t := get("token"); t != "" {
		if !tokenPattern.MatchString(t) {
			return request{}, badRequest("token must be 1-128 letters, digits, '.', '_', '~' or '-'")
		}
		rep.Token = t
	}
	media := form["media_url"]
	if len(media) > maxMediaURLs {
		return request{}, badRequest("at most " + strconv.Itoa(maxMediaURLs) + " media_url")
	}
	for _, m := range media {
		if m = strings.TrimSpace(m); m == "" {
			continue
		}
		if err := checkMediaURL(m); err != nil {
			return request{}, err
		}
		rep.MediaURLs = append(rep.MediaURLs, m)
	}
	attrs, err := decodeAttributes(form, svc)
	if err != nil {
		return request{}, err
	}
	rep.Attributes = attrs

	in := appeal.Intake{
		Source: "open311." + client, Title: title(rep.Description, svc.Name), Body: body(rep, svc),
		Category: svc.Category, Department: svc.Department, Priority: appeal.PriorityNormal,
		Citizen:  appeal.Citizen{Name: fullName(get("first_name"), get("last_name")), Phone: get("phone"), Email: get("email")},
		Location: location(rep), ReceivedAt: now,
	}
	if len(rep.MediaURLs) > 0 {
		// The first photo is linked from the card and listed with the
		// appeal; all of them are in the body.
		in.Attachments = rep.MediaURLs[:1]
	}
	in.ExternalID = externalID(rep, in)
	rep.Source, rep.ExternalID = in.Source, in.ExternalID
	in = in.Normalize(now)
	if err := in.Validate(now); err != nil {
		return request{}, intakeError(err)
	}
	return request{intake: in, report: rep, service: svc}, nil
}

// badText says what is wrong with a field's name or value, "" when
// nothing: the spec's text is UTF-8, and a NUL would be cut by storage.
func badText(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case strings.ContainsRune(s, 0):
		return "contains a NUL character"
	}
	return ""
}

// fieldName is a field's name fit for an error message.
func fieldName(k string) string {
	if !utf8.ValidString(k) || strings.ContainsRune(k, 0) {
		return "a field"
	}
	return strconv.Quote(cut(k, 80))
}

// findService finds the service of code, also when a client wrote a
// department's code in other case.
func findService(services []Service, code string) (Service, bool) {
	for _, s := range services {
		if s.Code == code {
			return s, true
		}
	}
	for _, s := range services {
		if strings.EqualFold(s.Code, code) {
			return s, true
		}
	}
	return Service{}, false
}

func coordinate(name, v string, limit float64) (float64, *apiError) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > limit {
		return 0, badRequest(name + " must be a number from -" + strconv.Itoa(int(limit)) + " to " + strconv.Itoa(int(limit)) + " (WGS84 degrees)")
	}
	return f, nil
}

func checkMediaURL(m string) *apiError {
	if utf8.RuneCountInString(m) > maxMediaURLLen {
		return badRequest("media_url is longer than " + strconv.Itoa(maxMediaURLLen) + " characters")
	}
	u, err := url.Parse(m)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		strings.ContainsFunc(m, unicode.IsSpace) {
		return badRequest("media_url must be an absolute http or https URL without a user name or password")
	}
	return nil
}

// decodeAttributes reads attribute[code]=value and attribute[code][]=value
// fields, checks them against the service's questions and returns the
// answers, the service's in its order first, then any others by code.
func decodeAttributes(form url.Values, svc Service) ([]appeal.ReportAttribute, *apiError) {
	given := map[string][]string{}
	for k, vs := range form {
		rest, ok := strings.CutPrefix(k, "attribute[")
		if !ok {
			continue
		}
		code, tail, ok := strings.Cut(rest, "]")
		if !ok || (tail != "" && tail != "[]") || !validAttrCode(code) {
			return nil, badRequest(fieldName(k) + " is not attribute[CODE] or attribute[CODE][] with a code of 1-" +
				strconv.Itoa(maxAttrCodeLen) + " characters")
		}
		for _, v := range vs {
			if v = strings.TrimSpace(v); v != "" {
				given[code] = append(given[code], v)
			}
		}
	}
	if len(given) > maxAttributes {
		return nil, badRequest("at most " + strconv.Itoa(maxAttributes) + " attributes")
	}
	var out []appeal.ReportAttribute
	known := map[string]bool{}
	for _, a := range svc.Attributes {
		known[a.Code] = true
		vs := given[a.Code]
		if !a.Variable {
			continue // it only informs; what a client sends for it means nothing
		}
		if len(vs) == 0 {
			if a.Required {
				return nil, badRequest("attribute[" + a.Code + "] is required: " + cut(a.Description, 200))
			}
			continue
		}
		if err := checkAttribute(a, vs); err != nil {
			return nil, err
		}
		out = append(out, appeal.ReportAttribute{Code: a.Code, Values: vs})
	}
	var others []string
	for code := range given {
		if !known[code] {
			others = append(others, code)
		}
	}
	slices.Sort(others)
	for _, code := range others {
		vs := given[code]
		if len(vs) > maxValuesPerAttr {
			return nil, badRequest("attribute[" + code + "] has more than " + strconv.Itoa(maxValuesPerAttr) + " values")
		}
		for _, v := range vs {
			if utf8.RuneCountInString(v) > maxAttrValueLen {
				return nil, badRequest("attribute[" + code + "] is longer than " + strconv.Itoa(maxAttrValueLen) + " characters")
			}
		}
		out = append(out, appeal.ReportAttribute{Code: code, Values: vs})
	}
	return out, nil
}

func checkAttribute(a Attribute, vs []string) *apiError {
	name := "attribute[" + a.Code + "]"
	if len(vs) > 1 && a.Datatype != "multivaluelist" {
		return badRequest(name + " takes one value")
	}
	if len(vs) > maxValuesPerAttr {
		return badRequest(name + " has more than " + strconv.Itoa(maxValuesPerAttr) + " values")
	}
	for _, v := range vs {
		if utf8.RuneCountInString(v) > maxAttrValueLen {
			return badRequest(name + " is longer than " + strconv.Itoa(maxAttrValueLen) + " characters")
		}
		switch a.Datatype {
		case "string":
			if strings.ContainsAny(v, "\r\n") {
				return badRequest(name + " must be one line")
			}
		case "number":
			if f, err := strconv.ParseFloat(v, 64); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				return badRequest(name + " must be a number")
			}
		case "datetime":
			if _, err := parseW3C(v); err != nil {
				return badRequest(name + " must be a date and time such as 2010-01-01T00:00:00Z")
			}
		case "singlevaluelist", "multivaluelist":
			if !slices.ContainsFunc(a.Values, func(x Value) bool { return x.Key == v }) {
				return badRequest(name + " must be one of the keys its service definition lists")
			}
		}
	}
	return nil
}

// title is the appeal's title: the description's first line, cut short,
// or the service's name when there is no description.
func title(desc, service string) string {
	for _, line := range strings.Split(desc, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			if utf8.RuneCountInString(line) > titleRunes {
				return string([]rune(line)[:titleRunes-1]) + "…"
			}
			return line
		}
	}
	return cut(service, titleRunes)
}

// body is the appeal's text: the description (or the service's name), the
// answers to the service's questions and the media's links, so that
// responders read all the citizen sent.
func body(rep appeal.Report, svc Service) string {
	var b strings.Builder
	if rep.Description != "" {
		b.WriteString(rep.Description)
	} else {
		b.WriteString(svc.Name)
	}
	labels := map[string]Attribute{}
	for _, a := range svc.Attributes {
		labels[a.Code] = a
	}
	if len(rep.Attributes) > 0 {
		b.WriteString("\n")
	}
	for _, at := range rep.Attributes {
		label, vs := at.Code, at.Values
		if a, ok := labels[at.Code]; ok {
			if a.Description != "" {
				label = cut(a.Description, 100)
			}
			if a.isList() {
				vs = make([]string, len(at.Values))
				for i, v := range at.Values {
					vs[i] = v
					for _, x := range a.Values {
						if x.Key == v {
							vs[i] = x.Name
						}
					}
				}
			}
		}
		b.WriteString("\n" + label + ": " + strings.Join(vs, ", "))
	}
	if len(rep.MediaURLs) > 0 {
		b.WriteString("\n")
	}
	for _, m := range rep.MediaURLs {
		b.WriteString("\n📎 " + m)
	}
	return b.String()
}

// location is the appeal's location as responders read it: the address,
// the address id and the point, as given.
func location(rep appeal.Report) string {
	var parts []string
	if rep.AddressString != "" {
		parts = append(parts, rep.AddressString)
	}
	if rep.AddressID != "" {
		parts = append(parts, "地址编号 address id "+rep.AddressID)
	}
	if rep.HasPoint {
		parts = append(parts, strconv.FormatFloat(rep.Lat, 'f', -1, 64)+", "+strconv.FormatFloat(rep.Long, 'f', -1, 64))
	}
	return strings.Join(parts, " · ")
}

// fullName joins the given and family names: family name first and
// without a space for Chinese, Japanese or Korean names (张 + 三 is 张三),
// given name first otherwise.
func fullName(first, last string) string {
	switch {
	case first == "":
		return last
	case last == "":
		return first
	case cjk(first) && cjk(last):
		return last + first
	}
	return first + " " + last
}

func cjk(s string) bool {
	for _, r := range s {
		if !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			return false
		}
	}
	return true
}

// externalID is the appeal's idempotency key within its client's source.
// With a client token it is the token's, scoped by the device and account
// that sent it, so a retry lands on the same appeal whatever else it
// changed; without one it is the whole request's, so the very same request
// sent twice is one appeal.
func externalID(rep appeal.Report, in appeal.Intake) string {
	h := sha256.New()
	put := func(parts ...string) {
		for _, p := range parts {
			h.Write([]byte(strconv.Itoa(len(p)) + ":" + p))
		}
	}
	put(rep.DeviceID, rep.AccountID)
	if rep.Token != "" {
		put(rep.Token)
		return "token:" + hex.EncodeToString(h.Sum(nil))
	}
	put(rep.ServiceCode, rep.Description, rep.AddressString, rep.AddressID, in.Citizen.Name, in.Citizen.Phone, in.Citizen.Email)
	if rep.HasPoint {
		put(strconv.FormatFloat(rep.Lat, 'g', -1, 64), strconv.FormatFloat(rep.Long, 'g', -1, 64))
	}
	put(rep.MediaURLs...)
	for _, a := range rep.Attributes {
		put(a.Code)
		put(a.Values...)
	}
	return "form:" + hex.EncodeToString(h.Sum(nil))
}

// openFields names, for intake's fields, the request's fields they come
// from, so that an error speaks of what the client sent.
var openFields = map[string]string{
	"title": "description", "body": "description", "category": "service_code",
	"citizen.name": "first_name and last_name", "citizen.phone": "phone", "citizen.email": "email",
	"location": "address_string",
}

// intakeError turns intake's verdict on a request into a 400 naming the
// request's fields.
func intakeError(err error) *apiError {
	var fe *appeal.FieldError
	if !errors.As(err, &fe) {
		return badRequest("the request cannot be taken")
	}
	field, ok := openFields[fe.Field]
	if !ok {
		field = fe.Field
	}
	msg := fe.Message
	if fe.Field == "body" && fe.Code == "too_long" {
		msg = "is too long together with the attributes and media_url: " + msg
	}
	return badRequest(field + " " + msg)
}

// cut shortens s to at most n characters.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// parseW3C reads a date and time in the W3C profile of ISO 8601 that the
// spec requires: with seconds or without, with a fraction or without, and
// always with a zone (Z or ±hh:mm). A '+' that a query string turned into
// a space is read as '+'.
func parseW3C(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, ' '); i > 0 && !strings.Contains(s, "+") {
		s = s[:i] + "+" + s[i+1:]
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not a W3C date and time with a zone")
}

package appeal

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/appealbot/appealbot/routing"
)

// Rule is one entry of the routing catalogue (派单目录): an appeal that
// arrives without a known department and meets every condition the rule
// sets goes to Department. Rules are tried in order; the first that
// matches decides.
type Rule struct {
	// Name identifies the rule in the event log ("rule:NAME") and in
	// /route remove.
	Name string
	// Category, when set, must equal the appeal's category (case and
	// surrounding space aside).
	Category string
	// Keywords, when set: at least one must occur in the title or the
	// body (case aside).
	Keywords []string
	// Location, when set, is a pattern for the appeal's location: '*'
	// stands for any text and '?' for one character, and the pattern
	// must cover the whole location; without '*' or '?' it only has to
	// occur in it.
	Location   string
	Department string
}

// Limits of the catalogue.
const (
	MaxRules        = 1000
	MaxRuleNameLen  = 32
	MaxRuleKeywords = 50
	MaxRuleKeyword  = 50
	MaxRuleLocation = 200
	ruleActorPrefix = "rule:"
	// RouterActor names the learned router as the actor of an
	// assignment it made (an event's Via).
	RouterActor = "router"
)

var ruleNamePattern = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}_.-]*$`)

// RuleActor is the Via of an assignment that rule r made.
func RuleActor(name string) string { return ruleActorPrefix + name }

// RuleOf returns the rule name in via, if an assignment was a rule's.
func RuleOf(via string) (string, bool) { return strings.CutPrefix(via, ruleActorPrefix) }

// NormalizeRules trims the rules' texts, lowercases department codes and
// drops empty keywords, and names the unnamed rules "r1", "r2", … after
// their position (skipping names taken).
func NormalizeRules(rules []Rule) []Rule {
	out := make([]Rule, len(rules))
	taken := map[string]bool{}
	for i, r := range rules {
		r.Name = strings.TrimSpace(r.Name)
		r.Category = strings.TrimSpace(r.Category)
		r.Location = strings.TrimSpace(r.Location)
		r.Department = strings.ToLower(strings.TrimSpace(r.Department))
		var kw []string
		for _, k := range r.Keywords {
			if k = strings.TrimSpace(k); k != "" {
				kw = append(kw, k)
			}
		}
		r.Keywords = kw
		out[i] = r
		taken[r.Name] = true
	}
	n := 0
	for i := range out {
		if out[i].Name != "" {
			continue
		}
		for {
			n++
			if name := fmt.Sprintf("r%d", n); !taken[name] {
				out[i].Name, taken[name] = name, true
				break
			}
		}
	}
	return out
}

// ValidateRules checks a normalised catalogue and returns a *FieldError
// naming the first rule and field at fault ("routes[2].department"), the
// index counting from 0. Whether the departments exist is the service's to
// check.
func ValidateRules(rules []Rule) error {
	if len(rules) > MaxRules {
		return &FieldError{"routes", "too_many", fmt.Sprintf("has more than %d rules", MaxRules)}
	}
	names := map[string]int{}
	for i, r := range rules {
		f := func(name string) string { return fmt.Sprintf("routes[%d].%s", i, name) }
		switch {
		case utf8.RuneCountInString(r.Name) > MaxRuleNameLen:
			return &FieldError{f("name"), "too_long", fmt.Sprintf("is longer than %d characters", MaxRuleNameLen)}
		case !ruleNamePattern.MatchString(r.Name):
			return &FieldError{f("name"), "invalid", "must be letters, digits, '_', '.' or '-', starting with a letter or digit"}
		}
		if j, dup := names[r.Name]; dup {
			return &FieldError{f("name"), "duplicate", fmt.Sprintf("%q is also the name of routes[%d]", r.Name, j)}
		}
		names[r.Name] = i
		if _, ok := NormalizeCode(r.Department); !ok || r.Department == "" {
			return &FieldError{f("department"), "invalid", "must be a department code"}
		}
		if err := checkText(f("category"), r.Category, false, MaxCategoryLen); err != nil {
			return err
		}
		if err := checkText(f("location"), r.Location, false, MaxRuleLocation); err != nil {
			return err
		}
		if len(r.Keywords) > MaxRuleKeywords {
			return &FieldError{f("keywords"), "too_many", fmt.Sprintf("has more than %d keywords", MaxRuleKeywords)}
		}
		for k, kw := range r.Keywords {
			if err := checkText(fmt.Sprintf("routes[%d].keywords[%d]", i, k), kw, true, MaxRuleKeyword); err != nil {
				return err
			}
		}
		if r.Category == "" && len(r.Keywords) == 0 && r.Location == "" {
			return &FieldError{f("keywords"), "required", "a rule needs a category, keywords or a location: it would take every appeal"}
		}
	}
	return nil
}

// Matches reports whether an appeal with these texts meets every condition
// of r.
func (r Rule) Matches(title, body, category, location string) bool {
	if r.Category != "" && !strings.EqualFold(strings.TrimSpace(category), r.Category) {
		return false
	}
	if len(r.Keywords) > 0 {
		text := strings.ToLower(title + "\n" + body)
		hit := false
		for _, k := range r.Keywords {
			if strings.Contains(text, strings.ToLower(k)) {
				hit = true
				break
			}
		}
		if !hit {
			return false
		}
	}
	if r.Location != "" && !matchLocation(r.Location, location) {
		return false
	}
	return true
}

// matchLocation matches a location pattern (see Rule.Location).
func matchLocation(pattern, loc string) bool {
	pattern, loc = strings.ToLower(pattern), strings.ToLower(strings.TrimSpace(loc))
	if !strings.ContainsAny(pattern, "*?") {
		return strings.Contains(loc, pattern)
	}
	return glob([]rune(pattern), []rune(loc))
}

// glob matches p against all of s, '*' any run and '?' one rune; it
// backtracks only to the last '*', so it is linear in practice.
func glob(p, s []rune) bool {
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// MatchRule returns the first rule of the catalogue that an appeal with
// these texts meets.
func MatchRule(rules []Rule, title, body, category, location string) (Rule, bool) {
	for _, r := range rules {
		if r.Matches(title, body, category, location) {
			return r, true
		}
	}
	return Rule{}, false
}

// Routes returns the routing catalogue in order.
func (s *Service) Routes(ctx context.Context) ([]Rule, error) { return s.store.Routes(ctx) }

// SetRoutes replaces the whole routing catalogue with rules after
// normalising and checking them: every department named must exist
// (FieldError "routes[i].department", code "unknown"). It returns the
// catalogue as stored.
func (s *Service) SetRoutes(ctx context.Context, rules []Rule) ([]Rule, error) {
	rules = NormalizeRules(rules)
	if err := ValidateRules(rules); err != nil {
		return nil, err
	}
	for i, r := range rules {
		if err := s.ruleDepartment(ctx, i, r); err != nil {
			return nil, err
		}
	}
	if err := s.store.UpdateRoutes(ctx, func([]Rule) ([]Rule, error) { return rules, nil }); err != nil {
		return nil, fmt.Errorf("routes: %w", err)
	}
	return rules, nil
}

// ruleDepartment checks that the department of rule i exists.
func (s *Service) ruleDepartment(ctx context.Context, i int, r Rule) error {
	code, _ := NormalizeCode(r.Department)
	if _, err := s.store.Department(ctx, code); err != nil {
		if errors.Is(err, ErrNotFound) {
			return &FieldError{fmt.Sprintf("routes[%d].department", i), "unknown",
				fmt.Sprintf("names department %q, which does not exist", r.Department)}
		}
		return fmt.Errorf("routes: %w", err)
	}
	return nil
}

// AddRoute inserts rule into the catalogue before position at (counting
// from 1; 0 or past the end appends) and returns it as stored, named.
// Errors name the field as "routes[0].…".
func (s *Service) AddRoute(ctx context.Context, rule Rule, at int) (Rule, int, error) {
	one := NormalizeRules([]Rule{{Category: rule.Category, Keywords: rule.Keywords, Location: rule.Location,
		Department: rule.Department, Name: strings.TrimSpace(rule.Name)}})
	if one[0].Name == "" {
		one[0].Name = "r1" // a placeholder that passes the checks; named below
	}
	if err := ValidateRules(one); err != nil {
		return Rule{}, 0, err
	}
	if err := s.ruleDepartment(ctx, 0, one[0]); err != nil {
		return Rule{}, 0, err
	}
	var added Rule
	var pos int
	err := s.store.UpdateRoutes(ctx, func(cur []Rule) ([]Rule, error) {
		r := one[0]
		r.Name = strings.TrimSpace(rule.Name)
		if at <= 0 || at > len(cur) {
			pos = len(cur)
		} else {
			pos = at - 1
		}
		next := append(append(append([]Rule{}, cur[:pos]...), r), cur[pos:]...)
		next = NormalizeRules(next)
		if err := ValidateRules(next); err != nil {
			var fe *FieldError
			if errors.As(err, &fe) {
				fe.Field = "routes[0]" + fe.Field[strings.Index(fe.Field, "]")+1:]
			}
			return nil, err
		}
		added = next[pos]
		return next, nil
	})
	if err != nil {
		return Rule{}, 0, err
	}
	return added, pos + 1, nil
}

// RemoveRoute removes the rule named name (or at position name, counting
// from 1) and returns it; ErrNotFound when there is none.
func (s *Service) RemoveRoute(ctx context.Context, name string) (Rule, error) {
	var removed Rule
	err := s.store.UpdateRoutes(ctx, func(cur []Rule) ([]Rule, error) {
		for i, r := range cur {
			if r.Name == name || fmt.Sprint(i+1) == name {
				removed = r
				return append(append([]Rule{}, cur[:i]...), cur[i+1:]...), nil
			}
		}
		return nil, fmt.Errorf("rule %q: %w", name, ErrNotFound)
	})
	return removed, err
}

// routeByRule finds the department the catalogue's first matching rule
// gives an intake; nil when no rule matches. A rule whose department has
// gone is skipped, so that the next one may still decide.
func (s *Service) routeByRule(ctx context.Context, in Intake) (*Department, string, error) {
	rules, err := s.store.Routes(ctx)
	if err != nil {
		return nil, "", err
	}
	for _, r := range rules {
		if !r.Matches(in.Title, in.Body, in.Category, in.Location) {
			continue
		}
		d, err := s.store.Department(ctx, r.Department)
		switch {
		case err == nil:
			return &d, r.Name, nil
		case !errors.Is(err, ErrNotFound):
			return nil, "", err
		}
	}
	return nil, "", nil
}

// RoutingExample is an appeal's text with the department that handled it:
// what the learned router is trained on.
type RoutingExample struct {
	Title, Body, Category, Location string
	Department                      string
}

// RouterModel is a trained router as stored: every instance uses the
// newest version.
type RouterModel struct {
	Version int64
	// Data is the model (routing.Model.Marshal).
	Data []byte
	// Examples is how many examples it learned from; Mark the figure of
	// the training data then (see the store's RoutingMark).
	Examples  int
	Mark      int64
	CreatedAt time.Time
}

// Suggestion is a department the learned router proposes, with its
// calibrated confidence (0–1).
type Suggestion struct {
	Department string
	Confidence float64
}

// Suggester proposes departments for an appeal's texts, most likely
// first; nil or empty when it cannot (no model yet). It must answer at
// once: intake calls it.
type Suggester interface {
	Suggest(title, body, category, location string) []Suggestion
}

// RoutingLabel is the department that handled an appeal, read from its
// event log: the department that answered it and did not return or
// transfer it afterwards. A department that returned or transferred the
// appeal before another answered is never its label. "" when no
// department qualifies (never answered, or the answering department gave it
// up after a reopen).
func RoutingLabel(events []Event) string {
	label, owner := "", ""
	for _, e := range events {
		switch e.Kind {
		case EventAnswered:
			label = e.Department
			if label == "" {
				label = owner
			}
		case EventReturned, EventTransferred:
			if owner == label {
				label = ""
			}
		}
		if e.Department != "" || e.Kind == EventReturned {
			owner = e.Department
		}
	}
	return label
}

// WithSuggester gives the service the learned router: the dispatch card's
// suggestions come from it, and with WithAutoroute so do assignments at
// intake.
func WithSuggester(sg Suggester) Option {
	return func(s *Service) { s.suggester = sg }
}

// WithAutoroute makes intake assign an appeal that no rule took to the
// router's top department when its confidence is at least min (0 < min ≤
// 1); the assigned event's Via is RouterActor and its Note the
// confidence. Zero leaves automatic dispatch off.
func WithAutoroute(min float64) Option {
	return func(s *Service) { s.autoroute = min }
}

// MaxSuggestions is how many departments the dispatch card proposes.
const MaxSuggestions = 3

// Suggestions returns the departments the router proposes for appeal a,
// most likely first, at most MaxSuggestions: only departments that exist,
// and not the one that returned it. None without a router or a model.
func (s *Service) Suggestions(ctx context.Context, a Appeal) ([]Suggestion, error) {
	if s.suggester == nil {
		return nil, nil
	}
	all := s.suggester.Suggest(a.Title, a.Body, a.Category, a.Location)
	var out []Suggestion
	for _, sg := range all {
		if len(out) == MaxSuggestions {
			break
		}
		if a.Status == StatusReturned && sg.Department == a.Department {
			continue
		}
		if _, err := s.store.Department(ctx, sg.Department); err != nil {
			if errors.Is(err, ErrNotFound) {
				continue
			}
			return nil, err
		}
		out = append(out, sg)
	}
	return out, nil
}

// autorouteNote is the note of an assignment the router made: its
// confidence in whole percent, as cards show it.
func autorouteNote(confidence float64) string {
	return fmt.Sprintf("%d%%", int(confidence*100))
}

// AutorouteConfidence reads the confidence back from the note of an
// assignment the router made (0–100); ok is false for other events.
func AutorouteConfidence(e Event) (percent int, ok bool) {
	if e.Kind != EventAssigned || e.Via != RouterActor {
		return 0, false
	}
	_, err := fmt.Sscanf(e.Note, "%d%%", &percent)
	return percent, err == nil
}

// routeByModel is the router's department for an intake when automatic
// dispatch is on and its top suggestion reaches the threshold.
func (s *Service) routeByModel(ctx context.Context, in Intake) (*Department, string, error) {
	if s.suggester == nil || s.autoroute <= 0 {
		return nil, "", nil
	}
	sg := s.suggester.Suggest(in.Title, in.Body, in.Category, in.Location)
	if len(sg) == 0 || sg[0].Confidence < s.autoroute {
		return nil, "", nil
	}
	d, err := s.store.Department(ctx, sg[0].Department)
	if errors.Is(err, ErrNotFound) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	return &d, autorouteNote(sg[0].Confidence), nil
}

// Hints is what dispatch assistance adds to an appeal's card.
type Hints struct {
	// Rule is the catalogue's first rule the appeal meets (nil: none),
	// RulePos its position from 1; for an appeal waiting for dispatch.
	Rule    *Rule
	RulePos int
	// Suggestions are the router's departments, for an appeal waiting for
	// dispatch (see Suggestions).
	Suggestions []Suggestion
	// Similar are open appeals of the last SimilarWindow that nearly
	// repeat this one, most similar first, at most MaxSimilar.
	Similar []ID
	// Autorouted is the router's confidence in percent when the router
	// assigned the appeal to the department that has it; 0 otherwise.
	Autorouted int
}

// Bounds of the search for similar appeals: the open appeals created in
// SimilarWindow before the appeal (or since), the newest SimilarScan of
// them, so that a card costs one bounded range read and at most
// SimilarScan comparisons of bigram sets however large the store grows.
const (
	SimilarWindow = 30 * 24 * time.Hour
	SimilarScan   = 2000
	MaxSimilar    = 5
	// SimilarBody is how much of each body is compared (characters):
	// enough to tell appeals apart, and it bounds what one card reads.
	SimilarBody = 1000
)

// Hints returns what dispatch assistance says about appeal a.
func (s *Service) Hints(ctx context.Context, a Appeal) (Hints, error) {
	var h Hints
	switch a.Status {
	case StatusUnassigned, StatusReturned:
		rules, err := s.store.Routes(ctx)
		if err != nil {
			return h, err
		}
		for i, r := range rules {
			if r.Matches(a.Title, a.Body, a.Category, a.Location) {
				h.Rule, h.RulePos = &r, i+1
				break
			}
		}
		if h.Suggestions, err = s.Suggestions(ctx, a); err != nil {
			return h, err
		}
	case StatusClosed:
		return h, nil
	default:
		events, err := s.store.Events(ctx, a.ID)
		if err != nil {
			return h, err
		}
		for i := len(events) - 1; i >= 0; i-- {
			if events[i].Kind == EventAssigned || events[i].Kind == EventTransferred {
				if pct, ok := AutorouteConfidence(events[i]); ok && events[i].Department == a.Department {
					h.Autorouted = pct
				}
				break
			}
		}
	}
	var err error
	h.Similar, err = s.Similar(ctx, a)
	return h, err
}

// Similar returns the open appeals of SimilarWindow around a's creation
// whose text (and location, when both have one) nearly repeats a's
// (routing.DuplicateThreshold), most similar first, at most MaxSimilar.
func (s *Service) Similar(ctx context.Context, a Appeal) ([]ID, error) {
	at := a.CreatedAt
	if at.IsZero() {
		at = s.Now()
	}
	recent, err := s.store.RecentOpen(ctx, at.Add(-SimilarWindow), SimilarScan)
	if err != nil {
		return nil, err
	}
	body := a.Body
	if r := []rune(body); len(r) > SimilarBody {
		body = string(r[:SimilarBody])
	}
	fp := routing.NewFingerprint(a.Title, body, a.Location)
	type match struct {
		id  ID
		sim float64
	}
	var ms []match
	for _, b := range recent {
		if b.ID == a.ID {
			continue
		}
		if sim := routing.Similarity(fp, routing.NewFingerprint(b.Title, b.Body, b.Location)); sim >= routing.DuplicateThreshold {
			ms = append(ms, match{b.ID, sim})
		}
	}
	slices.SortFunc(ms, func(x, y match) int {
		if c := cmp.Compare(y.sim, x.sim); c != 0 {
			return c
		}
		return cmp.Compare(x.id, y.id)
	})
	var out []ID
	for i := 0; i < len(ms) && i < MaxSimilar; i++ {
		out = append(out, ms[i].id)
	}
	return out, nil
}

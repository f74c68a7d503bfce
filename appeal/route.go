package appeal

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
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

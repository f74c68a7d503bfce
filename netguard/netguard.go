// Package netguard decides where appealbot may connect on behalf of others.
// Upstream systems name the URL an answer is posted back to; without a
// guard that URL could point into the network appealbot runs in (its own
// API, the database, a cloud metadata service) and appealbot would post
// there for them (server-side request forgery).
//
// A Policy allows public addresses, plus what the operator lists: host
// names, domains and address ranges. CheckURL judges a URL as written (at
// intake, without resolving it); the dialer from DialContext judges every
// address a name resolves to, just before connecting, so a DNS answer
// cannot slip an internal address past the check made at intake.
package netguard

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// Policy is what may be reached besides public addresses. The zero value
// allows public addresses only.
type Policy struct {
	hosts    map[string]bool
	domains  []string // with the leading dot: ".gov.example"
	prefixes []netip.Prefix
	entries  []string
}

// Parse reads a comma-separated allow list. An entry is an address range
// ("10.20.0.0/16", "fd00::/8"), an address ("10.20.0.5", a /32 or /128),
// a domain whose subdomains are allowed (".gov.example" or
// "*.gov.example"; the domain itself is not), or a host name
// ("crm.gov.example"). Empty entries are ignored; every bad entry is
// reported.
func Parse(list string) (Policy, error) {
	var p Policy
	var errs []error
	for _, e := range strings.Split(list, ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if err := p.add(e); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return Policy{}, errors.Join(errs...)
	}
	return p, nil
}

func (p *Policy) add(e string) error {
	if strings.Contains(e, "/") {
		pr, err := netip.ParsePrefix(e)
		if err != nil {
			return fmt.Errorf("%q is not an address range such as 10.0.0.0/8", e)
		}
		if pr != pr.Masked() {
			return fmt.Errorf("%q has bits set past its prefix length; did you mean %s?", e, pr.Masked())
		}
		p.prefixes = append(p.prefixes, pr)
		p.entries = append(p.entries, pr.String())
		return nil
	}
	if a, err := netip.ParseAddr(strings.Trim(e, "[]")); err == nil {
		if a.Zone() != "" {
			return fmt.Errorf("%q: an address with a zone cannot be allowed", e)
		}
		pr := netip.PrefixFrom(a, a.BitLen())
		p.prefixes = append(p.prefixes, pr)
		p.entries = append(p.entries, pr.String())
		return nil
	}
	name, wildcard := strings.CutPrefix(e, "*.")
	if !wildcard {
		name, wildcard = strings.CutPrefix(e, ".")
	}
	host, err := normalName(name)
	if err != nil || host == "" || strings.Contains(host, "*") || endsInNumber(host) {
		return fmt.Errorf("%q is neither an address, an address range, a host name nor a domain such as .gov.example", e)
	}
	if wildcard {
		p.domains = append(p.domains, "."+host)
		p.entries = append(p.entries, "."+host)
		return nil
	}
	if p.hosts == nil {
		p.hosts = map[string]bool{}
	}
	p.hosts[host] = true
	p.entries = append(p.entries, host)
	return nil
}

// String lists the policy's entries, for the log.
func (p Policy) String() string {
	if len(p.entries) == 0 {
		return "public addresses only"
	}
	return "public addresses and " + strings.Join(p.entries, ",")
}

// Error is a refused destination. Its message says what the host is.
type Error struct {
	// Host is the host as the URL or the dial named it.
	Host string
	// Reason says why, e.g. "127.0.0.1 is a loopback address".
	Reason string
}

func (e *Error) Error() string { return e.Reason }

func refuse(host, format string, args ...any) *Error {
	return &Error{Host: host, Reason: fmt.Sprintf(format, args...)}
}

// CheckURL judges the destination of an http or https URL as it is
// written, without resolving names: it refuses a user name or password in
// the URL, IP addresses outside the public internet (in any spelling:
// IPv6 forms that embed an IPv4 address, and the decimal, octal and
// hexadecimal IPv4 spellings some resolvers accept, which it refuses
// outright) and names that only resolve inside a local network
// (localhost, single-label names, .local, .internal, .home.arpa, …),
// unless the policy allows them. A name that passes may still resolve to
// an internal address: the dialer checks that when it connects.
func (p Policy) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return refuse(raw, "%q is not an absolute http or https URL", raw)
	}
	if u.User != nil {
		return refuse(u.Host, "the URL carries a user name or password")
	}
	host, err := Host(u)
	if err != nil {
		return err
	}
	if p.allowsName(host) {
		return nil
	}
	if a, ok, err := literal(host); err != nil {
		return err
	} else if ok {
		return p.CheckAddr(host, a)
	}
	if why := localName(host); why != "" {
		return refuse(host, "%s %s", host, why)
	}
	return nil
}

// Host returns u's host as an HTTP client dials it: without brackets,
// port and trailing dot, mapped to ASCII as IDNA's lookup profile does
// (so that "１２７．０．０．１" is seen as the 127.0.0.1 it becomes),
// in lower case.
func Host(u *url.URL) (string, error) {
	h := u.Hostname()
	if strings.Contains(h, "%") {
		return "", refuse(h, "%s has a zone: only link-local addresses have one", h)
	}
	n, err := normalName(h)
	if err != nil || n == "" {
		return "", refuse(h, "%q is not a valid host", h)
	}
	return n, nil
}

func normalName(h string) (string, error) {
	if _, err := netip.ParseAddr(h); err == nil && strings.Contains(h, ":") {
		return strings.ToLower(h), nil
	}
	a, err := idna.Lookup.ToASCII(h)
	if err != nil {
		// IDNA refuses some plain ASCII names (an underscore, a label
		// over 63 bytes) that resolvers take; judge those as written.
		if !isASCII(h) {
			return "", err
		}
		a = h
	}
	a = strings.ToLower(strings.TrimSuffix(a, "."))
	if strings.ContainsAny(a, "/\\@?#[] \t\r\n") {
		return "", errors.New("bad character")
	}
	if slices.Contains(strings.Split(a, "."), "") {
		return "", errors.New("empty label")
	}
	return a, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// literal reports whether host is an IP address, in any spelling an HTTP
// client or a resolver might take as one. A host whose last label is a
// number is an IPv4 address or nothing (as the WHATWG URL standard says):
// spellings other than four decimal numbers are refused, naming the
// address they stand for.
func literal(host string) (netip.Addr, bool, error) {
	if strings.Contains(host, ":") {
		a, err := netip.ParseAddr(host)
		if err != nil {
			return netip.Addr{}, false, refuse(host, "%q is not a valid IPv6 address", host)
		}
		return a, true, nil
	}
	if !endsInNumber(host) {
		return netip.Addr{}, false, nil
	}
	a, ok := ParseIPv4(host)
	if !ok {
		return netip.Addr{}, false, refuse(host, "%q is neither a host name nor an IPv4 address", host)
	}
	if a.String() != host {
		return netip.Addr{}, false, refuse(host, "%s spells the IPv4 address %s in a way resolvers disagree on; write it as %s", host, a, a)
	}
	return a, true, nil
}

// endsInNumber: the last label is all digits or a 0x hexadecimal number.
func endsInNumber(host string) bool {
	last := host[strings.LastIndexByte(host, '.')+1:]
	if last == "" {
		return false
	}
	if h, ok := strings.CutPrefix(last, "0x"); ok {
		return strings.Trim(h, "0123456789abcdef") == ""
	}
	return strings.Trim(last, "0123456789") == ""
}

// ParseIPv4 reads the IPv4 spellings of inet_aton and the WHATWG URL
// standard: one to four dot-separated numbers, each decimal, octal (a
// leading 0) or hexadecimal (0x), the last filling the remaining bytes
// ("127.1" and "2130706433" are 127.0.0.1).
func ParseIPv4(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var nums []uint64
	for _, p := range parts {
		base := 10
		switch {
		case strings.HasPrefix(p, "0x"):
			p, base = p[2:], 16
		case len(p) > 1 && p[0] == '0':
			p, base = p[1:], 8
		}
		if p == "" {
			if base != 16 {
				return netip.Addr{}, false
			}
			p = "0" // "0x" alone is 0, as browsers read it
		}
		n, err := strconv.ParseUint(p, base, 32)
		if err != nil || strings.ContainsAny(p, "+-_") {
			return netip.Addr{}, false
		}
		nums = append(nums, n)
	}
	last := len(nums) - 1
	for _, n := range nums[:last] {
		if n > 255 {
			return netip.Addr{}, false
		}
	}
	if nums[last] >= 1<<(8*(5-len(nums))) {
		return netip.Addr{}, false
	}
	v := nums[last]
	for i, n := range nums[:last] {
		v |= n << (8 * (3 - i))
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// localNames are names that resolve only inside a local network.
var localNames = []struct{ suffix, why string }{
	{"localhost", "is the loopback host"},
	{"local", "is a multicast DNS (.local) name"},
	{"internal", "is a private (.internal) name"},
	{"home.arpa", "is a home network (.home.arpa) name"},
	{"localdomain", "is a local (.localdomain) name"},
	{"lan", "is a local (.lan) name"},
	{"intranet", "is a local (.intranet) name"},
}

func localName(host string) string {
	for _, n := range localNames {
		if host == n.suffix || strings.HasSuffix(host, "."+n.suffix) {
			return n.why
		}
	}
	if !strings.Contains(host, ".") {
		return "is a single-label name, which resolves inside the local network; use a fully qualified name"
	}
	return ""
}

// allowsName reports whether the policy lists host or a domain above it.
func (p Policy) allowsName(host string) bool {
	if p.hosts[host] {
		return true
	}
	for _, d := range p.domains {
		if strings.HasSuffix(host, d) && len(host) > len(d) {
			return true
		}
	}
	return false
}

// CheckAddr judges a connection to a for host (the name being dialled,
// or the address itself): allowed when the policy lists host, a domain
// above it or a range holding a, or when a is public.
func (p Policy) CheckAddr(host string, a netip.Addr) error {
	if p.allowsName(host) {
		return nil
	}
	for _, pr := range p.prefixes {
		if pr.Contains(a) || pr.Contains(a.Unmap()) {
			return nil
		}
	}
	if why := Classify(a); why != "" {
		shown := a.String()
		if host != "" && host != shown {
			shown = host + " (" + shown + ")"
		}
		return refuse(host, "%s is %s", shown, why)
	}
	return nil
}

// special are the ranges of the IANA special-purpose registries that are
// not reachable on the public internet. embeds marks IPv6 forms that carry
// an IPv4 address in their last 32 bits, named in the reason.
var special = []struct {
	prefix netip.Prefix
	why    string
	embeds bool
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "an unspecified (\"this network\") address", false},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private address", false},
	{netip.MustParsePrefix("100.64.0.0/10"), "a shared (carrier-grade NAT) address", false},
	{netip.MustParsePrefix("127.0.0.0/8"), "a loopback address", false},
	{netip.MustParsePrefix("169.254.0.0/16"), "a link-local address", false},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private address", false},
	{netip.MustParsePrefix("192.0.0.0/24"), "an IETF protocol address", false},
	{netip.MustParsePrefix("192.0.2.0/24"), "a documentation address", false},
	{netip.MustParsePrefix("192.88.99.0/24"), "a 6to4 relay address", false},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private address", false},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address", false},
	{netip.MustParsePrefix("198.51.100.0/24"), "a documentation address", false},
	{netip.MustParsePrefix("203.0.113.0/24"), "a documentation address", false},
	{netip.MustParsePrefix("224.0.0.0/4"), "a multicast address", false},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address", false},

	{netip.MustParsePrefix("::/128"), "an unspecified address", false},
	{netip.MustParsePrefix("::1/128"), "a loopback address", false},
	{netip.MustParsePrefix("::ffff:0:0/96"), "an IPv4-mapped IPv6 address", true},
	{netip.MustParsePrefix("::/96"), "an IPv4-compatible IPv6 address", true},
	{netip.MustParsePrefix("64:ff9b::/96"), "a NAT64 address", true},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "a local NAT64 address", false},
	{netip.MustParsePrefix("100::/64"), "a discard-only address", false},
	{netip.MustParsePrefix("2001:db8::/32"), "a documentation address", false},
	{netip.MustParsePrefix("2001::/23"), "an IETF protocol address (Teredo, benchmarking, ORCHID)", false},
	{netip.MustParsePrefix("3fff::/20"), "a documentation address", false},
	{netip.MustParsePrefix("5f00::/16"), "a segment routing address", false},
	{netip.MustParsePrefix("fc00::/7"), "a unique-local (private) address", false},
	{netip.MustParsePrefix("fe80::/10"), "a link-local address", false},
	{netip.MustParsePrefix("fec0::/10"), "a site-local address", false},
	{netip.MustParsePrefix("ff00::/8"), "a multicast address", false},
}

var (
	globalUnicast = netip.MustParsePrefix("2000::/3")
	sixToFour     = netip.MustParsePrefix("2002::/16")
)

// Classify says why a is not a public internet address ("a loopback
// address"), or returns "" for a public one. IPv4-mapped, IPv4-compatible
// and NAT64 forms are refused whatever they embed: nothing legitimate
// needs them in a URL. A 6to4 address is judged by the IPv4 address it
// embeds. IPv6 outside global unicast (2000::/3) is refused.
func Classify(a netip.Addr) string {
	if !a.IsValid() {
		return "not an address"
	}
	for _, s := range special {
		if s.prefix.Contains(a) {
			if s.embeds {
				b := a.As16()
				return fmt.Sprintf("%s (of %s)", s.why, netip.AddrFrom4([4]byte(b[12:])))
			}
			return s.why
		}
	}
	if a.Is6() && !globalUnicast.Contains(a) {
		return "an IPv6 address outside global unicast (2000::/3)"
	}
	if sixToFour.Contains(a) {
		b := a.As16()
		v4 := netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
		if why := Classify(v4); why != "" {
			return fmt.Sprintf("a 6to4 address of %s, %s", v4, why)
		}
	}
	return ""
}

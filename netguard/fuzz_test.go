package netguard_test

import (
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/netguard"
)

// FuzzCheckURL: whatever the URL, a policy without an entry for it never
// lets it through to a loopback, link-local, private, unspecified,
// multicast or carrier-grade NAT address. The host is read as the check
// reads it, then every way a client or resolver might take it as an
// address is tried, and each address is judged by net/netip's own
// classification, not by the check's tables. The corpus is in
// testdata/fuzz/FuzzCheckURL.
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{
		"https://hotline.gov.example/cb", "http://127.0.0.1/", "http://[::ffff:127.0.0.1]/",
		"http://2130706433/", "http://0x7f.1/", "http://169.254.169.254/", "http://[fe80::1%25lo]/",
		"http://localhost./", "http://user:pw@8.8.8.8/", "http://１２７.0.0.1/",
	} {
		f.Add(s)
	}
	policies := []netguard.Policy{{}}
	for _, list := range []string{"203.0.113.0/24,.gov.example", "8.8.8.8"} {
		p, err := netguard.Parse(list)
		if err != nil {
			f.Fatal(err)
		}
		policies = append(policies, p)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, p := range policies {
			if p.CheckURL(raw) != nil {
				continue
			}
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatalf("allowed %q, which does not parse: %v", raw, err)
			}
			if u.User != nil {
				t.Fatalf("allowed %q with a user name or password", raw)
			}
			host, err := netguard.Host(u)
			if err != nil {
				t.Fatalf("allowed %q, whose host the check cannot read: %v", raw, err)
			}
			if host == "localhost" || strings.HasSuffix(host, ".localhost") {
				t.Fatalf("allowed %q: %s is loopback by name", raw, host)
			}
			for _, a := range addresses(host, u.Hostname()) {
				if why := internal(a); why != "" {
					t.Fatalf("allowed %q (%s with policy %v): %s is %s", raw, host, p, a, why)
				}
			}
		}
	})
}

// addresses are the IP addresses a client might take the host names for.
func addresses(names ...string) []netip.Addr {
	var out []netip.Addr
	for _, n := range names {
		n = strings.TrimSuffix(n, ".")
		if a, err := netip.ParseAddr(n); err == nil {
			out = append(out, a.WithZone(""))
		}
		if ip := net.ParseIP(n); ip != nil {
			if a, ok := netip.AddrFromSlice(ip); ok {
				out = append(out, a)
			}
		}
		if a, ok := atonIPv4(n); ok {
			out = append(out, a)
		}
	}
	return out
}

// atonIPv4 reads the inet_aton spellings (decimal, 0 octal, 0x hex, one to
// four parts) with strconv's base prefixes, apart from the check's parser.
func atonIPv4(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var v, n uint64
	for i, p := range parts {
		if p == "" || strings.ContainsAny(p, "_oObB+-") {
			return netip.Addr{}, false
		}
		x, err := strconv.ParseUint(strings.ToLower(p), 0, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		if i < len(parts)-1 {
			if x > 255 {
				return netip.Addr{}, false
			}
			v = v<<8 | x
			n++
			continue
		}
		rest := 4 - n
		if rest < 4 && x >= 1<<(8*rest) {
			return netip.Addr{}, false
		}
		v = v<<(8*rest) | x
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// internal classifies with net/netip, looking through the IPv6 forms that
// carry an IPv4 address (mapped, compatible, NAT64).
func internal(a netip.Addr) string {
	for _, x := range []netip.Addr{a, a.Unmap(), embedded(a)} {
		switch {
		case !x.IsValid():
		case x.IsLoopback():
			return "loopback"
		case x.IsLinkLocalUnicast(), x.IsLinkLocalMulticast():
			return "link-local"
		case x.IsPrivate():
			return "private"
		case x.IsUnspecified():
			return "unspecified"
		case x.IsMulticast(), x.IsInterfaceLocalMulticast():
			return "multicast"
		case cgnat.Contains(x):
			return "carrier-grade NAT"
		case x.Is4() && x.As4()[0] == 0:
			return "this network"
		}
	}
	return ""
}

func embedded(a netip.Addr) netip.Addr {
	if !a.Is6() {
		return netip.Addr{}
	}
	b := a.As16()
	compat := [12]byte{}
	nat64 := [12]byte{0, 0x64, 0xff, 0x9b}
	if [12]byte(b[:12]) == compat || [12]byte(b[:12]) == nat64 {
		return netip.AddrFrom4([4]byte(b[12:]))
	}
	return netip.Addr{}
}

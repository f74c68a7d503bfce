package netguard_test

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/netguard"
)

func mustParse(t *testing.T, list string) netguard.Policy {
	t.Helper()
	p, err := netguard.Parse(list)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckURL(t *testing.T) {
	for _, tc := range []struct {
		url, allow string
		// why is a part of the refusal's message; "" means allowed.
		why string
	}{
		{"https://hotline.gov.example/cb", "", ""},
		{"http://crm.example.org:8080/appeals/callback?id=1", "", ""},
		{"HTTPS://Hotline.Gov.Example./cb", "", ""},
		{"https://8.8.8.8/cb", "", ""},
		{"https://[2606:4700::1111]/cb", "", ""},
		{"https://政府.example/cb", "", ""},

		// Not a URL a callback can go to.
		{"ftp://hotline.gov.example/cb", "", "not an absolute http or https URL"},
		{"/appeals/callback", "", "not an absolute http or https URL"},
		{"http:hotline.gov.example", "", "not an absolute http or https URL"},
		{"https://user:secret@hotline.gov.example/cb", "", "user name or password"},
		{"https://user@hotline.gov.example/cb", "", "user name or password"},
		{"https://user:secret@127.0.0.1/cb", "127.0.0.1/32", "user name or password"},

		// Loopback in every spelling.
		{"http://127.0.0.1:8080/cb", "", "127.0.0.1 is a loopback address"},
		{"http://127.1.2.3/cb", "", "loopback"},
		{"http://localhost/cb", "", "loopback host"},
		{"http://LOCALHOST./cb", "", "loopback host"},
		{"http://api.localhost/cb", "", "loopback host"},
		{"http://[::1]:8080/cb", "", "::1 is a loopback address"},
		{"http://[::ffff:127.0.0.1]/cb", "", "IPv4-mapped IPv6 address (of 127.0.0.1)"},
		{"http://[::ffff:7f00:1]/cb", "", "IPv4-mapped"},
		{"http://[::127.0.0.1]/cb", "", "IPv4-compatible IPv6 address (of 127.0.0.1)"},
		{"http://[64:ff9b::7f00:1]/cb", "", "NAT64 address (of 127.0.0.1)"},
		{"http://[64:ff9b::808:808]/cb", "", "NAT64"},
		{"http://2130706433/cb", "", "write it as 127.0.0.1"},
		{"http://0x7f000001/cb", "", "write it as 127.0.0.1"},
		{"http://017700000001/cb", "", "write it as 127.0.0.1"},
		{"http://0177.0.0.1/cb", "", "write it as 127.0.0.1"},
		{"http://0x7f.1/cb", "", "write it as 127.0.0.1"},
		{"http://127.1/cb", "", "write it as 127.0.0.1"},
		{"http://127.0.0.01/cb", "", "write it as 127.0.0.1"},
		{"http://%31%32%37.0.0.1/cb", "", "not an absolute http or https URL"}, // Go refuses escaped ASCII in a host
		{"http://１２７．０．０．１/cb", "", "127.0.0.1 is a loopback address"},
		{"http://0x8.0x8.0x8.0x8/cb", "", "write it as 8.8.8.8"},
		{"http://256.0.0.1/cb", "", "neither a host name nor an IPv4 address"},
		{"http://hotline.123/cb", "", "neither a host name nor an IPv4 address"},

		// The rest of what is not the public internet.
		{"http://0.0.0.0/cb", "", "unspecified"},
		{"http://[::]/cb", "", "unspecified"},
		{"http://10.1.2.3/cb", "", "10.1.2.3 is a private address"},
		{"http://172.16.0.1/cb", "", "private"},
		{"http://172.31.255.255/cb", "", "private"},
		{"http://192.168.1.1/cb", "", "private"},
		{"http://169.254.169.254/latest/meta-data/", "", "169.254.169.254 is a link-local address"},
		{"http://[fe80::1]/cb", "", "link-local"},
		{"http://[fe80::1%25eth0]/cb", "", "zone"},
		{"http://[fd00::1]/cb", "", "unique-local"},
		{"http://[fc12:3456::1]/cb", "", "unique-local"},
		{"http://100.64.0.1/cb", "", "carrier-grade NAT"},
		{"http://100.127.255.254/cb", "", "carrier-grade NAT"},
		{"http://224.0.0.1/cb", "", "multicast"},
		{"http://[ff02::1]/cb", "", "multicast"},
		{"http://255.255.255.255/cb", "", "reserved"},
		{"http://192.0.2.10/cb", "", "documentation"},
		{"http://[2002:a00:1::1]/cb", "", "6to4 address of 10.0.0.1, a private address"},
		{"http://db/cb", "", "single-label"},
		{"http://printer.local/cb", "", ".local"},
		{"http://metadata.google.internal/cb", "", ".internal"},
		{"http://nas.home.arpa/cb", "", ".home.arpa"},

		// Just outside the private ranges.
		{"http://172.32.0.1/cb", "", ""},
		{"http://100.128.0.1/cb", "", ""},
		{"http://11.0.0.1/cb", "", ""},
		{"http://[2002:808:808::1]/cb", "", ""},

		// What the operator allows.
		{"http://127.0.0.1:8080/cb", "127.0.0.1/32", ""},
		{"http://127.0.0.1:8080/cb", "127.0.0.1", ""},
		{"http://[::ffff:127.0.0.1]/cb", "127.0.0.1/32", ""},
		{"http://127.0.0.2:8080/cb", "127.0.0.1/32", "127.0.0.2 is a loopback address"},
		{"http://10.20.3.4/cb", "10.20.0.0/16", ""},
		{"http://10.21.3.4/cb", "10.20.0.0/16", "private"},
		{"http://[fd00::5]/cb", "fd00::/8", ""},
		{"http://crm.gov.example/cb", "crm.gov.example", ""},
		{"http://localhost:9000/cb", "localhost", ""},
		{"http://crm/cb", "crm", ""},
		{"http://crm.hotline.gov.example/cb", ".gov.example", ""},
		{"http://crm.hotline.gov.example/cb", "*.gov.example", ""},
		{"http://crm.hotline.internal/cb", "*.hotline.internal", ""},
		{"http://hotline.internal/cb", "*.hotline.internal", ".internal"},
		{"http://evilgov.example.internal/cb", ".gov.example", ".internal"},
		{"http://0x7f.1/cb", "127.0.0.1/32", "write it as 127.0.0.1"},
	} {
		p := mustParse(t, tc.allow)
		err := p.CheckURL(tc.url)
		switch {
		case tc.why == "" && err != nil:
			t.Errorf("CheckURL(%q) with allow %q: %v, want allowed", tc.url, tc.allow, err)
		case tc.why != "" && err == nil:
			t.Errorf("CheckURL(%q) with allow %q: allowed, want refused (%s)", tc.url, tc.allow, tc.why)
		case tc.why != "" && !strings.Contains(err.Error(), tc.why):
			t.Errorf("CheckURL(%q) with allow %q: %v, want it to say %q", tc.url, tc.allow, err, tc.why)
		}
		var ne *netguard.Error
		if err != nil && !errors.As(err, &ne) {
			t.Errorf("CheckURL(%q): %T is not a *netguard.Error", tc.url, err)
		}
	}
}

func TestCheckAddr(t *testing.T) {
	p := mustParse(t, "10.20.0.0/16, hotline.gov.example, .city.example")
	for _, tc := range []struct {
		host, addr string
		ok         bool
	}{
		{"hotline.gov.example", "10.9.9.9", true},       // the operator trusts the name wherever it points
		{"crm.city.example", "127.0.0.1", true},         // and a whole domain
		{"city.example", "127.0.0.1", false},            // but not the domain itself
		{"rebind.attacker.example", "127.0.0.1", false}, // a public name resolving inward
		{"rebind.attacker.example", "10.20.1.1", true},  // into an allowed range
		{"rebind.attacker.example", "169.254.169.254", false},
		{"rebind.attacker.example", "::ffff:10.0.0.1", false},
		{"rebind.attacker.example", "::ffff:10.20.0.1", true},
		{"rebind.attacker.example", "93.184.216.34", true},
	} {
		err := p.CheckAddr(tc.host, netip.MustParseAddr(tc.addr))
		if (err == nil) != tc.ok {
			t.Errorf("CheckAddr(%s, %s) = %v, want allowed %v", tc.host, tc.addr, err, tc.ok)
		}
	}
}

func TestParse(t *testing.T) {
	p, err := netguard.Parse(" 127.0.0.1/32 , ,*.gov.example,.city.example,crm.example.org,::1,fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.String(); got != "public addresses and 127.0.0.1/32,.gov.example,.city.example,crm.example.org,::1/128,fd00::/8" {
		t.Errorf("String() = %q", got)
	}
	if got := (netguard.Policy{}).String(); got != "public addresses only" {
		t.Errorf("zero Policy: %q", got)
	}
	_, err = netguard.Parse("10.0.0.1/8,not a host,*.,10.0.0.0/33,0x7f.1,fe80::1%eth0")
	if err == nil {
		t.Fatal("bad entries accepted")
	}
	for _, want := range []string{`"10.0.0.1/8"`, `"not a host"`, `"*."`, `"10.0.0.0/33"`, `"0x7f.1"`, `"fe80::1%eth0"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s: %v", want, err)
		}
	}
}

func TestParseIPv4(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1": "127.0.0.1", "2130706433": "127.0.0.1", "0x7f000001": "127.0.0.1",
		"017700000001": "127.0.0.1", "0177.0.0.1": "127.0.0.1", "127.1": "127.0.0.1",
		"10.0x10.1": "10.16.0.1", "0x": "0.0.0.0", "0": "0.0.0.0", "4294967295": "255.255.255.255",
		"4294967296": "", "1.2.3.4.5": "", "256.1.1.1": "", "1.2.3.256": "", "08.1.1.1": "",
		"1..2": "", "": "", "0x1g": "", "1.2.65536": "", "1.2.65535": "1.2.255.255",
	} {
		a, ok := netguard.ParseIPv4(in)
		got := ""
		if ok {
			got = a.String()
		}
		if got != want {
			t.Errorf("ParseIPv4(%q) = %q, want %q", in, got, want)
		}
	}
}

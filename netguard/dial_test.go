package netguard_test

import (
	"context"
	"errors"
	"net"
	"testing"

	"github.com/appealbot/appealbot/netguard"
)

// TestDialChecksResolvedAddresses dials a real listener on 127.0.0.1: by
// address and through the name localhost, which passes no check of the
// URL's text here, so only the check of the resolved address stands
// between the dial and the loopback interface.
func TestDialChecksResolvedAddresses(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 10)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
			accepted <- struct{}{}
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())

	for _, tc := range []struct {
		allow, host string
		ok          bool
	}{
		{"", "127.0.0.1", false},
		{"", "localhost", false},
		{"10.0.0.0/8,.gov.example", "localhost", false},
		{"127.0.0.1/32", "127.0.0.1", true},
		{"127.0.0.1/32", "localhost", true},
		{"localhost", "localhost", true},
	} {
		dial := mustParse(t, tc.allow).DialContext(&net.Dialer{})
		c, err := dial(context.Background(), "tcp", net.JoinHostPort(tc.host, port))
		if !tc.ok {
			var ne *netguard.Error
			if err == nil {
				c.Close()
				t.Errorf("allow %q: dialled %s", tc.allow, tc.host)
			} else if !errors.As(err, &ne) {
				t.Errorf("allow %q, %s: %v is not a *netguard.Error", tc.allow, tc.host, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("allow %q: dial %s: %v", tc.allow, tc.host, err)
			continue
		}
		c.Close()
		<-accepted
	}
	select {
	case <-accepted:
		t.Error("a refused dial reached the listener")
	default:
	}
}

package netguard

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"syscall"
)

// DialContext returns a dial function (for http.Transport.DialContext)
// that connects through a copy of d only where the policy allows. The
// check runs in the dialer's ControlContext hook, on each address the name
// resolved to, just before connecting: what a DNS server answers at that
// moment is what is judged, so a name that resolved to a public address at
// intake and to an internal one now (DNS rebinding) is refused. A refusal
// is an error that wraps *Error.
func (p Policy) DialContext(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		host = strings.ToLower(strings.TrimSuffix(host, "."))
		dd := *d
		dd.Control = nil
		dd.ControlContext = func(_ context.Context, _, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return refuse(host, "%q is not an IP address and port", address)
			}
			return p.CheckAddr(host, ap.Addr().WithZone(""))
		}
		return dd.DialContext(ctx, network, addr)
	}
}

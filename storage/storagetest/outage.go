package storagetest

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// Outage stands between a test's code and its PostgreSQL database, so
// that the test can take the database away as a restart does: every
// connection reset at once, new ones refused, until Restore.
type Outage struct {
	t      *testing.T
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener // nil while cut
	conns  map[net.Conn]struct{}
}

// PostgresOutage returns the URL of a fresh database like PostgresURL,
// reached through an Outage, and the URL that reaches it directly.
func PostgresOutage(t *testing.T) (o *Outage, through, direct string) {
	t.Helper()
	direct = PostgresURL(t)
	u, err := url.Parse(direct)
	if err != nil || u.Port() == "" {
		t.Fatalf("storagetest: an outage needs a host:port PostgreSQL URL, not %q", direct)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	o = &Outage{t: t, target: u.Host, addr: ln.Addr().String(), ln: ln, conns: map[net.Conn]struct{}{}}
	go o.serve(ln)
	t.Cleanup(o.Cut)
	u.Host = o.addr
	return o, u.String(), direct
}

func (p *Outage) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go p.pipe(c)
	}
}

func (p *Outage) pipe(c net.Conn) {
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.ln == nil {
		p.mu.Unlock()
		c.Close()
		up.Close()
		return
	}
	p.conns[c], p.conns[up] = struct{}{}, struct{}{}
	p.mu.Unlock()
	go func() {
		_, _ = io.Copy(up, c)
		up.Close()
	}()
	_, _ = io.Copy(c, up)
	c.Close()
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, up)
	p.mu.Unlock()
}

// Cut resets every connection and stops listening: clients get
// "connection reset" and then "connection refused".
func (p *Outage) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		c.Close()
	}
	clear(p.conns)
}

// Restore listens on the same address again.
func (p *Outage) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Errorf("storagetest: outage: listen again on %s: %v", p.addr, err)
		return
	}
	p.ln = ln
	go p.serve(ln)
}

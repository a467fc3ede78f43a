package group

import (
	"context"
	"net"
	"sync"
	"time"
)

// sarama's requests cannot be cancelled: a Broker holds its lock from
// writing a request until its response arrives or Net.ReadTimeout (stretched
// past the rebalance timeout for JoinGroup) passes, and Broker.Close waits
// for that lock. So the member dials its own connections through
// mbrDialer, which can close them all at once. Closing the socket fails the
// request in flight at once, frees the broker, and sarama reconnects on the
// next request. The member uses this when its context is cancelled
// mid-request, when it decides the coordinator is lost and when it stops.

// mbrDialer is installed as the member's sarama Net.Proxy.Dialer.
type mbrDialer struct {
	// base dials when the caller's config had no proxy dialer of its own.
	base net.Dialer
	// proxy is the caller's own proxy dialer, if any.
	proxy interface {
		Dial(network, addr string) (net.Conn, error)
	}

	mu     sync.Mutex
	conns  map[*mbrConn]struct{}
	ctx    context.Context // cancelled by abort, then replaced
	cancel context.CancelFunc
}

func newMbrDialer(timeout, keepAlive time.Duration, local net.Addr) *mbrDialer {
	d := &mbrDialer{
		base:  net.Dialer{Timeout: timeout, KeepAlive: keepAlive, LocalAddr: local},
		conns: make(map[*mbrConn]struct{}),
	}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	return d
}

// Dial implements sarama's (golang.org/x/net/proxy) Dialer.
func (d *mbrDialer) Dial(network, addr string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, addr)
}

// DialContext dials unless abort is called meanwhile.
func (d *mbrDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	actx := d.ctx
	d.mu.Unlock()
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	unhook := context.AfterFunc(actx, stop)
	defer unhook()

	var c net.Conn
	var err error
	switch p := d.proxy.(type) {
	case nil:
		c, err = d.base.DialContext(ctx, network, addr)
	case interface {
		DialContext(ctx context.Context, network, addr string) (net.Conn, error)
	}:
		c, err = p.DialContext(ctx, network, addr)
	default:
		// A proxy dialer without a context cannot be interrupted; the
		// connection it makes is still tracked.
		c, err = p.Dial(network, addr)
	}
	if err != nil {
		return nil, err
	}
	mc := &mbrConn{Conn: c, d: d}
	d.mu.Lock()
	if actx.Err() != nil { // aborted while dialling
		d.mu.Unlock()
		_ = c.Close()
		return nil, context.Canceled
	}
	d.conns[mc] = struct{}{}
	d.mu.Unlock()
	return mc, nil
}

// abort closes every connection and fails the dials in progress.
func (d *mbrDialer) abort() {
	d.mu.Lock()
	conns := d.conns
	d.conns = make(map[*mbrConn]struct{})
	d.cancel()
	d.ctx, d.cancel = context.WithCancel(context.Background())
	d.mu.Unlock()
	for c := range conns {
		_ = c.Conn.Close()
	}
}

// close releases the dialer's context.
func (d *mbrDialer) close() {
	d.abort()
	d.mu.Lock()
	d.cancel()
	d.mu.Unlock()
}

type mbrConn struct {
	net.Conn
	d *mbrDialer
}

func (c *mbrConn) Close() error {
	c.d.mu.Lock()
	delete(c.d.conns, c)
	c.d.mu.Unlock()
	return c.Conn.Close()
}

// mbrCall runs fn (a blocking sarama call) on a goroutine tracked by the
// member and waits for it or for ctx. On cancellation it aborts the
// member's connections so fn returns promptly and leaves no broker locked.
func mbrCall[T any](ctx context.Context, m *Member, fn func() (T, error)) (T, error) {
	if err := ctx.Err(); err != nil {
		var zero T
		return zero, err
	}
	type res struct {
		v   T
		err error
	}
	ch := make(chan res, 1)
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		v, err := fn()
		ch <- res{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		m.dialer.abort()
		var zero T
		return zero, ctx.Err()
	}
}

// mbrSleep waits d or until ctx is done.
func mbrSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

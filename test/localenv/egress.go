/*
Copyright 2026 The Knative Authors

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package localenv

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// There is no kube-proxy here, Endpoints cannot point at 127.0.0.0/8, and
// knative.dev/pkg's webhooks insist on a `service:` clientConfig. So
// kube-apiserver is started with an egress selector whose "cluster" traffic
// (webhooks, aggregated APIs: everything it sends to a Service) goes through
// an HTTP CONNECT proxy on a Unix socket. The apiserver resolves a Service to
// its ClusterIP and port and asks the proxy to CONNECT there; the proxy maps
// that address to the loopback address of the local process serving the
// Service: a tiny kube-proxy for local processes. TLS stays end to end
// between the apiserver and the process; the proxy only copies bytes.

// egressSelectorConfig is kube-apiserver's --egress-selector-config-file.
// HTTPConnect over TCP always dials TLS with a client certificate, so the
// proxy listens on a Unix socket, where HTTPConnect is plain.
func egressSelectorConfig(socket string) []byte {
	return []byte(`apiVersion: apiserver.k8s.io/v1beta1
kind: EgressSelectorConfiguration
egressSelections:
- name: cluster
  connection:
    proxyProtocol: HTTPConnect
    transport:
      uds:
        udsName: ` + socket + `
`)
}

// EgressProxy is the HTTP CONNECT proxy behind kube-apiserver's "cluster"
// egress. It connects only addresses it has a route for.
type EgressProxy struct {
	ln  net.Listener
	dir string
	log io.Writer

	mu     sync.Mutex
	routes map[string]string
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// StartEgressProxy listens on a Unix socket in a new short-named temporary
// directory (socket paths are limited to about 100 bytes, work directories
// may be longer) and serves until Close. log receives one line per refused
// or failed connection.
func StartEgressProxy(log io.Writer) (*EgressProxy, error) {
	dir, err := os.MkdirTemp("", "egress-")
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("unix", filepath.Join(dir, "proxy.sock"))
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	if log == nil {
		log = io.Discard
	}
	p := &EgressProxy{ln: ln, dir: dir, log: log, routes: map[string]string{}, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// Socket is the path the egress selector configuration names.
func (p *EgressProxy) Socket() string { return p.ln.Addr().String() }

// Route sends connections for from (a Service's "ClusterIP:port") to to (a
// local "host:port"). A later Route for the same from replaces it.
func (p *EgressProxy) Route(from, to string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.routes[from] = to
}

// Unroute removes the route for from.
func (p *EgressProxy) Unroute(from string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.routes, from)
}

func (p *EgressProxy) route(from string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	to, ok := p.routes[from]
	return to, ok
}

// Close stops listening, closes every open tunnel and waits for them.
func (p *EgressProxy) Close() error {
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	err := p.ln.Close()
	p.wg.Wait()
	_ = os.RemoveAll(p.dir)
	return err
}

// track registers an open connection; false once the proxy is closing.
func (p *EgressProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *EgressProxy) untrack(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.conns, c)
}

func (p *EgressProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			// Closed; Accept on a Unix socket fails for no other lasting reason.
			return
		}
		if !p.track(c) {
			_ = c.Close()
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer p.untrack(c)
			defer c.Close()
			p.handle(c)
		}()
	}
}

func (p *EgressProxy) handle(c net.Conn) {
	// The request line and headers must arrive promptly; the tunnel after
	// that lives as long as the apiserver keeps it.
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil {
		fmt.Fprintf(p.log, "egress proxy: bad request: %v\n", err)
		return
	}
	_ = c.SetReadDeadline(time.Time{})
	if req.Method != http.MethodConnect {
		reply(c, http.StatusMethodNotAllowed, "only CONNECT is supported")
		return
	}
	to, ok := p.route(req.Host)
	if !ok {
		fmt.Fprintf(p.log, "egress proxy: no route for %s\n", req.Host)
		reply(c, http.StatusBadGateway, "no local process serves "+req.Host)
		return
	}
	up, err := net.DialTimeout("tcp", to, 5*time.Second)
	if err != nil {
		fmt.Fprintf(p.log, "egress proxy: %s -> %s: %v\n", req.Host, to, err)
		reply(c, http.StatusServiceUnavailable, err.Error())
		return
	}
	if !p.track(up) {
		_ = up.Close()
		return
	}
	defer p.untrack(up)
	defer up.Close()
	if _, err := io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		return
	}
	pipe(c, br, up)
}

// pipe copies both ways until either side ends, then closes both so that
// the other copy ends too. br holds anything read past the request.
func pipe(client net.Conn, br *bufio.Reader, up net.Conn) {
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(up, br); done <- struct{}{} }()
	go func() { _, _ = io.Copy(client, up); done <- struct{}{} }()
	<-done
	_ = client.Close()
	_ = up.Close()
	<-done
}

func reply(c net.Conn, code int, msg string) {
	fmt.Fprintf(c, "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		code, http.StatusText(code), len(msg), msg)
}

// errNoService is returned by RouteService for a Service without a ClusterIP.
var errNoService = errors.New("service has no ClusterIP")

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
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"knative.dev/net-certmanager/test/childproc"
)

// echoServer accepts connections on loopback and echoes what it reads.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()
	return ln.Addr().String()
}

// connect dials the proxy and sends CONNECT addr, as kube-apiserver does.
func connect(t *testing.T, p *EgressProxy, addr string) (net.Conn, *bufio.Reader, *http.Response) {
	t.Helper()
	c, err := net.DialTimeout("unix", p.Socket(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "CONNECT "+addr+" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal("reading CONNECT response:", err)
	}
	return c, br, res
}

func TestEgressProxy(t *testing.T) {
	log := &syncWriter{}
	p, err := StartEgressProxy(log)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	backend := echoServer(t)
	p.Route("10.0.0.10:443", backend)

	t.Run("routed ClusterIP tunnels to the local process", func(t *testing.T) {
		c, br, res := connect(t, p, "10.0.0.10:443")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("CONNECT = %s, want 200", res.Status)
		}
		if _, err := io.WriteString(c, "ping\n"); err != nil {
			t.Fatal(err)
		}
		line, err := br.ReadString('\n')
		if err != nil || line != "ping\n" {
			t.Fatalf("echo = %q, %v; want ping", line, err)
		}
	})
	t.Run("unrouted address is refused", func(t *testing.T) {
		_, _, res := connect(t, p, "10.0.0.11:443")
		if res.StatusCode != http.StatusBadGateway {
			t.Fatalf("CONNECT = %s, want 502", res.Status)
		}
	})
	t.Run("routed to a closed port: 503", func(t *testing.T) {
		closed, err := childproc.FreePort()
		if err != nil {
			t.Fatal(err)
		}
		p.Route("10.0.0.12:443", net.JoinHostPort("127.0.0.1", strconv.Itoa(closed)))
		_, _, res := connect(t, p, "10.0.0.12:443")
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("CONNECT = %s, want 503", res.Status)
		}
	})
	t.Run("only CONNECT", func(t *testing.T) {
		c, err := net.Dial("unix", p.Socket())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_, _ = io.WriteString(c, "GET http://10.0.0.10:443/ HTTP/1.1\r\nHost: 10.0.0.10\r\n\r\n")
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || res.StatusCode != http.StatusMethodNotAllowed {
			t.Fatalf("GET = %v, %v; want 405", res, err)
		}
	})
	t.Run("a later route replaces the earlier", func(t *testing.T) {
		p.Route("10.0.0.13:443", "127.0.0.1:1")
		p.Route("10.0.0.13:443", backend)
		_, _, res := connect(t, p, "10.0.0.13:443")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("CONNECT = %s, want 200", res.Status)
		}
	})
	if !strings.Contains(log.String(), "no route for 10.0.0.11:443") {
		t.Errorf("proxy log lacks the refused address:\n%s", log.String())
	}
}

func TestEgressProxyCloseEndsTunnels(t *testing.T) {
	p, err := StartEgressProxy(nil)
	if err != nil {
		t.Fatal(err)
	}
	p.Route("10.0.0.10:443", echoServer(t))
	c, br, res := connect(t, p, "10.0.0.10:443")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("CONNECT = %s", res.Status)
	}
	done := make(chan error, 1)
	go func() { done <- p.Close() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return with a tunnel open")
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := br.ReadByte(); err == nil {
		t.Error("tunnel still open after Close")
	}
	if _, err := net.Dial("unix", p.Socket()); err == nil {
		t.Error("socket still accepts after Close")
	}
}

func TestServiceAddress(t *testing.T) {
	svc := func(ip string, ports ...int32) *corev1.Service {
		s := &corev1.Service{Spec: corev1.ServiceSpec{ClusterIP: ip}}
		for _, p := range ports {
			s.Spec.Ports = append(s.Spec.Ports, corev1.ServicePort{Port: p})
		}
		return s
	}
	for _, tc := range []struct {
		name    string
		svc     *corev1.Service
		port    int32
		want    string
		wantErr bool
	}{
		{name: "ClusterIP and port", svc: svc("10.0.0.7", 9090, 443), port: 443, want: "10.0.0.7:443"},
		{name: "IPv6", svc: svc("fd00::7", 443), port: 443, want: "[fd00::7]:443"},
		{name: "no such port", svc: svc("10.0.0.7", 9090), port: 443, wantErr: true},
		{name: "headless", svc: svc("None", 443), port: 443, wantErr: true},
		{name: "no ClusterIP yet", svc: svc("", 443), port: 443, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := serviceAddress(tc.svc, tc.port)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("serviceAddress() = %q, %v; want %q, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestEgressSelectorConfig(t *testing.T) {
	got := string(egressSelectorConfig("/tmp/egress-1/proxy.sock"))
	for _, want := range []string{"kind: EgressSelectorConfiguration", "name: cluster", "proxyProtocol: HTTPConnect", "udsName: /tmp/egress-1/proxy.sock"} {
		if !strings.Contains(got, want) {
			t.Errorf("egress selector config lacks %q:\n%s", want, got)
		}
	}
}

// syncWriter collects the proxy's log lines, written from its goroutines.
type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

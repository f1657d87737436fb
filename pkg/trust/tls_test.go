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

package trust

import (
	"crypto/tls"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// serve runs a TLS server on loopback with cfg until the test ends, and
// returns its address. Each connection is closed right after the handshake.
func serve(t testing.TB, cfg *tls.Config) string {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.(*tls.Conn).Handshake()
			}()
		}
	}()
	return ln.Addr().String()
}

func handshake(addr string, cfg *tls.Config) error {
	c, err := tls.Dial("tcp", addr, cfg)
	if err != nil {
		return err
	}
	return c.Close()
}

func TestClientConfigFollowsThePool(t *testing.T) {
	ca1, ca2 := validCA(t, "ca1"), validCA(t, "ca2")
	_, _, pair1 := ca1.leaf(t, "myapp.example.com")
	_, _, pair2 := ca2.leaf(t, "myapp.example.com")
	addr1 := serve(t, &tls.Config{Certificates: []tls.Certificate{pair1}})
	addr2 := serve(t, &tls.Config{Certificates: []tls.Certificate{pair2}})

	p := NewPool()
	p.Set("s", map[string][]byte{"k": ca1.pem})
	client := p.ClientConfig(&tls.Config{ServerName: "myapp.example.com", MinVersion: tls.VersionTLS12})

	if err := handshake(addr1, client); err != nil {
		t.Errorf("CA1 server with [CA1]: %v", err)
	}
	if err := handshake(addr2, client); err == nil {
		t.Error("CA2 server with [CA1]: handshake succeeded")
	}
	// The same config trusts CA2 as soon as the pool holds it.
	p.Set("s", map[string][]byte{"k": cat(ca1.pem, ca2.pem)})
	for _, addr := range []string{addr1, addr2} {
		if err := handshake(addr, client); err != nil {
			t.Errorf("%s with [CA1, CA2]: %v", addr, err)
		}
	}
	p.Set("s", map[string][]byte{"k": ca2.pem})
	if err := handshake(addr1, client); err == nil {
		t.Error("CA1 server with [CA2]: handshake succeeded")
	}

	// The host name is still checked.
	wrongName := p.ClientConfig(&tls.Config{ServerName: "other.example.com"})
	if err := handshake(addr2, wrongName); err == nil || !strings.Contains(err.Error(), "other.example.com") {
		t.Errorf("wrong host name: err = %v, want a name mismatch", err)
	}
}

func TestServerConfigMutualTLS(t *testing.T) {
	ca1, ca2 := validCA(t, "ca1"), validCA(t, "ca2")
	dir := t.TempDir()
	certPEM, keyPEM, _ := ca1.leaf(t, "server.example.com")
	must(t, os.WriteFile(filepath.Join(dir, "tls.crt"), certPEM, 0o600))
	must(t, os.WriteFile(filepath.Join(dir, "tls.key"), keyPEM, 0o600))
	keys, err := NewKeyPairReloader(filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key"), nil)
	must(t, err)

	serverPool := NewPool()
	serverPool.Set("s", map[string][]byte{"k": ca1.pem})
	addr := serve(t, serverPool.ServerConfig(nil, keys, true))

	clientPool := NewPool()
	clientPool.Set("s", map[string][]byte{"k": ca1.pem})
	_, _, clientPair2 := ca2.leaf(t, "client")
	cfg := clientPool.ClientConfig(&tls.Config{ServerName: "server.example.com", Certificates: []tls.Certificate{clientPair2}})

	// TLS 1.3 reports a rejected client certificate on the first read.
	readErr := func() error {
		c, err := tls.Dial("tcp", addr, cfg)
		if err != nil {
			return err
		}
		defer c.Close()
		_, err = c.Read(make([]byte, 1))
		if err != nil && strings.Contains(err.Error(), "EOF") {
			return nil // the server accepted and closed
		}
		return err
	}
	if err := readErr(); err == nil {
		t.Error("client certificate of CA2 accepted by a server trusting [CA1]")
	}
	serverPool.Set("s", map[string][]byte{"k": cat(ca1.pem, ca2.pem)})
	if err := readErr(); err != nil {
		t.Errorf("client certificate of CA2 with server trusting [CA1, CA2]: %v", err)
	}
}

// With no server name the standard library refuses to handshake; so must
// ClientConfig, which does the checks itself: otherwise any certificate of
// the pool would pass for any server. The name is missing when ServerName
// is empty, and also when tls.Dial or net/http fill it in from an IP
// address, which the handshake does not pass on (SNI carries no IP).
func TestClientConfigNeedsAServerName(t *testing.T) {
	ca := validCA(t, "ca")
	_, _, namePair := ca.leaf(t, "myapp.example.com")
	_, _, ipPair := ca.leaf(t, "127.0.0.1")
	nameAddr := serve(t, &tls.Config{Certificates: []tls.Certificate{namePair}})
	ipAddr := serve(t, &tls.Config{Certificates: []tls.Certificate{ipPair}})
	p := NewPool()
	p.Set("s", map[string][]byte{"k": ca.pem})

	clientOnConn := func(addr string, cfg *tls.Config) error {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			return err
		}
		defer conn.Close()
		return tls.Client(conn, cfg).Handshake()
	}
	tests := []struct {
		name    string
		connect func() error
		wantErr string // "" for success
	}{
		{"no ServerName, on a connection of our own",
			func() error { return clientOnConn(nameAddr, p.ClientConfig(nil)) }, "no server name"},
		{"no ServerName, tls.Dial fills in an IP address",
			func() error { return handshake(nameAddr, p.ClientConfig(nil)) }, "no server name"},
		{"no ServerName, the certificate has the dialled IP address",
			func() error { return handshake(ipAddr, p.ClientConfig(nil)) }, "no server name"},
		{"an IP address as ServerName, the certificate names a host",
			func() error { return handshake(nameAddr, p.ClientConfig(&tls.Config{ServerName: "127.0.0.1"})) }, "127.0.0.1"},
		{"an IP address as ServerName, in the certificate",
			func() error { return handshake(ipAddr, p.ClientConfig(&tls.Config{ServerName: "127.0.0.1"})) }, ""},
		{"a host name as ServerName",
			func() error {
				return clientOnConn(nameAddr, p.ClientConfig(&tls.Config{ServerName: "myapp.example.com"}))
			}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.connect()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("handshake: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("handshake: err = %v, want one that says %q", err, tc.wantErr)
			}
		})
	}
}

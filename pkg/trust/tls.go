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
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"time"
)

// ClientConfig returns a TLS client configuration, based on a clone of base
// (nil for defaults), that verifies servers against the pool in force at
// each handshake: a bundle change applies to the next handshake, with no
// restart and no new config.
//
// Go's built-in verification reads RootCAs, which cannot change under a
// live config; so it is switched off and the same checks (chain to a
// trusted root, server-auth usage, host name) are done in
// VerifyConnection against one snapshot of the pool.
//
// As with Go's own verification, a handshake with no server name to check
// fails. VerifyConnection only sees the name sent in SNI, which is never an
// IP address: to connect to an IP address, put it in base.ServerName, the
// name checked whenever SNI carries none (an address that tls.Dial or
// net/http fill in later is not seen, and the handshake fails).
func (p *Pool) ClientConfig(base *tls.Config) *tls.Config {
	cfg := base.Clone()
	if cfg == nil {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	var ipName string
	if net.ParseIP(cfg.ServerName) != nil {
		ipName = cfg.ServerName
	}
	cfg.RootCAs = nil
	cfg.InsecureSkipVerify = true //nolint:gosec // verification is done in VerifyConnection
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		name := cs.ServerName
		if name == "" {
			name = ipName
		}
		if name == "" {
			return errNoServerName
		}
		return verifyPeer(p.Current(), cs, x509.ExtKeyUsageServerAuth, name, p.now())
	}
	return cfg
}

// ServerConfig returns a TLS server configuration, based on a clone of base,
// that serves the certificate of keys and, if requireClientCert, requires
// client certificates that chain to the pool in force at each handshake.
// keys may be nil when base already has certificates.
func (p *Pool) ServerConfig(base *tls.Config, keys *KeyPairReloader, requireClientCert bool) *tls.Config {
	cfg := base.Clone()
	if cfg == nil {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if keys != nil {
		cfg.GetCertificate = keys.GetCertificate
	}
	if requireClientCert {
		// GetConfigForClient runs once per handshake: each handshake gets the
		// snapshot in force when it starts.
		cfg.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) {
			c := cfg.Clone()
			c.GetConfigForClient = nil
			c.ClientAuth = tls.RequireAndVerifyClientCert
			c.ClientCAs = p.Current().CertPool
			if c.Time == nil {
				c.Time = p.now // the pool's clock judges validity, as for clients
			}
			return c, nil
		}
	}
	return cfg
}

var (
	// errNoPeerCertificate is returned when the peer sent no certificate.
	errNoPeerCertificate = errors.New("peer sent no certificate")
	// errNoServerName is returned when there is no host name to check the
	// server's certificate against: any certificate of the pool would do.
	errNoServerName = errors.New("no server name to verify the certificate against: set ServerName in the tls.Config (a DNS name, or the IP address dialled)")
)

// verifyPeer checks the peer's chain against snap at now, as Go's own
// verification does.
func verifyPeer(snap *Snapshot, cs tls.ConnectionState, usage x509.ExtKeyUsage, dnsName string, now time.Time) error {
	if len(cs.PeerCertificates) == 0 {
		return errNoPeerCertificate
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{
		Roots:         snap.CertPool,
		Intermediates: inter,
		DNSName:       dnsName,
		KeyUsages:     []x509.ExtKeyUsage{usage},
		CurrentTime:   now,
	})
	if err != nil {
		return fmt.Errorf("trust pool generation %d (%d CAs): %w", snap.Generation, len(snap.Certificates), err)
	}
	return nil
}

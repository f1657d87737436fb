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
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/letsencrypt/pebble/v2/ca"
	"github.com/letsencrypt/pebble/v2/db"
	"github.com/letsencrypt/pebble/v2/va"
	"github.com/letsencrypt/pebble/v2/wfe"
)

// pebbleServer is an in-process Pebble ACME server on loopback TLS.
type pebbleServer struct {
	// DirectoryURL is the ACME directory, e.g. https://127.0.0.1:port/dir.
	DirectoryURL string
	// ManagementURL serves Pebble's roots, e.g. <ManagementURL>/roots/0.
	ManagementURL string
	// CABundle is the PEM CA that signed the serving certificate.
	CABundle []byte

	servers []*http.Server
	done    chan struct{}
}

// Environment Pebble reads at start, unless the caller set it already.
var pebbleEnvDefaults = map[string]string{
	// No random sleeps before validating.
	"PEBBLE_VA_NOSLEEP": "1",
	// Do not reject good nonces on purpose (the default rejects 5%).
	"PEBBLE_WFE_NONCEREJECT": "0",
	// Validate every order afresh (the default reuses half of the valid
	// authorizations): a renewal must go through HTTP-01 again.
	"PEBBLE_AUTHZREUSE": "0",
}

// startPebble starts Pebble; its validation resolves names with the DNS
// server at resolver and fetches HTTP-01 tokens from port httpPort.
func startPebble(logOut io.Writer, httpPort int, resolver string) (*pebbleServer, error) {
	for k, v := range pebbleEnvDefaults {
		if _, set := os.LookupEnv(k); !set {
			os.Setenv(k, v)
		}
	}
	caPEM, serving, err := newServingCert()
	if err != nil {
		return nil, err
	}
	logger := log.New(logOut, "Pebble ", log.LstdFlags)

	store := db.NewMemoryStore()
	profiles := map[string]ca.Profile{"default": {Description: "The default profile", ValidityPeriod: 0}}
	pca := ca.New(logger, store, "", "ecdsa", 0, 1, profiles)
	// TLS-ALPN-01 is not served (port 5001: nothing listens).
	pva := va.New(logger, httpPort, 5001, false, resolver, store)
	w := wfe.New(logger, store, pva, pca, []string{"pebble.letsencrypt.org"}, false, false, 3, 5)

	p := &pebbleServer{CABundle: caPEM, done: make(chan struct{})}
	tlsCfg := &tls.Config{Certificates: []tls.Certificate{serving}, MinVersion: tls.VersionTLS12}
	listen := func(h http.Handler) (string, error) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", err
		}
		srv := &http.Server{Handler: h, TLSConfig: tlsCfg, ReadHeaderTimeout: 10 * time.Second, ErrorLog: logger}
		p.servers = append(p.servers, srv)
		go func() {
			if err := srv.ServeTLS(ln, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
				logger.Printf("serve: %v", err)
			}
		}()
		return "https://" + ln.Addr().String(), nil
	}
	base, err := listen(w.Handler())
	if err != nil {
		return nil, err
	}
	p.DirectoryURL = base + wfe.DirectoryPath
	if p.ManagementURL, err = listen(w.ManagementHandler()); err != nil {
		p.Stop()
		return nil, err
	}
	logger.Printf("ACME directory at %s, management at %s", p.DirectoryURL, p.ManagementURL)
	return p, nil
}

func (p *pebbleServer) Stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range p.servers {
		_ = s.Shutdown(ctx)
	}
}

// newServingCert returns a fresh CA (PEM) and a serving certificate for
// 127.0.0.1 and localhost signed by it.
func newServingCert() ([]byte, tls.Certificate, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "localenv pebble CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost", "pebble"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	if cert.Leaf, err = x509.ParseCertificate(der); err != nil {
		return nil, tls.Certificate{}, fmt.Errorf("parse serving cert: %w", err)
	}
	return caPEM, cert, nil
}

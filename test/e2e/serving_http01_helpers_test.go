//go:build e2e

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

package e2e

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
)

// What localenv records for the HTTP-01 tests (test/localenv: solvers.go,
// solverlog.go, certmanager.go).
const (
	// solverRequestsFile has one JSON line per challenge request an
	// in-process solver answered or refused.
	solverRequestsFile = "acme-solver-requests.jsonl"
	// pebbleManagementURLFile holds Pebble's management URL.
	pebbleManagementURLFile = "pebble-management-url"
	// pebbleUserAgent starts the User-Agent of Pebble's validation requests.
	pebbleUserAgent = "LetsEncrypt-Pebble-VA"
	// selfCheckUserAgent starts that of cert-manager's self-check.
	selfCheckUserAgent = "cert-manager-challenges"
	// acmeChallengePath prefixes every HTTP-01 request.
	acmeChallengePath = "/.well-known/acme-challenge/"
)

// solverRequest is one line of solverRequestsFile.
type solverRequest struct {
	Time      time.Time `json:"time"`
	Pod       string    `json:"pod"`
	Host      string    `json:"host"`
	Path      string    `json:"path"`
	UserAgent string    `json:"userAgent"`
	Answered  bool      `json:"answered"`
}

// solverRequests reads the requests the solvers saw for host.
func (s *servingEnv) solverRequests(t *testing.T, host string) []solverRequest {
	t.Helper()
	f, err := os.Open(filepath.Join(s.dir, solverRequestsFile))
	if err != nil {
		t.Fatal("the solvers' request log:", err)
	}
	defer f.Close()
	var out []solverRequest
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r solverRequest
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("solver request line %q: %v", sc.Text(), err)
		}
		if r.Host == host {
			out = append(out, r)
		}
	}
	return out
}

// answeredTo counts the requests answered with the key to a User-Agent.
func answeredTo(reqs []solverRequest, userAgent string) int {
	n := 0
	for _, r := range reqs {
		if r.Answered && strings.HasPrefix(r.UserAgent, userAgent) {
			n++
		}
	}
	return n
}

// pebbleCA fetches Pebble's issuing chain (root and intermediate) from its
// management endpoint, over TLS trusted with the ACME ClusterIssuer's
// caBundle.
func (s *servingEnv) pebbleCA(t *testing.T) (roots, intermediates *x509.CertPool, root *x509.Certificate) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.dir, pebbleManagementURLFile))
	if err != nil {
		t.Fatal("Pebble's management URL:", err)
	}
	base := strings.TrimSpace(string(b))
	trust := x509.NewCertPool()
	if !trust.AppendCertsFromPEM(s.c.acmeTemplate(t).CABundle) {
		t.Fatal("no CA in the ACME ClusterIssuer's caBundle")
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		Proxy: nil, TLSClientConfig: &tls.Config{RootCAs: trust, MinVersion: tls.VersionTLS12}}}
	fetch := func(path string) *x509.Certificate {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s%s: %v", base, path, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s%s: %s", base, path, resp.Status)
		}
		return parsePEM(t, body)
	}
	root = fetch("/roots/0")
	roots, intermediates = x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root)
	intermediates.AddCert(fetch("/intermediates/0"))
	return roots, intermediates, root
}

// chainOf parses every certificate of a PEM bundle (a Secret's tls.crt).
func chainOf(t *testing.T, data []byte) []*x509.Certificate {
	t.Helper()
	var out []*x509.Certificate
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal("parse certificate:", err)
		}
		out = append(out, c)
	}
	return out
}

// challengeLog records, from a watch started before anything is created,
// every state each cert-manager Challenge of a namespace went through
// (cert-manager deletes Challenges soon after their Order is valid).
type challengeLog struct {
	stop func()
	mu   sync.Mutex
	// states[name] lists the states in the order seen; types[name] says
	// HTTP-01 or DNS-01, dns[name] the Challenge's DNS name.
	states map[string][]acmev1.State
	types  map[string]acmev1.ACMEChallengeType
	dns    map[string]string
	reason map[string]string
}

func (c *clients) watchChallenges(t *testing.T, ns string) *challengeLog {
	t.Helper()
	w, err := c.cm.AcmeV1().Challenges(ns).Watch(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal("watch Challenges:", err)
	}
	l := &challengeLog{stop: w.Stop, states: map[string][]acmev1.State{}, types: map[string]acmev1.ACMEChallengeType{},
		dns: map[string]string{}, reason: map[string]string{}}
	go func() {
		for ev := range w.ResultChan() {
			ch, ok := ev.Object.(*acmev1.Challenge)
			if !ok || ev.Type == watch.Deleted {
				continue
			}
			l.mu.Lock()
			st := l.states[ch.Name]
			if len(st) == 0 || st[len(st)-1] != ch.Status.State {
				l.states[ch.Name] = append(st, ch.Status.State)
			}
			l.types[ch.Name], l.dns[ch.Name], l.reason[ch.Name] = ch.Spec.Type, ch.Spec.DNSName, ch.Status.Reason
			l.mu.Unlock()
		}
	}()
	t.Cleanup(w.Stop)
	return l
}

// valid lists the HTTP-01 Challenges for host that went valid.
func (l *challengeLog) valid(host string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for name, states := range l.states {
		if l.dns[name] != host || l.types[name] != acmev1.ACMEChallengeTypeHTTP01 {
			continue
		}
		for _, s := range states {
			if s == acmev1.Valid {
				out = append(out, name)
				break
			}
		}
	}
	return out
}

func (l *challengeLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for name, states := range l.states {
		fmt.Fprintf(&b, "%s (%s %s): %v %q; ", name, l.types[name], l.dns[name], states, l.reason[name])
	}
	return b.String()
}

// kcertWatch records every KCert state a watch sees (the first is the
// KCert as the watch starts): those not Ready=True, and how many listed
// challenges while its Renewing condition was True.
type kcertWatch struct {
	mu                  sync.Mutex
	notReady            []string
	challengesRenewing  int
	renewingSeen, total int
}

func (c *clients) watchKCert(t *testing.T, ns, name string) *kcertWatch {
	t.Helper()
	w, err := c.net.NetworkingV1alpha1().Certificates(ns).Watch(context.Background(),
		metav1.ListOptions{FieldSelector: "metadata.name=" + name})
	if err != nil {
		t.Fatal("watch KCert:", err)
	}
	kw := &kcertWatch{}
	go func() {
		for ev := range w.ResultChan() {
			kc, ok := ev.Object.(*v1alpha1.Certificate)
			if !ok {
				continue
			}
			kw.mu.Lock()
			kw.total++
			ready := kc.Status.GetCondition(v1alpha1.CertificateConditionReady)
			if ready == nil || ready.Status != corev1.ConditionTrue {
				kw.notReady = append(kw.notReady, fmt.Sprintf("%s: %+v", ev.Type, ready))
			}
			if r := kc.Status.GetCondition("Renewing"); r != nil && r.Status == corev1.ConditionTrue {
				kw.renewingSeen++
				if len(kc.Status.HTTP01Challenges) > 0 {
					kw.challengesRenewing++
				}
			}
			kw.mu.Unlock()
		}
	}()
	t.Cleanup(w.Stop)
	return kw
}

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
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
)

// timeToReadyBound fails the timing run when its median exceeds it: a
// single issuance takes about 13 s, most of it cert-manager's self-check
// (five passes two seconds apart).
const timeToReadyBound = 90 * time.Second

// issuanceTimes are the moments one DomainMapping's issuance passed.
type issuanceTimes struct {
	host                                  string
	created, published, ready             time.Time
	firstSelfCheck, firstPebble, lastSeen time.Time
}

// phases splits the time from creation to Ready, in the order they happen.
func (it issuanceTimes) phases() []time.Duration {
	return []time.Duration{
		it.published.Sub(it.created),        // Serving's KCert, our Certificate, cert-manager's Order and Challenge, our status
		it.firstSelfCheck.Sub(it.published), // Serving's KIngress rule, the ingress, the self-check's first pass
		it.firstPebble.Sub(it.firstSelfCheck),
		it.lastSeen.Sub(it.firstPebble),
		it.ready.Sub(it.lastSeen), // the Order, the Certificate, our Ready, Serving's TLS KIngress
		it.ready.Sub(it.created),
	}
}

var phaseNames = []string{
	"created -> challenge published (our controller, cert-manager)",
	"published -> first self-check answered (Serving's KIngress)",
	"cert-manager's self-check (first pass -> Pebble's first request)",
	"Pebble's validation (first -> last request)",
	"validated -> DomainMapping Ready",
	"total: created -> DomainMapping Ready",
}

// timeToReady creates n DomainMappings together and reports the median of
// each phase of their issuance.
func (s *servingEnv) timeToReady(t *testing.T, n int) {
	t.Helper()
	ctx := context.Background()
	ns := s.c.newNamespace(t)
	s.helloService(t, ns)
	published := s.c.watchPublished(t, ns)
	times := make([]issuanceTimes, n)
	for i := range times {
		times[i].host = fmt.Sprintf("app-%d.%s.%s", i, ns, servingDomain)
		times[i].created = time.Now()
		s.mapDomain(t, ns, times[i].host, nil)
	}
	deadline := time.Now().Add(2 * readyTimeout)
	for pending := n; pending > 0; {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d DomainMappings not Ready after %v", pending, n, 2*readyTimeout)
		}
		pending = 0
		for i := range times {
			it := &times[i]
			if it.ready.IsZero() {
				dm, err := s.dyn.Resource(domainMappingGVR).Namespace(ns).Get(ctx, it.host, metav1.GetOptions{})
				if err == nil && readyOverHTTPS(dm, it.host) {
					it.ready = time.Now()
				}
			}
			if it.ready.IsZero() {
				pending++
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	for i := range times {
		it := &times[i]
		it.published = published.at(it.host)
		for _, r := range s.solverRequests(t, it.host) {
			if !r.Answered {
				continue
			}
			switch {
			case strings.HasPrefix(r.UserAgent, selfCheckUserAgent) && it.firstSelfCheck.IsZero():
				it.firstSelfCheck = r.Time
			case strings.HasPrefix(r.UserAgent, pebbleUserAgent):
				if it.firstPebble.IsZero() {
					it.firstPebble = r.Time
				}
				it.lastSeen = r.Time
			}
		}
		if it.published.IsZero() || it.firstSelfCheck.IsZero() || it.firstPebble.IsZero() {
			t.Errorf("%s: Ready without a published challenge, a self-check or Pebble's request: %+v", it.host, *it)
		}
	}
	if t.Failed() {
		return
	}
	medians := make([]time.Duration, len(phaseNames))
	for p := range phaseNames {
		ds := make([]time.Duration, n)
		for i := range times {
			ds[i] = times[i].phases()[p]
		}
		sort.Slice(ds, func(a, b int) bool { return ds[a] < ds[b] })
		medians[p] = ds[n/2]
		t.Logf("%-66s p50 %5.1fs (min %5.1fs, max %5.1fs)", phaseNames[p], medians[p].Seconds(), ds[0].Seconds(), ds[n-1].Seconds())
	}
	if total := medians[len(medians)-1]; total > timeToReadyBound {
		t.Errorf("p50 time to Ready %v over %d DomainMappings, want at most %v", total, n, timeToReadyBound)
	}
}

// publishWatch records when each KCert of a namespace first listed an
// HTTP-01 challenge, as a watch sees it.
type publishWatch struct {
	mu    sync.Mutex
	first map[string]time.Time
}

func (c *clients) watchPublished(t *testing.T, ns string) *publishWatch {
	t.Helper()
	w, err := c.net.NetworkingV1alpha1().Certificates(ns).Watch(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal("watch KCerts:", err)
	}
	pw := &publishWatch{first: map[string]time.Time{}}
	go func() {
		for ev := range w.ResultChan() {
			kc, ok := ev.Object.(*v1alpha1.Certificate)
			if !ok || len(kc.Status.HTTP01Challenges) == 0 {
				continue
			}
			pw.mu.Lock()
			if _, seen := pw.first[kc.Name]; !seen {
				pw.first[kc.Name] = time.Now()
			}
			pw.mu.Unlock()
		}
	}()
	t.Cleanup(w.Stop)
	return pw
}

func (pw *publishWatch) at(name string) time.Time {
	pw.mu.Lock()
	defer pw.mu.Unlock()
	return pw.first[name]
}

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

package main

import (
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		method, path, query string
		want                requestKey
	}{
		{"GET", "/apis/networking.internal.knative.dev/v1alpha1/certificates", "limit=500", requestKey{"list", "certificates"}},
		{"GET", "/apis/networking.internal.knative.dev/v1alpha1/certificates", "watch=true&resourceVersion=5", requestKey{"watch", "certificates"}},
		{"GET", "/api/v1/namespaces/knative-serving/configmaps/config-certmanager", "", requestKey{"get", "configmaps"}},
		{"GET", "/api/v1/namespaces/knative-serving/configmaps", "fieldSelector=x", requestKey{"list", "configmaps"}},
		{"POST", "/apis/cert-manager.io/v1/namespaces/ns/certificates", "", requestKey{"create", "certificates"}},
		{"PUT", "/apis/networking.internal.knative.dev/v1alpha1/namespaces/ns/certificates/c/status", "", requestKey{"update", "certificates/status"}},
		{"PATCH", "/apis/cert-manager.io/v1/namespaces/ns/certificates/c", "", requestKey{"patch", "certificates"}},
		{"PUT", "/apis/coordination.k8s.io/v1/namespaces/knative-serving/leases/l", "", requestKey{"update", "leases"}},
		{"POST", "/api/v1/namespaces/ns/events", "", requestKey{"create", "events"}},
		{"DELETE", "/api/v1/namespaces/ns/services/s", "", requestKey{"delete", "services"}},
		{"DELETE", "/api/v1/namespaces/ns/services", "", requestKey{"deletecollection", "services"}},
		{"GET", "/api/v1/namespaces", "", requestKey{"list", "namespaces"}},
		{"GET", "/api/v1/namespaces/ns", "", requestKey{"get", "namespaces"}},
		{"GET", "/apis/cert-manager.io/v1", "", requestKey{"get", "/apis/cert-manager.io/v1"}},
		{"GET", "/version", "", requestKey{"get", "/version"}},
	}
	for _, tc := range tests {
		if got := classify(tc.method, tc.path, tc.query); got != tc.want {
			t.Errorf("classify(%s %s?%s) = %v, want %v", tc.method, tc.path, tc.query, got, tc.want)
		}
	}
}

func TestCountsWrites(t *testing.T) {
	base := counts{{"update", "leases"}: 3, {"list", "certificates"}: 1}
	now := counts{{"update", "leases"}: 5, {"list", "certificates"}: 1, {"watch", "certificates"}: 2, {"create", "events"}: 1}
	d := now.sub(base)
	if len(d) != 3 {
		t.Errorf("sub kept %d rows, want 3: %v", len(d), d)
	}
	if got := d.writes(leases); got != 1 {
		t.Errorf("writes(except leases) = %d, want 1", got)
	}
	if got := d.writes(); got != 3 {
		t.Errorf("writes() = %d, want 3", got)
	}
	rows := d.rows()
	if rows[0].Resource != "certificates" || rows[len(rows)-1].Resource != "leases" {
		t.Errorf("rows not sorted by resource: %v", rows)
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {90, 90 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0.1, time.Millisecond}} {
		if got := percentile(ds, tc.p); got != tc.want {
			t.Errorf("percentile(%v) = %v, want %v", tc.p, got, tc.want)
		}
	}
	if ds[0] != 100*time.Millisecond {
		t.Error("percentile sorted its input")
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("percentile(nil) = %v", got)
	}
}

func TestParseProc(t *testing.T) {
	status := "Name:\tcontroller\nVmPeak:\t 999 kB\nVmHWM:\t   51200 kB\nVmRSS:\t   40960 kB\nThreads:\t12\n"
	stat := "4242 (my ctrl) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 12 0 1000 3133440 380"
	ps, err := parseProc(status, stat)
	if err != nil {
		t.Fatal(err)
	}
	if ps.PeakRSS != 50<<20 || ps.RSS != 40<<20 || ps.CPU != 3*time.Second {
		t.Errorf("parseProc = %+v", ps)
	}
	if _, err := parseProc("Name:\tx\n", stat); err == nil {
		t.Error("no VmHWM: want an error")
	}
	if _, err := parseProc(status, "4242 (x) S 1"); err == nil {
		t.Error("short stat: want an error")
	}
	if _, err := parseProc("VmHWM:\t12 MB\n", stat); err == nil {
		t.Error("unexpected unit: want an error")
	}
}

func TestReconciledKey(t *testing.T) {
	for _, tc := range []struct {
		line, want string
		ok         bool
	}{
		{`{"severity":"INFO","message":"Reconcile succeeded","knative.dev/key":"scale-bench/bench-00001","duration":"1ms"}`, "scale-bench/bench-00001", true},
		{`{"severity":"INFO","message":"Reconcile failed","knative.dev/key":"ns/a"}`, "", false},
		{`{"severity":"INFO","message":"Reconcile succeeded"}`, "", false},
		{`not json Reconcile succeeded`, "", false},
	} {
		got, ok := reconciledKey(tc.line)
		if got != tc.want || ok != tc.ok {
			t.Errorf("reconciledKey(%s) = %q, %v; want %q, %v", tc.line, got, ok, tc.want, tc.ok)
		}
	}
}

func TestLogTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "controller.log")
	ok := func(key string) string {
		return `{"message":"Reconcile succeeded","knative.dev/key":"` + key + `"}` + "\n"
	}
	write := func(s string) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(s); err != nil {
			t.Fatal(err)
		}
	}
	tail := newLogTail(path)
	if got := tail.succeeded(); got != 0 {
		t.Errorf("missing file: succeeded = %d", got)
	}
	// A line split across two reads, and a key outside the harness'
	// namespaces.
	line := ok("scale-bench/a")
	write(ok("scale-bench/b") + line[:20])
	if got := tail.succeeded(); got != 1 {
		t.Errorf("succeeded = %d, want 1", got)
	}
	write(line[20:] + ok("kube-system/x") + ok("scale-bench/a"))
	if got, want := tail.succeeded(), 3; got != want {
		t.Errorf("succeeded = %d, want %d", got, want)
	}
	if got, want := tail.distinct(), 2; got != want {
		t.Errorf("distinct = %d, want %d", got, want)
	}
	if got := tail.ownedCachesFilledAt(); !got.IsZero() {
		t.Errorf("owned caches filled at %v before the controller said so", got)
	}
	// The controller's line, with its own timestamp.
	write(`{"severity":"INFO","timestamp":"2026-11-30T07:01:02.5Z","message":"Caches of CertificateRequests, Orders, Challenges and solver Services filled in 612ms"}` + "\n")
	if got, want := tail.ownedCachesFilledAt(), time.Date(2026, 11, 30, 7, 1, 2, 500_000_000, time.UTC); !got.Equal(want) {
		t.Errorf("owned caches filled at %v, want %v", got, want)
	}
}

// The proxy counts every request and, apart, the ones the apiserver refused,
// by verb and status code; watch events are streamed through it.
func TestCountingProxyCountsRefusals(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost:
			http.Error(w, "exists", http.StatusConflict)
		case r.URL.Query().Get("watch") == "true":
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, `{"type":"ADDED"}`)
		default:
			w.WriteHeader(http.StatusOK)
		}
	}))
	defer backend.Close()
	target, err := url.Parse(backend.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewServer(newCountingProxy(target, http.DefaultTransport))
	defer proxy.Close()

	const certs = "/apis/cert-manager.io/v1/namespaces/ns/certificates"
	for _, req := range []struct{ method, path string }{
		{http.MethodPost, certs}, {http.MethodPost, certs}, {http.MethodGet, certs + "/c"}, {http.MethodGet, certs + "?watch=true"},
	} {
		r, err := http.NewRequest(req.method, proxy.URL+req.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if req.path == certs+"?watch=true" && string(body) != `{"type":"ADDED"}` {
			t.Errorf("watch body = %q, want the event", body)
		}
	}
	p := proxy.Config.Handler.(*countingProxy)
	wantCounts := counts{{"create", "certificates"}: 2, {"get", "certificates"}: 1, {"watch", "certificates"}: 1}
	if diff := cmp.Diff(wantCounts, p.snapshot()); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(counts{{"create 409", "certificates"}: 2}, p.refusedSnapshot()); diff != "" {
		t.Errorf("refused (-want +got):\n%s", diff)
	}
}

func TestWriteBudget(t *testing.T) {
	tests := []struct {
		name                      string
		n                         int
		writes, refused, reissued int
		wantErr                   bool
	}{
		{"4.0 writes per KCert and one refused write at N=50 are in budget", 50, 200, 1, 0, false},
		{"one write over 4.0 per KCert", 50, 201, 0, 0, true},
		{"two more status writes for a KCert cert-manager issued twice", 50, 202, 0, 1, false},
		{"three more for one issued twice", 50, 203, 0, 1, true},
		{"two refused writes at N=50", 50, 150, 2, 0, true},
		{"5 refused writes per 1,000", 1000, 3000, 5, 0, false},
		{"6 refused writes per 1,000", 1000, 3000, 6, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := &harness{o: options{n: tc.n, maxWritesPerKCert: 4, maxRefusedPer1000: 5}, r: &results{}}
			err := h.writeBudget(tc.writes, tc.refused, tc.reissued)
			if (err != nil) != tc.wantErr || (err != nil && !errors.Is(err, errWrites)) {
				t.Errorf("writeBudget(%d, %d) = %v, want error: %t", tc.writes, tc.refused, err, tc.wantErr)
			}
		})
	}
}

func TestCountSeries(t *testing.T) {
	text := `# HELP net_certmanager_certificates KCerts by readiness
# TYPE net_certmanager_certificates gauge
net_certmanager_certificates{ready="True",reason=""} 1000
net_certmanager_certificates{ready="Unknown",reason="Issuing"} 3
net_certmanager_certificate_issuance_duration_seconds_bucket{type="external-domain",le="1"} 5
net_certmanager_certificate_issuance_duration_seconds_count{type="external-domain"} 5
go_goroutines 40
`
	got, err := countSeries(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"net_certmanager_certificates":                                 2,
		"net_certmanager_certificate_issuance_duration_seconds_bucket": 1,
		"net_certmanager_certificate_issuance_duration_seconds_count":  1,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("series (-want +got):\n%s", diff)
	}
}

// A Certificate cert-manager issued twice over the issuer change counts
// one extra issuance; one issued once, or not a KCert's, counts none.
func TestExtraIssuances(t *testing.T) {
	kcerts := map[string]kcertState{"ns/once": {}, "ns/twice": {}, "ns/thrice": {}, "ns/missed": {}}
	before := map[string]int{"ns/once": 1, "ns/twice": 1, "ns/thrice": 2, "ns/missed": 1, "raw/x": 1}
	after := map[string]int{"ns/once": 2, "ns/twice": 3, "ns/thrice": 5, "ns/missed": 1, "raw/x": 4}
	if got, want := extraIssuances(before, after, kcerts), 1+2; got != want {
		t.Errorf("extraIssuances = %d, want %d", got, want)
	}
}

// Conditions seen are counted once per KCert, per namespace; a KCert that
// showed Renewing (cert-manager issued it again) counts once as re-issued.
func TestReasonCountsAndReissued(t *testing.T) {
	h := &harness{reasonSeen: map[seenReason]bool{
		{"scale-bench/a", "Unknown/Issuing"}: true, {"scale-bench/a", "True/"}: true,
		{"scale-bench/b", "Unknown/Issuing"}: true, {"scale-bench/b", "True/"}: true,
		{"scale-bench/b", "Renewing True/DoesNotExist"}: true, {"scale-bench/b", "Renewing True/Issuing"}: true,
		{"scale-trickle/c", "Renewing True/DoesNotExist"}: true,
	}}
	want := map[string]int{"Unknown/Issuing": 2, "True/": 2, "Renewing True/DoesNotExist": 1, "Renewing True/Issuing": 1}
	if got := h.reasonCounts(nsBench); !maps.Equal(got, want) {
		t.Errorf("reasonCounts = %v, want %v", got, want)
	}
	if got := h.reissued(nsBench); got != 1 {
		t.Errorf("reissued = %d, want 1", got)
	}
}

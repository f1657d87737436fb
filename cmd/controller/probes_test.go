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
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestProbesPort(t *testing.T) {
	tests := []struct {
		env     string
		want    int
		wantErr bool
	}{
		{"", defaultProbesPort, false},
		{"18080", 18080, false},
		{"0", 0, true},
		{"70000", 0, true},
		{"http", 0, true},
	}
	for _, tc := range tests {
		got, err := probesPort(func(string) string { return tc.env })
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("probesPort(%q) = %d, %v; want %d, error %v", tc.env, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestProbes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := &probes{}
	h := p.handler(ctx)
	get := func(path string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code
	}
	synced := false
	check := func(step string, wantReady int) {
		t.Helper()
		if got := get("/readiness"); got != wantReady {
			t.Errorf("%s: /readiness = %d, want %d", step, got, wantReady)
		}
		if got := get("/health"); got != http.StatusOK {
			t.Errorf("%s: /health = %d, want 200", step, got)
		}
	}

	check("waiting for the CRDs", http.StatusServiceUnavailable)
	p.crdsFound.Store(true)
	check("CRDs found, no informers yet", http.StatusServiceUnavailable)
	f := func() bool { return synced }
	p.synced.Store(&f)
	check("informers syncing", http.StatusServiceUnavailable)
	synced = true
	check("synced", http.StatusOK)
	cancel()
	check("shutting down", http.StatusServiceUnavailable)
}

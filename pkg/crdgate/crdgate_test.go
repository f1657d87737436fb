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

package crdgate

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clocktesting "k8s.io/utils/clock/testing"
)

var (
	cmGV   = schema.GroupVersion{Group: "cert-manager.io", Version: "v1"}
	acmeGV = schema.GroupVersion{Group: "acme.cert-manager.io", Version: "v1"}
	all    = map[string][]string{
		cmGV.String():   {"certificates", "certificates/status", "certificaterequests", "issuers", "clusterissuers"},
		acmeGV.String(): {"orders", "challenges"},
	}
)

func servedFrom(m map[string][]string) ServedLister {
	return func(gv string) ([]string, error) {
		names, ok := m[gv]
		if !ok {
			return nil, apierrs.NewNotFound(schema.GroupResource{Group: gv}, "")
		}
		return names, nil
	}
}

func TestMissing(t *testing.T) {
	tests := []struct {
		name    string
		served  ServedLister
		want    []string
		wantErr bool
	}{{
		name:   "everything served",
		served: servedFrom(all),
	}, {
		name:   "nothing served",
		served: servedFrom(nil),
		want: []string{"certificates.cert-manager.io/v1", "certificaterequests.cert-manager.io/v1", "issuers.cert-manager.io/v1",
			"clusterissuers.cert-manager.io/v1", "orders.acme.cert-manager.io/v1", "challenges.acme.cert-manager.io/v1"},
	}, {
		name:   "acme group missing",
		served: servedFrom(map[string][]string{cmGV.String(): all[cmGV.String()]}),
		want:   []string{"orders.acme.cert-manager.io/v1", "challenges.acme.cert-manager.io/v1"},
	}, {
		name: "one resource missing from a served group",
		served: servedFrom(map[string][]string{
			cmGV.String():   {"certificates", "certificaterequests", "issuers"},
			acmeGV.String(): all[acmeGV.String()],
		}),
		want: []string{"clusterissuers.cert-manager.io/v1"},
	}, {
		name:    "a discovery error other than NotFound is an error",
		served:  func(string) ([]string, error) { return nil, errors.New("connection refused") },
		wantErr: true,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Missing(Required, tc.served)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Missing() error = %v, wantErr %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Missing() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMessage(t *testing.T) {
	got := Message([]string{"orders.acme.cert-manager.io/v1", "certificates.cert-manager.io/v1", "certificates.cert-manager.io/v1beta1"})
	want := "cert-manager CRDs certificates.cert-manager.io, orders.acme.cert-manager.io not found; install cert-manager >= 1.0"
	if !strings.HasPrefix(got, want) {
		t.Errorf("Message() = %q, want prefix %q", got, want)
	}
}

type fakeDiscovery map[string][]string

func (f fakeDiscovery) ServerResourcesForGroupVersion(gv string) (*metav1.APIResourceList, error) {
	names, ok := f[gv]
	if !ok {
		return nil, apierrs.NewNotFound(schema.GroupResource{}, gv)
	}
	list := &metav1.APIResourceList{GroupVersion: gv}
	for _, n := range names {
		list.APIResources = append(list.APIResources, metav1.APIResource{Name: n})
	}
	return list, nil
}

func TestFromDiscovery(t *testing.T) {
	got, err := Missing(Required, FromDiscovery(fakeDiscovery(all)))
	if err != nil || len(got) != 0 {
		t.Errorf("Missing(all) = %v, %v; want nothing", got, err)
	}
	got, err = Missing(Required, FromDiscovery(fakeDiscovery{}))
	if err != nil || len(got) != len(Required) {
		t.Errorf("Missing(none) = %v, %v; want all %d", got, err, len(Required))
	}
}

// TestWait steps a fake clock through a wait: it logs at once, then only
// once per log interval, reports the state each poll, and returns as soon
// as a poll finds everything.
func TestWait(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clk := clocktesting.NewFakeClock(start)
	var (
		mu      sync.Mutex
		served  = map[string][]string{}
		logs    []string
		founds  []bool
		polls   int
		release = 10 // the poll at which the CRDs appear
	)
	g := &Gate{
		Served: func(gv string) ([]string, error) {
			mu.Lock()
			defer mu.Unlock()
			if gv == cmGV.String() {
				polls++
				if polls == release {
					served = all
				}
			}
			return servedFrom(served)(gv)
		},
		Clock:        clk,
		PollInterval: 2 * time.Second,
		LogInterval:  7 * time.Second,
		Log:          func(m string) { mu.Lock(); logs = append(logs, m); mu.Unlock() },
		Found:        func(b bool) { mu.Lock(); founds = append(founds, b); mu.Unlock() },
	}
	done := make(chan error, 1)
	go func() { done <- g.Wait(context.Background()) }()

	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal("Wait() =", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if polls != release {
				t.Errorf("polls = %d, want %d", polls, release)
			}
			// Polls at 0,2,...,16 s miss; logs at 0, 8 and 16 s, then "found".
			if len(logs) != 4 || !strings.HasPrefix(logs[0], "cert-manager CRDs ") || logs[3] != "cert-manager CRDs found; starting" {
				t.Errorf("logs = %q", logs)
			}
			if len(founds) != release || founds[0] || !founds[release-1] {
				t.Errorf("found reports = %v", founds)
			}
			return
		default:
		}
		if clk.HasWaiters() {
			clk.Step(2 * time.Second)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestWaitCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	g := &Gate{Served: servedFrom(nil), Clock: clocktesting.NewFakeClock(time.Now())}
	done := make(chan error, 1)
	go func() { done <- g.Wait(ctx) }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Wait() = %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Wait() did not return after cancel")
	}
}

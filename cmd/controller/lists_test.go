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
	"net/url"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	clientfeatures "k8s.io/client-go/features"

	"knative.dev/net-certmanager/pkg/reconciler/certificate"
)

// The caches a restart waits for fill from plain lists, the owned ones
// from watch streams: the first request of each informer of the binary,
// against a server that answers none, says which.
func TestPrimaryCachesListOwnedCachesStream(t *testing.T) {
	if !clientfeatures.FeatureGates().Enabled(clientfeatures.WatchListClient) {
		t.Fatalf("client-go's %s gate is off; this test needs its default", clientfeatures.WatchListClient)
	}
	var mu sync.Mutex
	first := map[string]url.Values{} // by path
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if _, seen := first[r.URL.Path]; !seen {
			first[r.URL.Path] = r.URL.Query()
		}
		mu.Unlock()
		http.Error(w, "not served in this test", http.StatusServiceUnavailable)
	}))
	defer srv.Close()

	certificate.ListPrimaryCaches()
	ctx, _ := binaryInformers(t, srv.URL)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, inf := range certificate.Informers(ctx) {
		go inf.Run(ctx.Done())
	}

	want := map[string]bool{ // path: streamed
		"/apis/networking.internal.knative.dev/v1alpha1/certificates": false,
		"/apis/cert-manager.io/v1/certificates":                       false,
		"/apis/cert-manager.io/v1/issuers":                            false,
		"/apis/cert-manager.io/v1/clusterissuers":                     false,
		"/apis/cert-manager.io/v1/certificaterequests":                true,
		"/apis/acme.cert-manager.io/v1/orders":                        true,
		"/apis/acme.cert-manager.io/v1/challenges":                    true,
		"/api/v1/services":                                            true, // solver Services
	}
	if err := wait.PollUntilContextTimeout(ctx, 10*time.Millisecond, 10*time.Second, true, func(context.Context) (bool, error) {
		mu.Lock()
		defer mu.Unlock()
		return len(first) >= len(want), nil
	}); err != nil {
		t.Fatalf("first requests seen: %v; want one of each of %v", first, want)
	}
	mu.Lock()
	defer mu.Unlock()
	for resource, streamed := range want {
		q, seen := first[resource]
		switch {
		case !seen:
			t.Errorf("no request for %s", resource)
		case streamed && q.Get("sendInitialEvents") != "true":
			t.Errorf("%s filled by %v, want a watch stream (sendInitialEvents=true)", resource, q)
		case !streamed && q.Get("watch") != "":
			t.Errorf("%s filled by %v, want a plain list", resource, q)
		}
	}
}

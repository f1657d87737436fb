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

package certificate

import (
	"testing"

	"k8s.io/client-go/tools/cache"

	"knative.dev/net-certmanager/pkg/certmanagerapi"
)

// Every watched cert-manager resource has its informer, and nothing else
// does: the list the CRD gate waits for and the doctor checks is the list
// of informers the controller starts and waits to sync.
func TestInformersFollowTheWatchedList(t *testing.T) {
	if len(certManagerInformers) != len(certmanagerapi.Watched) {
		t.Errorf("%d informer getters for %d watched resources", len(certManagerInformers), len(certmanagerapi.Watched))
	}
	for _, gvr := range certmanagerapi.Watched {
		if certManagerInformers[gvr] == nil {
			t.Errorf("no informer for watched resource %s", gvr)
		}
	}
	if t.Failed() {
		t.FailNow() // Informers would call a missing getter
	}

	ctx := setupContext(t)
	informers := Informers(ctx)
	// The KCerts' and the solver Services' besides.
	if want := len(certmanagerapi.Watched) + 2; len(informers) != want {
		t.Fatalf("Informers() returned %d, want %d", len(informers), want)
	}
	seen := map[cache.SharedIndexInformer]bool{}
	for i, inf := range informers {
		if inf == nil || seen[inf] {
			t.Errorf("Informers()[%d] is nil or repeated", i)
		}
		seen[inf] = true
	}
}

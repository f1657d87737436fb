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

package certmanagerapi

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestWatched(t *testing.T) {
	seen := map[schema.GroupVersionResource]bool{}
	for _, gvr := range Watched {
		if seen[gvr] {
			t.Errorf("%s listed twice", gvr)
		}
		seen[gvr] = true
	}
	want := []schema.GroupVersion{{Group: "cert-manager.io", Version: "v1"}, {Group: "acme.cert-manager.io", Version: "v1"}}
	if diff := cmp.Diff(want, GroupVersions()); diff != "" {
		t.Errorf("GroupVersions() (-want +got):\n%s", diff)
	}
}

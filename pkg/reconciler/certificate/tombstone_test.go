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

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"
)

func TestUnwrap(t *testing.T) {
	cert := &cmv1.Certificate{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "a"}}
	tests := []struct {
		name   string
		obj    interface{}
		wantOK bool
	}{
		{name: "the object", obj: cert, wantOK: true},
		{name: "a tombstone of the object", obj: cache.DeletedFinalStateUnknown{Key: "ns/a", Obj: cert}, wantOK: true},
		{name: "another type", obj: &cmv1.Issuer{}},
		{name: "a tombstone of another type", obj: cache.DeletedFinalStateUnknown{Key: "ns/a", Obj: &cmv1.Issuer{}}},
		{name: "a tombstone without object", obj: cache.DeletedFinalStateUnknown{Key: "ns/a"}},
		{name: "nil", obj: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := unwrap[*cmv1.Certificate](tc.obj)
			if ok != tc.wantOK || (ok && got != cert) || (!ok && got != nil) {
				t.Errorf("unwrap() = %v, %v; want the Certificate: %v", got, ok, tc.wantOK)
			}
		})
	}
}

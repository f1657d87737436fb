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
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
)

func TestRecentCreates(t *testing.T) {
	owner := kcert()
	created := cmCert(owner, externalIssuer)
	key := types.NamespacedName{Namespace: created.Namespace, Name: created.Name}
	recreated := owner.DeepCopy()
	recreated.UID = "a-new-kcert-of-the-same-name"

	tests := []struct {
		name   string
		after  time.Duration
		owner  *v1alpha1.Certificate
		before func(*recentCreates)
		want   bool
	}{
		{name: "just created", owner: owner, want: true},
		{name: "still inside the TTL", after: recentCreateTTL - time.Second, owner: owner, want: true},
		{name: "past the TTL: created again", after: recentCreateTTL, owner: owner},
		{name: "created for an earlier KCert of the same name", owner: recreated},
		{name: "the informer showed it", owner: owner, before: func(r *recentCreates) { r.seen(created.DeepCopy()) }},
		{name: "the informer showed its deletion", owner: owner,
			before: func(r *recentCreates) {
				r.seen(cache.DeletedFinalStateUnknown{Key: key.String(), Obj: created.DeepCopy()})
			}},
		{name: "another Certificate shown leaves it", owner: owner, want: true,
			before: func(r *recentCreates) {
				r.seen(&cmv1.Certificate{ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: "other"}})
				r.seen("not a Certificate")
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r recentCreates
			r.remember(created, now)
			if tc.before != nil {
				tc.before(&r)
			}
			got, ok := r.lookup(key, tc.owner, now.Add(tc.after))
			if ok != tc.want || (ok && !equality.Semantic.DeepEqual(got, created)) {
				t.Fatalf("lookup = %v, %v; want found %v", got, ok, tc.want)
			}
			if !tc.want {
				// A miss forgets the entry for good.
				if _, ok := r.lookup(key, owner, now); ok {
					t.Error("entry still there after a miss")
				}
			}
		})
	}

	var zero recentCreates
	if _, ok := zero.lookup(key, owner, now); ok {
		t.Error("the zero value finds a Certificate")
	}
}

// Entries the informer showed before remember ran are never seen again:
// they are swept out once they expire, and what is kept has no managedFields.
func TestRecentCreatesSweep(t *testing.T) {
	var r recentCreates
	early := cmCert(kcert(), externalIssuer)
	early.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "net-certmanager"}}
	r.remember(early, now)
	if got := r.entries[types.NamespacedName{Namespace: early.Namespace, Name: early.Name}].cert; got.ManagedFields != nil {
		t.Errorf("kept managedFields %v", got.ManagedFields)
	}
	if early.ManagedFields == nil {
		t.Error("the caller's Certificate lost its managedFields")
	}

	later := cmCert(kcert(), externalIssuer)
	later.Name = "later"
	r.remember(later, now.Add(recentCreateTTL/2))
	if len(r.entries) != 2 {
		t.Fatalf("%d entries inside the TTL, want 2", len(r.entries))
	}
	latest := later.DeepCopy()
	latest.Name = "latest"
	r.remember(latest, now.Add(recentCreateTTL))
	if _, ok := r.entries[types.NamespacedName{Namespace: early.Namespace, Name: early.Name}]; ok || len(r.entries) != 2 {
		t.Errorf("entries after a TTL = %v, want the expired one swept and 2 left", r.entries)
	}
}

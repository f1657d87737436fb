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

package resources

import (
	"testing"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	"knative.dev/pkg/kmeta"
)

// The order of the claimants of one Secret is the same from each one's
// point of view: exactly one of them may write it.
func TestSecretNameConflictOrder(t *testing.T) {
	claimant := func(name string, createdAt int64) *v1alpha1.Certificate {
		kc := kcert([]string{name + ".example.com"}, "example.com")
		kc.Name, kc.UID = name, types.UID(name+"-uid")
		kc.CreationTimestamp = metav1.Unix(createdAt, 0)
		return kc
	}
	writer := func(kc *v1alpha1.Certificate) *cmv1.Certificate {
		return &cmv1.Certificate{ObjectMeta: metav1.ObjectMeta{Name: kc.Name, Namespace: kc.Namespace,
			OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(kc)}}}
	}
	foreign := &cmv1.Certificate{ObjectMeta: metav1.ObjectMeta{Name: "foreign", Namespace: "ns"}}
	older, younger, sameSecond := claimant("b-older", 100), claimant("c-younger", 200), claimant("a-same-second", 100)

	tests := []struct {
		name      string
		claimants []*v1alpha1.Certificate
		writers   []*cmv1.Certificate
		want      string // the one claimant that may write, "" for none
	}{
		{"alone", []*v1alpha1.Certificate{younger}, nil, "c-younger"},
		{"the older, with no Certificates", []*v1alpha1.Certificate{older, younger}, nil, "b-older"},
		{"created in the same second: the name", []*v1alpha1.Certificate{older, sameSecond}, nil, "a-same-second"},
		{"the one whose Certificate writes the Secret", []*v1alpha1.Certificate{older, younger}, []*cmv1.Certificate{writer(younger)}, "c-younger"},
		{"both write: the older", []*v1alpha1.Certificate{older, younger}, []*cmv1.Certificate{writer(younger), writer(older)}, "b-older"},
		{"a foreign writer: none", []*v1alpha1.Certificate{older, younger}, []*cmv1.Certificate{foreign, writer(older)}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			for _, kc := range tc.claimants {
				err := SecretNameConflict(kc, tc.claimants, tc.writers)
				if err == nil {
					if got != "" {
						t.Fatalf("both %s and %s may write the Secret", got, kc.Name)
					}
					got = kc.Name
				}
			}
			if got != tc.want {
				t.Errorf("the one that may write: %q, want %q", got, tc.want)
			}
		})
	}
}

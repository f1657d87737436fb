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
	"fmt"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
)

// SecretNameConflictError says that another certificate writes, or comes
// first to write, the Secret a KCert names. Two cert-manager Certificates
// on one Secret rewrite it in turn, without end (each puts its own
// secretTemplate labels back), so the KCert that comes second gets none.
type SecretNameConflictError struct {
	// Secret is the Secret's name; Holder names the other writer.
	Secret, Holder string
}

func (e *SecretNameConflictError) Error() string {
	return fmt.Sprintf("spec.secretName %q is also the Secret of %s; two cert-manager Certificates writing one Secret "+
		"overwrite each other without end, so none is made for this KCert until that one is deleted or renamed",
		e.Secret, e.Holder)
}

// SecretNameConflict decides which of the certificates that name kcert's
// Secret may write it. claimants are the KCerts of this controller's class
// in kcert's namespace whose spec.secretName is kcert's (kcert among them
// or not); writers are the cert-manager Certificates there with that
// spec.secretName. The order, the same from every KCert's point of view:
//   - a Certificate that is no claimant's (another class's, someone else's,
//     or one whose KCert is gone and that the garbage collector has not
//     deleted yet) is left alone, so it comes first;
//   - then a claimant whose own Certificate already writes the Secret, so
//     that a working certificate is never the one to stop;
//   - then the older claimant (creationTimestamp, then name).
//
// The Certificate of kcert's own name is not counted: if someone else's, it
// is reported as not owned.
func SecretNameConflict(kcert *v1alpha1.Certificate, claimants []*v1alpha1.Certificate, writers []*cmv1.Certificate) error {
	writing := make(map[types.UID]bool, len(writers))
	claimed := make(map[types.UID]bool, len(claimants)+1)
	for _, c := range claimants {
		claimed[c.UID] = true
	}
	claimed[kcert.UID] = true
	for _, w := range writers {
		ref := metav1.GetControllerOf(w)
		switch {
		case ref != nil && claimed[ref.UID] && ref.Name == w.Name:
			writing[ref.UID] = true
		case w.Name != kcert.Name:
			return &SecretNameConflictError{Secret: kcert.Spec.SecretName, Holder: "cert-manager Certificate " + w.Name}
		}
	}

	var first *v1alpha1.Certificate
	for _, c := range claimants {
		if c.UID != kcert.UID && comesBefore(c, kcert, writing) && (first == nil || comesBefore(c, first, writing)) {
			first = c
		}
	}
	if first != nil {
		return &SecretNameConflictError{Secret: kcert.Spec.SecretName, Holder: "KCert " + first.Name}
	}
	return nil
}

// comesBefore orders two claimants of one Secret.
func comesBefore(a, b *v1alpha1.Certificate, writing map[types.UID]bool) bool {
	if writing[a.UID] != writing[b.UID] {
		return writing[a.UID]
	}
	if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
		return a.CreationTimestamp.Before(&b.CreationTimestamp)
	}
	return a.Name < b.Name
}

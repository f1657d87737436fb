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
	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The kinds of cert-manager's owner chain, Certificate → CertificateRequest
// → Order → Challenge → solver Service. They are compared by group and
// kind, so that cert-manager's Certificate and Knative's are never confused
// and a new API version of the same kind still matches.
var (
	CertificateKind        = cmv1.SchemeGroupVersion.WithKind("Certificate").GroupKind()
	CertificateRequestKind = cmv1.SchemeGroupVersion.WithKind("CertificateRequest").GroupKind()
	OrderKind              = acmev1.SchemeGroupVersion.WithKind("Order").GroupKind()
	ChallengeKind          = acmev1.SchemeGroupVersion.WithKind("Challenge").GroupKind()
)

// IsControlledBy says whether owner, of ownerKind, controls obj: obj is in
// owner's namespace and its controller reference (controller: true) names
// owner's UID and kind. cert-manager makes each object of its chain this
// way; anyone can add an owner reference to an object of their own, so a
// plain reference, one from another namespace or one naming another kind
// proves nothing.
func IsControlledBy(obj, owner metav1.Object, ownerKind schema.GroupKind) bool {
	if obj.GetNamespace() != owner.GetNamespace() {
		return false
	}
	ref := ControllerOfKind(obj, ownerKind)
	return ref != nil && ref.UID == owner.GetUID()
}

// ControllerOfKind is obj's controller reference if it names an owner of
// ownerKind, else nil.
func ControllerOfKind(obj metav1.Object, ownerKind schema.GroupKind) *metav1.OwnerReference {
	ref := metav1.GetControllerOfNoCopy(obj)
	if ref == nil || schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind).GroupKind() != ownerKind {
		return nil
	}
	return ref
}

// controlledBy keeps the objects that owner, of ownerKind, controls.
func controlledBy[T metav1.Object](objs []T, owner metav1.Object, ownerKind schema.GroupKind) []T {
	out := make([]T, 0, len(objs))
	for _, obj := range objs {
		if IsControlledBy(obj, owner, ownerKind) {
			out = append(out, obj)
		}
	}
	return out
}

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
	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"

	"knative.dev/net-certmanager/pkg/reconciler/certificate/resources"
)

// trimForCache drops what the controller never reads before an object enters
// an informer's cache, so that memory grows with the number of objects and
// not with their payloads (BENCHMARKS.md, Memory):
//   - managedFields, on every object: an update sent without them leaves
//     the server's copy unchanged;
//   - all but the links and the state of CertificateRequests and Orders,
//     which are only followed in the owner chain Certificate →
//     CertificateRequest → Order → Challenge and read for the step an
//     issuance waits at (their PEM payloads were most of the cache);
//   - of a Challenge, all but what status.http01Challenges is made of;
//   - of a cert-manager Certificate no KCert controls, all but its links
//     and the Secret it writes: the controller never writes one, and reads
//     of it only who controls it and its Secret (secretname.go). Clusters
//     use cert-manager for much more than Knative.
//
// It mutates in place, which client-go allows since v1.27, and is idempotent.
func trimForCache(obj interface{}) (interface{}, error) {
	switch o := obj.(type) {
	case *cmv1.CertificateRequest:
		*o = cmv1.CertificateRequest{TypeMeta: o.TypeMeta, ObjectMeta: linksOnly(o.ObjectMeta),
			Status: cmv1.CertificateRequestStatus{Conditions: conditionsOnly(o.Status.Conditions)}}
	case *acmev1.Order:
		*o = acmev1.Order{TypeMeta: o.TypeMeta, ObjectMeta: linksOnly(o.ObjectMeta),
			Status: acmev1.OrderStatus{State: o.Status.State, Reason: o.Status.Reason}}
	case *acmev1.Challenge:
		o.Spec = acmev1.ChallengeSpec{Type: o.Spec.Type, DNSName: o.Spec.DNSName, Token: o.Spec.Token}
	case *cmv1.Certificate:
		if resources.ControllerOfKind(o, kcertKind) == nil {
			*o = cmv1.Certificate{TypeMeta: o.TypeMeta, ObjectMeta: linksOnly(o.ObjectMeta),
				Spec: cmv1.CertificateSpec{SecretName: o.Spec.SecretName}}
		}
	}
	// Tombstones and unknown types pass through untouched.
	if m, err := meta.Accessor(obj); err == nil {
		m.SetManagedFields(nil)
	}
	return obj, nil
}

// linksOnly keeps the identity and owner references of an object.
func linksOnly(m metav1.ObjectMeta) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Namespace:         m.Namespace,
		Name:              m.Name,
		UID:               m.UID,
		ResourceVersion:   m.ResourceVersion,
		Generation:        m.Generation,
		CreationTimestamp: m.CreationTimestamp,
		DeletionTimestamp: m.DeletionTimestamp,
		OwnerReferences:   m.OwnerReferences,
	}
}

// setTrimTransform installs trimForCache on informers that have not started.
func setTrimTransform(informers ...cache.SharedIndexInformer) error {
	for _, inf := range informers {
		if err := inf.SetTransform(trimForCache); err != nil {
			return err
		}
	}
	return nil
}

// conditionsOnly keeps what resources.StuckStep reads of a request's
// conditions, without their timestamps.
func conditionsOnly(in []cmv1.CertificateRequestCondition) []cmv1.CertificateRequestCondition {
	if len(in) == 0 {
		return nil
	}
	out := make([]cmv1.CertificateRequestCondition, len(in))
	for i, c := range in {
		out[i] = cmv1.CertificateRequestCondition{Type: c.Type, Status: c.Status, Reason: c.Reason, Message: c.Message}
	}
	return out
}

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
	"maps"
	"time"

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"

	"knative.dev/net-certmanager/pkg/reconciler/certificate/resources"
)

// cert-manager rewrites its objects often (a failing DNS-01 Challenge gets
// a new error text on every retry), and every write is an informer event.
// The handlers below enqueue a KCert only for the events that can alter
// what its reconcile writes; the predicates say which, per kind.

// dependentHandlers are the handlers that enqueue the KCert a cert-manager
// Certificate, Challenge or solver Service belongs to, through owners.
func dependentHandlers(owners *ownerChain, enqueueKey func(types.NamespacedName)) (certificates, challenges, services cache.ResourceEventHandler) {
	// A Certificate of the KCert's name, ours or foreign: a foreign one's
	// deletion must let the NotOwned KCert proceed.
	certificates = relevantEvents(owners.kcertOfCertificate, enqueueKey, always[*cmv1.Certificate], certificateChangeMatters)
	// Challenges and their solver Services drive status.http01Challenges.
	challenges = relevantEvents(owners.kcertOfChallenge, enqueueKey, isHTTP01Challenge, challengeChangeMatters)
	services = relevantEvents(owners.kcertOfSolverService, enqueueKey, always[*corev1.Service], solverServiceChangeMatters)
	return certificates, challenges, services
}

// relevantEvents enqueues the KCert that find names for the adds and
// deletes of objects that matter, and for the updates that change what
// matters of them. An update is traced from the new object or, if that no
// longer leads to a KCert (its owner changed), from the old one, whose
// KCert must then drop it.
func relevantEvents[T any](find func(interface{}) (types.NamespacedName, bool), enqueueKey func(types.NamespacedName),
	matters func(T) bool, changeMatters func(old, new T) bool) cache.ResourceEventHandler {
	presence := func(obj interface{}) {
		if t, ok := unwrap[T](obj); ok && matters(t) {
			if key, ok := find(obj); ok {
				enqueueKey(key)
			}
		}
	}
	return cache.ResourceEventHandlerFuncs{
		AddFunc:    presence,
		DeleteFunc: presence,
		UpdateFunc: func(oldObj, newObj interface{}) {
			old, okOld := oldObj.(T)
			cur, okNew := newObj.(T)
			if !okOld || !okNew || !(matters(old) || matters(cur)) || !changeMatters(old, cur) {
				return
			}
			if key, ok := find(newObj); ok {
				enqueueKey(key)
			} else if key, ok := find(oldObj); ok {
				enqueueKey(key)
			}
		},
	}
}

// always: every object of the kind matters.
func always[T any](T) bool { return true }

// isHTTP01Challenge: only HTTP-01 challenges are published on the KCert.
func isHTTP01Challenge(ch *acmev1.Challenge) bool {
	return ch.Spec.Type == acmev1.ACMEChallengeTypeHTTP01
}

// challengeChangeMatters compares what resources.HTTP01Challenges reads of
// a Challenge: its type, name and token (the URL), whether it is being
// deleted, and its owner. Its status (state, reason, presented) is not
// published; the stuck step quoted in the Ready message reads it on the
// KCert's own recheck (resources.StepRecheck), so that cert-manager's
// retries enqueue nothing.
func challengeChangeMatters(old, cur *acmev1.Challenge) bool {
	return old.Spec.Type != cur.Spec.Type ||
		old.Spec.DNSName != cur.Spec.DNSName ||
		old.Spec.Token != cur.Spec.Token ||
		(old.DeletionTimestamp == nil) != (cur.DeletionTimestamp == nil) ||
		!equality.Semantic.DeepEqual(old.OwnerReferences, cur.OwnerReferences)
}

// solverServiceChangeMatters compares what resources.HTTP01Challenges reads
// of a solver Service: the solver label, the ports and the owner.
func solverServiceChangeMatters(old, cur *corev1.Service) bool {
	return old.Labels[resources.HTTP01SolverLabelKey] != cur.Labels[resources.HTTP01SolverLabelKey] ||
		!equality.Semantic.DeepEqual(old.Spec.Ports, cur.Spec.Ports) ||
		!equality.Semantic.DeepEqual(old.OwnerReferences, cur.OwnerReferences)
}

// certificateChangeMatters compares what the reconciler owns of a
// cert-manager Certificate (spec, labels, annotations), what tells whose it
// is (UID, owner references), whether it is being deleted, its generation,
// and its status, all of which the KCert status is mapped from. Only
// bookkeeping (resourceVersion, managedFields) is left out.
func certificateChangeMatters(old, cur *cmv1.Certificate) bool {
	return old.UID != cur.UID ||
		old.Generation != cur.Generation ||
		(old.DeletionTimestamp == nil) != (cur.DeletionTimestamp == nil) ||
		!maps.Equal(old.Labels, cur.Labels) ||
		!maps.Equal(old.Annotations, cur.Annotations) ||
		!equality.Semantic.DeepEqual(old.OwnerReferences, cur.OwnerReferences) ||
		!equality.Semantic.DeepEqual(old.Spec, cur.Spec) ||
		!equality.Semantic.DeepEqual(old.Status, cur.Status)
}

// requestHandler enqueues the KCert of a CertificateRequest when the
// request gets a verdict (denied, invalid, issued or failed), and once
// resources.PickUpWait has passed since a new, undecided request was
// created: a request that nothing approves or picks up gets no event, and
// the KCert must then say so (resources.StuckStep). An approval alone
// enqueues nothing; the waits in between are not worth a status write.
func requestHandler(find func(interface{}) (types.NamespacedName, bool), enqueueKeyAfter func(types.NamespacedName, time.Duration),
	now func() time.Time) cache.ResourceEventHandler {
	return cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj interface{}) {
			cr, ok := obj.(*cmv1.CertificateRequest)
			if !ok || requestVerdict(cr) != "" {
				return
			}
			// One second past the wait, so that the reconcile sees it run out.
			if wait := cr.CreationTimestamp.Add(resources.PickUpWait).Sub(now()); wait > 0 {
				if key, ok := find(obj); ok {
					enqueueKeyAfter(key, wait+time.Second)
				}
			}
		},
		UpdateFunc: func(oldObj, newObj interface{}) {
			old, okOld := oldObj.(*cmv1.CertificateRequest)
			cur, okNew := newObj.(*cmv1.CertificateRequest)
			if !okOld || !okNew || requestVerdict(old) == requestVerdict(cur) {
				return
			}
			if key, ok := find(newObj); ok {
				enqueueKeyAfter(key, 0)
			}
		},
	}
}

// requestVerdict is cert-manager's final word on a request, "" while it
// has none: Denied, InvalidRequest, or the Ready reason Issued or Failed.
func requestVerdict(cr *cmv1.CertificateRequest) string {
	for _, c := range cr.Status.Conditions {
		switch c.Type {
		case cmv1.CertificateRequestConditionDenied, cmv1.CertificateRequestConditionInvalidRequest:
			if c.Status == cmmeta.ConditionTrue {
				return string(c.Type)
			}
		case cmv1.CertificateRequestConditionReady:
			if c.Reason == cmv1.CertificateRequestReasonIssued || c.Reason == cmv1.CertificateRequestReasonFailed {
				return c.Reason
			}
		}
	}
	return ""
}

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

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgotesting "k8s.io/client-go/testing"
	"k8s.io/utils/ptr"

	ktesting "knative.dev/pkg/reconciler/testing"

	rtesting "knative.dev/net-certmanager/pkg/reconciler/testing"
)

// foreignSolverService is a Service labelled as an HTTP-01 solver, whose
// name sorts before cert-manager's, naming the Challenge of chain as its
// owner; edit makes it foreign.
func foreignSolverService(chain []runtime.Object, edit func(*corev1.Service)) *corev1.Service {
	for _, obj := range chain {
		if ch, ok := obj.(*acmev1.Challenge); ok {
			svc := solverService(ch, "a-foreign-solver", 80)
			edit(svc)
			return svc
		}
	}
	panic("no Challenge in the chain")
}

// A Service that merely points at a Challenge is never routed to: only the
// one the Challenge controls, in its namespace.
func TestForeignSolverServiceIsNotPublished(t *testing.T) {
	cert := cmCert(kcert(), externalIssuer, issuingInProgress)
	chain := acmeChain(cmCert(kcert(), externalIssuer), acmev1.ACMEChallengeTypeHTTP01)
	issuing := unknown("DoesNotExist", "Issuing certificate as Secret does not exist"+
		waitingAtChallenge(testName+"-1-123-1", acmev1.ACMEChallengeTypeHTTP01, testHost))
	inOtherNamespace := func(s *corev1.Service) { s.Namespace = "attacker" }
	notController := func(s *corev1.Service) { s.OwnerReferences[0].Controller = ptr.To(false) }

	table := ktesting.TableTest{{
		Name:    "a foreign solver Service in another namespace loses to cert-manager's",
		Key:     testKey,
		Objects: append([]runtime.Object{kcert(inProgress(0)), cert, foreignSolverService(chain, inOtherNamespace)}, chain...),
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(issuing, withChallenges(http01(testHost, "token-1", "cm-acme-http-solver-1", 8089)))),
		},
	}, {
		Name: "a foreign solver Service alone is not published",
		Key:  testKey,
		// The chain without cert-manager's own solver Service.
		Objects: append([]runtime.Object{kcert(inProgress(0)), cert, foreignSolverService(chain, inOtherNamespace)}, chain[:3]...),
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(issuing)),
		},
	}, {
		Name:    "a solver Service that only references the Challenge (controller: false) is not published",
		Key:     testKey,
		Objects: append([]runtime.Object{kcert(inProgress(0)), cert, foreignSolverService(chain, notController)}, chain[:3]...),
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(issuing)),
		},
	}}
	for i := range table {
		table[i].Objects = append(table[i].Objects, clusterIssuers()...)
	}
	table.Test(t, rtesting.MakeFactory(newTestReconciler, OwnerUIDIndexers))
}

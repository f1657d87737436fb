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
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestWaiting(t *testing.T) {
	cert := &cmv1.Certificate{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "c", Generation: 3}}
	inProgress := Condition{corev1.ConditionUnknown, ReasonIssuing,
		"cert-manager is issuing Certificate ns/c (generation 3); a step that holds it up is named here"}
	doesNotExist := Condition{corev1.ConditionUnknown, "DoesNotExist", "Issuing certificate as Secret does not exist"}
	awaiting := Condition{corev1.ConditionUnknown, ReasonAwaitingCertManager, "Waiting for cert-manager to evaluate Certificate ns/c (generation 3)"}
	approval := &Stuck{ReasonRequestAwaitingApprove, "CertificateRequest c-1 is waiting to be approved", 90 * time.Second, true}
	challenge := &Stuck{ReasonChallengePending, "Challenge x (HTTP-01 for a.example.com) is pending: wrong status code '404', expected '200'", StepRecheck, false}
	denied := &Stuck{Reason: ReasonRequestDenied, Message: "CertificateRequest c-1 was denied by someone: no"}

	tests := []struct {
		name        string
		ready       Condition
		step        *Stuck
		want        Condition
		wantRecheck time.Duration
	}{{
		name:  "Ready stays as it is",
		ready: Condition{Status: corev1.ConditionTrue},
		step:  challenge,
		want:  Condition{Status: corev1.ConditionTrue},
	}, {
		name:  "cert-manager's in-progress words, no step yet: one in-progress condition",
		ready: doesNotExist,
		want:  inProgress,
	}, {
		name:  "a routine step: the same condition, looked at again when its wait runs out",
		ready: doesNotExist, step: approval,
		want: inProgress, wantRecheck: 90 * time.Second,
	}, {
		name:  "a step with cert-manager's error text is news",
		ready: doesNotExist, step: challenge,
		want: Condition{corev1.ConditionUnknown, "DoesNotExist",
			"Issuing certificate as Secret does not exist; waiting at ChallengePending: " + challenge.Message},
		wantRecheck: StepRecheck,
	}, {
		name:  "a denial is news on a failed issuance too",
		ready: Condition{corev1.ConditionFalse, "Failed", "the request was denied"}, step: denied,
		want: Condition{corev1.ConditionFalse, "Failed", "the request was denied; waiting at CertificateRequestDenied: " + denied.Message},
	}, {
		name:  "cert-manager has not looked at the spec yet: routine, however long it takes",
		ready: awaiting,
		want:  inProgress,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, recheck := Waiting(tc.ready, tc.step, cert)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("condition (-want +got):\n%s", diff)
			}
			if recheck != tc.wantRecheck {
				t.Errorf("recheck = %v, want %v", recheck, tc.wantRecheck)
			}
		})
	}
}

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
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"knative.dev/net-certmanager/pkg/reconciler/certificate/resources"
)

// A CertificateRequest enqueues its KCert for a verdict at once, and for a
// new undecided request once resources.PickUpWait has run out; nothing
// else about it does.
func TestRequestHandler(t *testing.T) {
	created := now.Add(-10 * time.Second)
	request := func(conds ...cmv1.CertificateRequestCondition) *cmv1.CertificateRequest {
		return &cmv1.CertificateRequest{
			ObjectMeta: metav1.ObjectMeta{Namespace: testNS, Name: testName + "-1", CreationTimestamp: metav1.NewTime(created)},
			Status:     cmv1.CertificateRequestStatus{Conditions: conds},
		}
	}
	cond := func(typ cmv1.CertificateRequestConditionType, status cmmeta.ConditionStatus, reason string) cmv1.CertificateRequestCondition {
		return cmv1.CertificateRequestCondition{Type: typ, Status: status, Reason: reason}
	}
	approved := cond(cmv1.CertificateRequestConditionApproved, cmmeta.ConditionTrue, "cert-manager.io")
	pending := cond(cmv1.CertificateRequestConditionReady, cmmeta.ConditionFalse, cmv1.CertificateRequestReasonPending)
	denied := cond(cmv1.CertificateRequestConditionDenied, cmmeta.ConditionTrue, "platform-team")
	invalid := cond(cmv1.CertificateRequestConditionInvalidRequest, cmmeta.ConditionTrue, "BadCSR")
	issued := cond(cmv1.CertificateRequestConditionReady, cmmeta.ConditionTrue, cmv1.CertificateRequestReasonIssued)
	failed := cond(cmv1.CertificateRequestConditionReady, cmmeta.ConditionFalse, cmv1.CertificateRequestReasonFailed)
	old := request()
	old.CreationTimestamp = metav1.NewTime(now.Add(-resources.PickUpWait))

	afterWait := resources.PickUpWait - 10*time.Second + time.Second
	for _, tc := range []struct {
		name  string
		event informerEvent
		want  []time.Duration // delays of the enqueues, none for nil
	}{
		{"a new request: once PickUpWait has run out", informerEvent{cur: request()}, []time.Duration{afterWait}},
		{"a request already decided: its Certificate says so", informerEvent{cur: request(denied)}, nil},
		{"a request older than PickUpWait (a restart): the KCert's own add covers it", informerEvent{cur: old}, nil},
		{"approved", informerEvent{old: request(), cur: request(approved)}, nil},
		{"picked up, pending", informerEvent{old: request(approved), cur: request(approved, pending)}, nil},
		{"denied", informerEvent{old: request(), cur: request(denied)}, []time.Duration{0}},
		{"invalid", informerEvent{old: request(approved), cur: request(approved, invalid)}, []time.Duration{0}},
		{"issued", informerEvent{old: request(approved, pending), cur: request(approved, issued)}, []time.Duration{0}},
		{"failed", informerEvent{old: request(approved, pending), cur: request(approved, failed)}, []time.Duration{0}},
		{"still denied", informerEvent{old: request(denied), cur: request(denied, approved)}, nil},
		{"deleted", informerEvent{old: request(issued)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []time.Duration
			key := types.NamespacedName{Namespace: testNS, Name: testName}
			find := func(interface{}) (types.NamespacedName, bool) { return key, true }
			h := requestHandler(find, func(k types.NamespacedName, after time.Duration) {
				if k != key {
					t.Errorf("enqueued %v, want %v", k, key)
				}
				got = append(got, after)
			}, func() time.Time { return now })
			tc.event.deliver(h)
			if len(got) != len(tc.want) || (len(got) == 1 && got[0] != tc.want[0]) {
				t.Errorf("enqueued after %v, want %v", got, tc.want)
			}
		})
	}
}

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
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
)

// ReasonIssuing: the issuance goes through the steps every issuance passes
// (cert-manager evaluating the spec, the request awaiting its approver and
// issuer, an ACME Order or Challenge not answered yet). Each such step
// lasts moments, so the KCert says one thing for all of them: a status
// write per step would cost the API server writes that tell the user
// nothing (see docs/performance.md, the write budget).
const ReasonIssuing = "Issuing"

// Waiting is what a KCert that is not Ready says, given the mapped Ready
// condition and the step cert-manager's chain waits at (nil: none found).
// A step worth a status write is one that needs a person (a denial, a
// failure, an error text from cert-manager, a request nobody picked up
// within PickUpWait); the rest is ReasonIssuing. recheck, when positive,
// is when the answer can change with nothing written to any object.
func Waiting(ready Condition, step *Stuck, cert *cmv1.Certificate) (cond Condition, recheck time.Duration) {
	if step != nil {
		recheck = step.RecheckAfter
	}
	switch {
	case ready.Status == corev1.ConditionTrue:
		return ready, 0

	// cert-manager has not looked at the current spec yet, or the step is
	// routine. Waiting for cert-manager is not announced after a while:
	// with 5,000 Certificates at once cert-manager takes minutes to reach
	// each, and 3,506 of them would have said so for nothing, at two status
	// writes each (BENCHMARKS.md); kn certmanager check tells whether
	// cert-manager works.
	case ready.Status == corev1.ConditionUnknown && (ready.Reason == ReasonAwaitingCertManager || step == nil || step.Progress):
		return issuing(cert), recheck

	case step != nil:
		ready.Message = fmt.Sprintf("%s; waiting at %s: %s", ready.Message, step.Reason, step.Message)
	}
	return ready, recheck
}

func issuing(cert *cmv1.Certificate) Condition {
	return Condition{corev1.ConditionUnknown, ReasonIssuing,
		fmt.Sprintf("cert-manager is issuing Certificate %s/%s (generation %d); a step that holds it up is named here",
			cert.Namespace, cert.Name, cert.Generation)}
}

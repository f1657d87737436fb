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
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"

	"knative.dev/net-certmanager/pkg/reconciler/certificate/resources"
)

// explainWait says what a KCert that is not Ready waits for: the step of
// cert-manager's chain, read from the caches only, when it is worth a
// status write (resources.Waiting). A verdict that changes by time alone
// is looked at again when it does.
func (c *Reconciler) explainWait(kcert *v1alpha1.Certificate, cert *cmv1.Certificate, st *resources.Status, now time.Time) {
	var step *resources.Stuck
	if s, ok := resources.StuckStep(cert, c.owned, now); ok {
		step = &s
	}
	var recheck time.Duration
	st.Ready, recheck = resources.Waiting(st.Ready, step, cert)
	if recheck > 0 {
		c.enqueueAfter(kcert, recheck)
	}
}

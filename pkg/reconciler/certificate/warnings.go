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
	"sync"

	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/apis"
)

// failureChange is what a reconcile did to a KCert's Ready=False, as far as
// Warning events are concerned.
type failureChange int

const (
	// notFailing: Ready is not False after the reconcile.
	notFailing failureChange = iota
	// newFailure: Ready turned False, or its reason or message changed.
	newFailure
	// sameFailure: the failure was already reported.
	sameFailure
)

// warnedFailures remembers, by KCert UID, the Ready=False reason and message
// last reported as a Warning event, until the KCert is no longer False, so
// that a failure is reported once when it happens and not again on every
// resync. The zero value is ready to use.
type warnedFailures struct {
	byUID sync.Map // types.UID → reason + "\x00" + message
}

// observe classifies the Ready condition a reconcile left, given the one it
// found, and remembers a failure as reported.
func (w *warnedFailures) observe(uid types.UID, before, after *apis.Condition) failureChange {
	if after == nil || !after.IsFalse() {
		w.byUID.Delete(uid)
		return notFailing
	}
	failure := after.Reason + "\x00" + after.Message
	unchanged := before != nil && before.IsFalse() && before.Reason == after.Reason && before.Message == after.Message
	// The informer cache may not show our own status update yet when the
	// next event arrives; what this replica last reported covers that gap.
	if last, ok := w.byUID.Load(uid); ok && last == failure {
		unchanged = true
	}
	w.byUID.Store(uid, failure)
	if unchanged {
		return sameFailure
	}
	return newFailure
}

// forget drops what is remembered of a KCert that was deleted: it is never
// reconciled again, and the memo must not grow with KCerts that are gone.
func (w *warnedFailures) forget(uid types.UID) {
	w.byUID.Delete(uid)
}

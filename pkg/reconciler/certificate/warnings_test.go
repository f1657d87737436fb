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

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/apis"
)

func readyCond(status corev1.ConditionStatus, reason, message string) *apis.Condition {
	return &apis.Condition{Type: apis.ConditionReady, Status: status, Reason: reason, Message: message}
}

func TestWarnedFailures(t *testing.T) {
	const uid = types.UID("uid-1")
	notFound := readyCond(corev1.ConditionFalse, "IssuerNotFound", "ClusterIssuer/ca does not exist")
	tests := []struct {
		name string
		// reported is the failure this replica reported last, if any.
		reported      *apis.Condition
		before, after *apis.Condition
		want          failureChange
	}{{
		name:  "not reconciled to a condition",
		after: nil,
		want:  notFailing,
	}, {
		name:   "Ready",
		before: notFound, after: readyCond(corev1.ConditionTrue, "", ""),
		want: notFailing,
	}, {
		name:  "Unknown is no failure",
		after: readyCond(corev1.ConditionUnknown, "InProgress", ""),
		want:  notFailing,
	}, {
		name:  "turned False",
		after: notFound,
		want:  newFailure,
	}, {
		name:   "turned False from Ready",
		before: readyCond(corev1.ConditionTrue, "", ""), after: notFound,
		want: newFailure,
	}, {
		name:   "False before with the same reason and message",
		before: notFound, after: notFound,
		want: sameFailure,
	}, {
		name:   "False before with another reason",
		before: readyCond(corev1.ConditionFalse, "InvalidConfig", notFound.Message), after: notFound,
		want: newFailure,
	}, {
		name:   "False before with another message",
		before: readyCond(corev1.ConditionFalse, notFound.Reason, "other"), after: notFound,
		want: newFailure,
	}, {
		name:     "the cache does not show our status yet, but this replica reported it",
		reported: notFound,
		before:   readyCond(corev1.ConditionUnknown, "", ""), after: notFound,
		want: sameFailure,
	}, {
		name:     "this replica reported another failure",
		reported: readyCond(corev1.ConditionFalse, "InvalidConfig", "x"),
		after:    notFound,
		want:     newFailure,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var w warnedFailures
			if tc.reported != nil {
				w.observe(uid, nil, tc.reported)
			}
			if got := w.observe(uid, tc.before, tc.after); got != tc.want {
				t.Errorf("observe() = %v, want %v", got, tc.want)
			}
		})
	}
}

// Once Ready is no longer False the memo lets go, so that the same failure
// coming back later is reported again.
func TestWarnedFailuresRecovery(t *testing.T) {
	const uid = types.UID("uid-1")
	notFound := readyCond(corev1.ConditionFalse, "IssuerNotFound", "m")
	var w warnedFailures
	steps := []struct {
		after *apis.Condition
		want  failureChange
	}{
		{notFound, newFailure},
		{notFound, sameFailure},
		{readyCond(corev1.ConditionTrue, "", ""), notFailing},
		{notFound, newFailure},
	}
	for i, s := range steps {
		// before is what a lagging cache shows: nothing.
		if got := w.observe(uid, nil, s.after); got != s.want {
			t.Errorf("step %d: observe() = %v, want %v", i, got, s.want)
		}
	}
	w.forget(uid)
	if got := w.observe(uid, nil, notFound); got != newFailure {
		t.Errorf("after forget: observe() = %v, want newFailure", got)
	}
	// Another KCert's failure is its own.
	if got := w.observe("uid-2", nil, notFound); got != newFailure {
		t.Errorf("another KCert: observe() = %v, want newFailure", got)
	}
}

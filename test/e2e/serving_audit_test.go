//go:build e2e

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

package e2e

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
	"time"
)

// Who wrote what, from kube-apiserver's audit log: localenv --serving logs
// every write (create, update, patch, delete) to Knative and cert-manager
// Certificates (and their status) at Metadata level. Each controller writes
// as its own impersonated ServiceAccount, so the log tells them apart
// whatever their User-Agent, and it records refused writes (409) too.
//
// Serving's controller writes KCerts for two reasons. Its DomainMapping (or
// Route) reconciler owns a KCert's spec: it creates the KCert and updates its
// spec and class. Its certificate reconciler serves a KCert: it writes the
// KCert's status (and finalizers, by patch) and the cert-manager Certificate.
// The handover is about the second kind only.

// auditEvent is the part of an audit.k8s.io/v1 Event the counts need.
type auditEvent struct {
	Stage            string `json:"stage"`
	Verb             string `json:"verb"`
	User             struct{ Username string }
	ImpersonatedUser *struct{ Username string }
	ObjectRef        *struct {
		Resource, Namespace, Name, APIGroup, Subresource string
	}
	ResponseStatus *struct{ Code int }
	StageTimestamp time.Time `json:"stageTimestamp"`
}

// writer is the identity a write was made as.
func (ev *auditEvent) writer() string {
	if ev.ImpersonatedUser != nil && ev.ImpersonatedUser.Username != "" {
		return ev.ImpersonatedUser.Username
	}
	return ev.User.Username
}

// certificateGroups are the API groups of the Certificates counted: Knative's
// KCerts and cert-manager's.
var certificateGroups = map[string]bool{"networking.internal.knative.dev": true, "cert-manager.io": true}

// writeFilter selects the writes counted.
type writeFilter struct {
	// namespace and, if set, name of the Certificates.
	namespace, name string
	// since and until bound the time the apiserver answered; zero: unbounded.
	since, until time.Time
	// owner selects the KCert spec writes (create, update) instead of the
	// certificate reconcilers' writes.
	owner bool
	// certManagerUpdates selects only updates and patches of cert-manager
	// Certificates (their spec and metadata, not status).
	certManagerUpdates bool
}

// certificateWrites counts, per writer, the writes to Knative and
// cert-manager Certificates that f selects.
func certificateWrites(t *testing.T, auditLog string, f writeFilter) map[string]int {
	t.Helper()
	counts := map[string]int{}
	scanAudit(t, auditLog, func(ev *auditEvent) {
		if f.selects(ev) {
			counts[ev.writer()]++
		}
	})
	return counts
}

// certManagerCertificateCreators lists who created (successfully) the
// cert-manager Certificate ns/name.
func certManagerCertificateCreators(t *testing.T, auditLog, ns, name string) []string {
	t.Helper()
	var who []string
	scanAudit(t, auditLog, func(ev *auditEvent) {
		ref := ev.ObjectRef
		if ev.Stage == "ResponseComplete" && ev.Verb == "create" && ref != nil && ref.APIGroup == "cert-manager.io" &&
			ref.Resource == "certificates" && ref.Namespace == ns && ref.Name == name &&
			ev.ResponseStatus != nil && ev.ResponseStatus.Code == 201 {
			who = append(who, ev.writer())
		}
	})
	return who
}

// scanAudit calls f with every event of the audit log.
func scanAudit(t *testing.T, auditLog string, f func(*auditEvent)) {
	t.Helper()
	file, err := os.Open(auditLog)
	if err != nil {
		t.Fatal("audit log:", err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for sc.Scan() {
		var ev auditEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("audit log line %q: %v", sc.Text(), err)
		}
		f(&ev)
	}
	if err := sc.Err(); err != nil {
		t.Fatal("audit log:", err)
	}
}

func (f writeFilter) selects(ev *auditEvent) bool {
	ref := ev.ObjectRef
	switch {
	case ev.Stage != "ResponseComplete", ref == nil, ref.Resource != "certificates", !certificateGroups[ref.APIGroup]:
		return false
	case ref.Namespace != f.namespace, f.name != "" && ref.Name != f.name:
		return false
	case !f.since.IsZero() && ev.StageTimestamp.Before(f.since):
		return false
	case !f.until.IsZero() && ev.StageTimestamp.After(f.until):
		return false
	}
	if f.certManagerUpdates {
		return ref.APIGroup == "cert-manager.io" && ref.Subresource == "" && (ev.Verb == "update" || ev.Verb == "patch")
	}
	switch ev.Verb {
	case "create", "update", "patch", "delete", "deletecollection":
		return f.owner == isOwnerWrite(ev)
	}
	return false
}

// isOwnerWrite says whether a write is one of a KCert's owner: a create or
// update of a KCert itself. Everything else (KCert status, finalizer
// patches, deletes, any write to a cert-manager Certificate) is a
// certificate reconciler's.
func isOwnerWrite(ev *auditEvent) bool {
	ref := ev.ObjectRef
	return ref.APIGroup == "networking.internal.knative.dev" && ref.Subresource == "" &&
		(ev.Verb == "create" || ev.Verb == "update")
}

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
	"context"
	"crypto/x509"
	"slices"
	"testing"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"

	"knative.dev/net-certmanager/pkg/kncm"
)

// renewal names what renewOverHTTP01 follows.
type renewal struct {
	// ns holds the KCert (whose cert-manager Certificate has its name), the
	// KIngress Serving writes for it and host, the name certified.
	ns, kcert, ingress, host string
	// mustRoute says Serving routes challenges while the KCert is Ready and
	// Renewing (its Route reconciler); Serving v0.50's DomainMapping
	// reconciler does not.
	mustRoute bool
	// firstChallenge is the path the first issuance's challenge had, if
	// known: the renewal's must be a new one.
	firstChallenge string
}

// renewalFigures are what renewOverHTTP01 measured.
type renewalFigures struct {
	// From the trigger: the KCert lists the challenge, the KIngress routes
	// it (when mustRoute), the solver answers the first self-check and
	// Pebble's first request, and the new certificate is in the Secret.
	listed, routed, selfChecked, validated, renewed time.Duration
	// pebble and selfCheck count the solver's answers during the renewal.
	pebble, selfCheck int
	// statusWrites counts the KCert status writes during the renewal, by
	// writer.
	statusWrites map[string]int
}

// renewOverHTTP01 triggers a renewal of the KCert's Certificate as
// kn-certmanager rotation renew does (the Issuing condition) and follows it:
// the KCert lists the new HTTP-01 Challenge while Renewing and is Ready in
// every state a watch sees. If Serving routes the challenge (a KIngress path
// for it), Pebble validates it through the minimal ingress and the solver,
// and a new certificate replaces the old; with r.mustRoute it must. Without
// a route (Serving v0.50's DomainMapping) the renewal stays pending and the
// old certificate is served; it returns nil then.
func (s *servingEnv) renewOverHTTP01(t *testing.T, r renewal, roots, intermediates *x509.CertPool) *renewalFigures {
	t.Helper()
	ctx := context.Background()
	kc := s.c.waitKCert(t, r.ns, r.kcert, "Ready", isReady)
	_, old := s.c.secretCert(t, kc)
	// A settled Certificate, as a user renews it: cert-manager's issuing
	// controller, just done, would otherwise clear the Issuing condition.
	var cert *cmv1.Certificate
	waitFor(t, "the Certificate "+r.kcert+" Ready and not Issuing", readyTimeout, func() bool {
		var err error
		cert, err = s.c.cm.CertmanagerV1().Certificates(r.ns).Get(ctx, r.kcert, metav1.GetOptions{})
		return err == nil && cmReady(cert) && !slices.ContainsFunc(cert.Status.Conditions, func(c cmv1.CertificateCondition) bool {
			return c.Type == cmv1.CertificateConditionIssuing && c.Status == cmmeta.ConditionTrue
		})
	})
	time.Sleep(settle)
	pebbleBefore := answeredTo(s.solverRequests(t, r.host), pebbleUserAgent)
	challenges := s.c.watchChallenges(t, r.ns)
	kw := s.c.watchKCert(t, r.ns, r.kcert)
	// The watch lists the Challenges of the first issuance too.
	time.Sleep(time.Second)
	validBefore := challenges.valid(r.host)
	target := kncm.KCertInfo{Namespace: r.ns, Name: r.kcert, UID: kc.UID, CertificateFound: true, CertificateUID: cert.UID}
	started := time.Now()
	res, err := kncm.Renew(ctx, kncm.Clients{Kube: s.c.kube, CM: s.c.cm, Net: s.c.net}, []kncm.KCertInfo{target},
		kncm.RenewOptions{Rate: 10}, func(string, string) {})
	if err != nil || len(res.Triggered) != 1 {
		t.Fatalf("renew: %+v, %v", res, err)
	}
	renewing := s.c.waitKCert(t, r.ns, r.kcert, "listing the renewal's challenge while Renewing", func(kc *v1alpha1.Certificate) bool {
		c := kc.Status.GetCondition("Renewing")
		return c != nil && c.Status == corev1.ConditionTrue && len(kc.Status.HTTP01Challenges) > 0
	})
	listed := time.Since(started)
	path := renewing.Status.HTTP01Challenges[0].URL.Path
	if r.firstChallenge != "" && path == r.firstChallenge {
		t.Errorf("the renewal lists the first issuance's challenge %s, want a new one", path)
	}
	if !r.mustRoute {
		// Serving reconciles the KIngress after the KCert changed.
		time.Sleep(settle)
		ing, err := s.c.net.NetworkingV1alpha1().Ingresses(r.ns).Get(ctx, r.ingress, metav1.GetOptions{})
		if err != nil {
			t.Fatal("the KIngress:", err)
		}
		if !routesPath(ing, path) {
			t.Logf("Serving's KIngress %s does not route the renewal's challenge %s (Serving's DomainMapping passes challenges on only while the KCert is not Ready); the renewal cannot validate: checking that the old certificate stays served and the KCert Ready", r.ingress, path)
			time.Sleep(settle)
			kc = s.c.waitKCert(t, r.ns, r.kcert, "Ready", isReady)
			if _, leaf := s.c.secretCert(t, kc); !leaf.Equal(old) {
				t.Errorf("the certificate changed although no challenge was routed")
			}
			kw.check(t)
			return nil
		}
	} else {
		s.waitKIngress(t, r.ns, r.ingress, "routing the renewal's challenge "+path, func(ing *v1alpha1.Ingress) bool {
			return routesPath(ing, path)
		})
	}
	routed := time.Since(started)
	var leaf *x509.Certificate
	err = wait.PollUntilContextTimeout(ctx, pollInterval, readyTimeout, true, func(ctx context.Context) (bool, error) {
		sec, err := s.c.kube.CoreV1().Secrets(r.ns).Get(ctx, kc.Spec.SecretName, metav1.GetOptions{})
		if err != nil || len(sec.Data[corev1.TLSCertKey]) == 0 {
			return false, nil
		}
		leaf = chainOf(t, sec.Data[corev1.TLSCertKey])[0]
		return leaf.SerialNumber.Cmp(old.SerialNumber) != 0, nil
	})
	if err != nil {
		t.Fatalf("no new certificate for %s within %v; Challenges: %v", r.host, readyTimeout, challenges)
	}
	fig := &renewalFigures{listed: listed, routed: routed, renewed: time.Since(started)}
	t.Logf("renewed %s in %.1fs: serial %x -> %x, notAfter %v -> %v", r.host, fig.renewed.Seconds(),
		old.SerialNumber, leaf.SerialNumber, old.NotAfter, leaf.NotAfter)
	s.c.waitKCert(t, r.ns, r.kcert, "Ready and no longer Renewing", func(kc *v1alpha1.Certificate) bool {
		c := kc.Status.GetCondition("Renewing")
		return kc.IsReady() && (c == nil || c.Status != corev1.ConditionTrue)
	})
	done := time.Now()
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates, DNSName: r.host}); err != nil {
		t.Errorf("the renewed certificate does not chain to Pebble's issuing CA: %v", err)
	}
	if !leaf.NotAfter.After(old.NotAfter) {
		t.Errorf("the renewed certificate's notAfter %v is not after the old one's %v", leaf.NotAfter, old.NotAfter)
	}
	if valid := challenges.valid(r.host); len(valid) <= len(validBefore) {
		t.Errorf("no new HTTP-01 Challenge for %s went valid: %v", r.host, challenges)
	}
	if after := answeredTo(s.solverRequests(t, r.host), pebbleUserAgent); after <= pebbleBefore {
		t.Errorf("the solver answered Pebble %d times before the renewal and %d after, want more", pebbleBefore, after)
	}
	for _, req := range s.solverRequests(t, r.host) {
		if !req.Time.After(started) || !req.Answered {
			continue
		}
		at := req.Time.Sub(started)
		switch {
		case answeredTo([]solverRequest{req}, pebbleUserAgent) == 1:
			fig.pebble++
			fig.validated = earliest(fig.validated, at)
		case answeredTo([]solverRequest{req}, selfCheckUserAgent) == 1:
			fig.selfCheck++
			fig.selfChecked = earliest(fig.selfChecked, at)
		}
	}
	// kube-apiserver writes its audit log as it answers; a moment lets the
	// last lines reach the file.
	time.Sleep(time.Second)
	fig.statusWrites = kcertStatusWrites(t, s.auditLog, r.ns, r.kcert, started, done)
	kw.check(t)
	return fig
}

// earliest is the smaller of d and at, d zero meaning none yet.
func earliest(d, at time.Duration) time.Duration {
	if d == 0 || at < d {
		return at
	}
	return d
}

// kcertStatusWrites counts, per writer, the accepted writes to the KCert's
// status between since and until.
func kcertStatusWrites(t *testing.T, auditLog, ns, name string, since, until time.Time) map[string]int {
	t.Helper()
	counts := map[string]int{}
	scanAudit(t, auditLog, func(ev *auditEvent) {
		ref := ev.ObjectRef
		if ev.Stage == "ResponseComplete" && ref != nil && ref.APIGroup == "networking.internal.knative.dev" &&
			ref.Resource == "certificates" && ref.Subresource == "status" && ref.Namespace == ns && ref.Name == name &&
			(ev.Verb == "update" || ev.Verb == "patch") && ev.ResponseStatus != nil && ev.ResponseStatus.Code == 200 &&
			!ev.StageTimestamp.Before(since) && !ev.StageTimestamp.After(until) {
			counts[ev.writer()]++
		}
	})
	return counts
}

// routesPath says whether a KIngress has an HTTP path for path.
func routesPath(ing *v1alpha1.Ingress, path string) bool {
	for _, r := range ing.Spec.Rules {
		if r.HTTP == nil {
			continue
		}
		for _, p := range r.HTTP.Paths {
			if p.Path == path {
				return true
			}
		}
	}
	return false
}

// check fails the test if the KCert was ever seen not Ready=True during the
// renewal or never listed a challenge while Renewing.
func (kw *kcertWatch) check(t *testing.T) {
	t.Helper()
	kw.mu.Lock()
	defer kw.mu.Unlock()
	t.Logf("KCert during the renewal: %d states seen, %d Renewing, %d of them listing challenges", kw.total, kw.renewingSeen, kw.challengesRenewing)
	if len(kw.notReady) > 0 {
		t.Errorf("the KCert was not Ready=True in %d of the %d states seen during the renewal: %v", len(kw.notReady), kw.total, kw.notReady)
	}
	if kw.challengesRenewing == 0 {
		t.Error("the KCert never listed the renewal's challenge while Renewing")
	}
}

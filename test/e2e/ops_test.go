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
	"fmt"
	"math"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"
	nettest "knative.dev/networking/test"
)

// Prometheus names of the controller's metrics (docs/operating.md).
const (
	metricCRDsFound = "net_certmanager_certmanager_crds_found"
	metricExpiry    = "net_certmanager_certificate_expiration_timestamp_seconds"
	metricIssuance  = "net_certmanager_certificate_issuance_duration_seconds"
	metricOutcomes  = "net_certmanager_reconcile_outcomes_total"
	metricReady     = "net_certmanager_certificates"
)

// TestOperations runs one environment through the operations
// scenarios, in order: the controller starts before cert-manager exists;
// its metrics; a second replica takes over from a killed leader; the
// survivor rides out a kube-apiserver restart. Each step needs the state
// the previous one left, so a failed step ends the test.
func TestOperations(t *testing.T) {
	// Its environment is its own: it runs beside the other parallel tests
	// (TestStuckRequest waits out minutes), after the sequential ones.
	t.Parallel()
	alerts := newAlertCheck(t)
	env := startOpsEnv(t, true)
	// Metrics on, two buckets; short leases (localenv's) so takeovers are quick.
	env.setConfigMap(t, "config-observability", map[string]string{"metrics-protocol": "prometheus"})
	env.setConfigMap(t, "config-leader-election", map[string]string{"buckets": "2"})

	var a, b *ctrlProc
	var first []*v1alpha1.Certificate
	steps := []struct {
		name string
		run  func(t *testing.T)
	}{{
		name: "an invalid worker count stops the controller at start, saying why",
		run: func(t *testing.T) {
			bad := env.startController(t, "controller-bad-workers", "RECONCILE_WORKERS=0")
			select {
			case <-bad.proc.Done():
			case <-time.After(time.Minute):
				t.Fatal("the controller still runs with RECONCILE_WORKERS=0")
			}
			if code := bad.proc.Cmd.ProcessState.ExitCode(); code == 0 {
				t.Error("exit code 0, want a failure")
			}
			const want = `invalid worker count \"0\": want an integer from 1 to 1000`
			if log := bad.logText(t); !strings.Contains(log, want) {
				t.Errorf("log does not say %s:\n%s", want, log)
			}
		},
	}, {
		name: "starts without cert-manager, then reconciles once it is installed, without a restart",
		run: func(t *testing.T) {
			a = env.startController(t, "controller-a")
			ns := env.c.newNamespace(t)
			first = []*v1alpha1.Certificate{
				env.c.kcert(t, ns, "ext", netcfg.CertificateExternalDomain, "ext."+ns+".example.com"),
				env.c.kcert(t, ns, "local", netcfg.CertificateClusterLocalDomain, "local."+ns, "local."+ns+".svc"),
				env.c.kcert(t, ns, "internal", netcfg.CertificateSystemInternal, "kn-user-"+ns),
			}
			// Up, not ready, saying why, for 20 s.
			var notReadySeen, gaugeZeroSeen bool
			var withoutCertManager timedScrape
			for time.Since(a.started) < 20*time.Second {
				if !a.running() {
					t.Fatal("the controller exited without cert-manager")
				}
				if code := a.readiness(); code == 503 {
					notReadySeen = true
				} else if code == 200 {
					t.Fatal("the controller is ready without cert-manager's CRDs")
				}
				if scrape := a.timedScrape(); len(samples(scrape.text, metricCRDsFound)) == 1 && samples(scrape.text, metricCRDsFound)[0].value == 0 {
					gaugeZeroSeen, withoutCertManager = true, scrape
				}
				time.Sleep(500 * time.Millisecond)
			}
			if !notReadySeen || !gaugeZeroSeen {
				t.Fatalf("over 20 s: readiness 503 seen %v, %s 0 seen %v", notReadySeen, metricCRDsFound, gaugeZeroSeen)
			}
			alerts.expect(t, "without cert-manager", time.Time{}, map[string][]map[string]string{"NetCertmanagerWithoutCertManager": {{}}}, withoutCertManager)
			log := a.logText(t)
			if want := "cert-manager CRDs certificaterequests.cert-manager.io, certificates.cert-manager.io, challenges.acme.cert-manager.io"; !strings.Contains(log, want) {
				t.Errorf("the log does not say %q", want)
			}
			if n := strings.Count(log, "not found; install cert-manager"); n < 1 || n > 2 {
				t.Errorf("the missing CRDs were logged %d times in 20 s, want once (slow interval 30 s)", n)
			}
			for _, kc := range first {
				if got, _ := env.c.net.NetworkingV1alpha1().Certificates(ns).Get(context.Background(), kc.Name, metav1.GetOptions{}); got != nil && got.IsReady() {
					t.Fatalf("KCert %s is Ready before cert-manager exists", kc.Name)
				}
			}

			env.signal(t, syscall.SIGUSR1)
			installed := env.waitFile(t, "cert-manager-ready", 3*time.Minute, nil)
			t.Logf("cert-manager installed %.1fs after the controller started", installed.Sub(a.started).Seconds())
			var readyAt time.Time
			if err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, time.Minute, true, func(context.Context) (bool, error) {
				return a.readiness() == 200, nil
			}); err != nil {
				t.Fatal("the controller never became ready after cert-manager was installed")
			}
			readyAt = time.Now()
			for _, kc := range first {
				env.c.waitKCert(t, ns, kc.Name, "Ready", isReady)
			}
			t.Logf("MEASURED: controller ready %.1fs and %d pending KCerts Ready %.1fs after cert-manager was installed (CRDs + issuers)",
				readyAt.Sub(installed).Seconds(), len(first), time.Since(installed).Seconds())
			if !a.running() {
				t.Fatal("the controller exited")
			}
			if s := samples(a.scrape(), metricCRDsFound); len(s) != 1 || s[0].value != 1 {
				t.Errorf("%s = %v, want 1", metricCRDsFound, s)
			}
		},
	}, {
		name: "metrics: the expiry gauge matches the Secrets, the latency histogram counts the issued KCerts",
		run: func(t *testing.T) {
			before := a.timedScrape()
			text := before.text
			expiry := samples(text, metricExpiry)
			var firstExpiry, lastExpiry time.Time
			for _, kc := range first {
				_, leaf := env.c.secretCert(t, kc)
				want := float64(leaf.NotAfter.Unix())
				if firstExpiry.IsZero() || leaf.NotAfter.Before(firstExpiry) {
					firstExpiry = leaf.NotAfter
				}
				if leaf.NotAfter.After(lastExpiry) {
					lastExpiry = leaf.NotAfter
				}
				var got *sample
				for i, s := range expiry {
					if s.labels["namespace"] == kc.Namespace && s.labels["name"] == kc.Name {
						got = &expiry[i]
					}
				}
				if got == nil {
					t.Errorf("no %s sample for %s/%s in:\n%s", metricExpiry, kc.Namespace, kc.Name, text)
					continue
				}
				if math.Abs(got.value-want) > 1 {
					t.Errorf("%s{name=%q} = %.0f, want %.0f (Secret notAfter %v)", metricExpiry, kc.Name, got.value, want, leaf.NotAfter)
				}
				if got.labels["certificate_type"] != kc.Labels["networking.knative.dev/certificate-type"] {
					t.Errorf("%s{name=%q} certificate_type = %q", metricExpiry, kc.Name, got.labels["certificate_type"])
				}
			}
			issued := samples(text, metricIssuance+"_count")
			if n := sum(issued); int(n) != len(first) {
				t.Errorf("%s_count = %v, want %d (the KCerts issued)", metricIssuance, n, len(first))
			}
			for _, s := range issued {
				if _, ok := s.labels["namespace"]; ok {
					t.Errorf("%s_count has a namespace label: %v", metricIssuance, s.labels)
				}
			}
			if n := certificatesByReason(text, "True")[""]; int(n) < len(first) {
				t.Errorf("%s{ready=\"True\"} = %v, want >= %d", metricReady, n, len(first))
			}
			ready := 0.0
			for _, s := range samples(text, metricOutcomes) {
				if s.labels["reason"] == "Ready" {
					ready += s.value
				}
			}
			if ready < float64(len(first)) {
				t.Errorf("%s{reason=\"Ready\"} = %v, want >= %d", metricOutcomes, ready, len(first))
			}

			// The documented alerts: none while all is well; the expiry alert
			// for each KCert once it is 6 days from notAfter, none at 8 days.
			now := a.timedScrape()
			alerts.expect(t, "all KCerts Ready", time.Time{}, nil, before, now)
			expiring := map[string][]map[string]string{}
			for _, kc := range first {
				expiring["KnativeCertificateExpiringNotRenewed"] = append(expiring["KnativeCertificateExpiringNotRenewed"],
					map[string]string{"namespace": kc.Namespace, "name": kc.Name})
			}
			alerts.expect(t, "6 days before the last notAfter", lastExpiry.Add(-6*24*time.Hour), expiring, now)
			alerts.expect(t, "8 days before the first notAfter", firstExpiry.Add(-8*24*time.Hour), nil, now)
		},
	}, {
		name: "metrics: a KCert whose issuer does not exist is counted by reason (the alert of docs/operating.md) until the issuer exists",
		run: func(t *testing.T) {
			late := "e2e-ops-late-ca-" + env.c.newNamespace(t)
			env.c.setConfig(t, map[string]string{"clusterLocalIssuerRef": issuerRef("ClusterIssuer", late)})
			ns := env.c.newNamespace(t)
			kc := env.c.kcert(t, ns, "late", netcfg.CertificateClusterLocalDomain, "late."+ns, "late."+ns+".svc")
			env.c.waitKCert(t, ns, kc.Name, "IssuerNotFound", func(kc *v1alpha1.Certificate) bool {
				cond := kc.Status.GetCondition(v1alpha1.CertificateConditionReady)
				return cond != nil && cond.IsFalse() && cond.Reason == "IssuerNotFound"
			})
			issuerNotFound := func() float64 { return certificatesByReason(a.scrape(), "False")["IssuerNotFound"] }
			if err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 30*time.Second, true, func(context.Context) (bool, error) {
				return issuerNotFound() >= 1, nil
			}); err != nil {
				t.Fatalf("%s{ready=\"False\",reason=\"IssuerNotFound\"} = %v, want >= 1 while the issuer is missing", metricReady, issuerNotFound())
			}
			alerts.expect(t, "an issuer is missing", time.Time{},
				map[string][]map[string]string{"KnativeCertificateIssuanceFailing": {{"reason": "IssuerNotFound"}}}, a.timedScrape())
			env.c.newCAIssuer(t, late)
			env.c.waitKCert(t, ns, kc.Name, "Ready once the issuer exists", isReady)
			if err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, time.Minute, true, func(context.Context) (bool, error) {
				return issuerNotFound() == 0, nil
			}); err != nil {
				t.Errorf("%s{ready=\"False\",reason=\"IssuerNotFound\"} = %v once the issuer exists, want none", metricReady, issuerNotFound())
			}
			alerts.expect(t, "the issuer exists", time.Time{}, nil, a.timedScrape())
		},
	}, {
		name: "metrics: API errors, retried, fire the reconcile-errors alert of docs/operating.md",
		run: func(t *testing.T) {
			alerts.showReconcileErrors(t, env.c, a)
		},
	}, {
		name: "HA: the survivor takes over the buckets of a SIGKILLed leader; 50 KCerts created meanwhile become Ready",
		run: func(t *testing.T) {
			b = env.startController(t, "controller-b")
			if err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 2*time.Minute, true, func(context.Context) (bool, error) {
				return b.readiness() == 200, nil
			}); err != nil {
				t.Fatal("the second controller never became ready")
			}
			idA, idB := a.identity(t), b.identity(t)
			holders := env.bucketHolders(t)
			if len(holders) != 2 {
				t.Fatalf("bucket leases = %v, want 2", holders)
			}
			victim, survivor, victimID, survivorID := a, b, idA, idB
			for lease, h := range holders {
				if h == idB && strings.Contains(lease, "00-of-02") {
					victim, survivor, victimID, survivorID = b, a, idB, idA
				}
			}
			t.Logf("leases %v; killing %s, the leader of bucket 00", holders, victim.name)

			ns := env.c.newNamespace(t)
			const n = 50
			var wg sync.WaitGroup
			wg.Add(1)
			killed := make(chan time.Time, 1)
			go func() {
				defer wg.Done()
				for i := 0; i < n; i++ {
					if i == 10 {
						_ = victim.proc.Cmd.Process.Signal(syscall.SIGKILL)
						killed <- time.Now()
					}
					if _, err := env.c.createKCert(ns, fmt.Sprintf("ha-%02d", i), fmt.Sprintf("ha-%02d.%s.example.com", i, ns)); err != nil {
						t.Errorf("create KCert ha-%02d: %v", i, err)
					}
					time.Sleep(100 * time.Millisecond)
				}
			}()
			killedAt := <-killed
			var takeover time.Duration
			if err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 2*time.Minute, true, func(context.Context) (bool, error) {
				for _, h := range env.bucketHolders(t) {
					if h != survivorID {
						return false, nil
					}
				}
				takeover = time.Since(killedAt)
				return true, nil
			}); err != nil {
				t.Fatalf("%s never took over every bucket from %s: %v", survivor.name, victimID, env.bucketHolders(t))
			}
			wg.Wait()
			for i := 0; i < n; i++ {
				env.c.waitKCert(t, ns, fmt.Sprintf("ha-%02d", i), "Ready", isReady)
			}
			t.Logf("MEASURED: takeover (SIGKILL to every lease held by the survivor) %.1fs; all %d KCerts Ready %.1fs after the kill",
				takeover.Seconds(), n, time.Since(killedAt).Seconds())
			if log := survivor.logText(t); !strings.Contains(log, "has started leading") {
				t.Error("the survivor's log does not show the takeover")
			}
			a, b = survivor, nil
		},
	}, {
		name: "kube-apiserver restart: KCerts created before and after become Ready; the controller never exits",
		run: func(t *testing.T) {
			ns := env.c.newNamespace(t)
			var names []string
			for i := 0; i < 5; i++ {
				kc := env.c.kcert(t, ns, fmt.Sprintf("before-%d", i), netcfg.CertificateExternalDomain, fmt.Sprintf("before-%d.%s.example.com", i, ns))
				names = append(names, kc.Name)
			}
			env.signal(t, syscall.SIGUSR2)
			env.waitFile(t, "apiserver-stopped", time.Minute, nil)
			time.Sleep(10 * time.Second)
			env.signal(t, syscall.SIGUSR2)
			started := env.waitFile(t, "apiserver-started", 2*time.Minute, nil)
			var after []string
			for i := 0; i < 5; i++ {
				var kc *v1alpha1.Certificate
				// The first calls may meet an API server still warming up.
				if err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, time.Minute, true, func(context.Context) (bool, error) {
					var err error
					kc, err = env.c.createKCert(ns, fmt.Sprintf("after-%d", i), fmt.Sprintf("after-%d.%s.example.com", i, ns))
					return err == nil, nil
				}); err != nil {
					t.Fatal("cannot create KCerts after the restart")
				}
				after = append(after, kc.Name)
			}
			var firstReady time.Duration
			for i, name := range append(after, names...) {
				env.c.waitKCert(t, ns, name, "Ready", isReady)
				if i == 0 {
					firstReady = time.Since(started)
				}
			}
			t.Logf("MEASURED: after kube-apiserver came back: first new KCert Ready %.1fs, all 10 Ready %.1fs",
				firstReady.Seconds(), time.Since(started).Seconds())
			if !a.running() {
				t.Fatal("the controller exited")
			}
		},
	}}
	for _, s := range steps {
		if !t.Run(s.name, s.run) {
			return
		}
	}
	alerts.allShown(t)
}

// certificatesByReason evaluates the alert expression of docs/operating.md on one scrape,
// sum by (reason) (net_certmanager_certificates{ready=<ready>}), with
// the label names the alert uses.
func certificatesByReason(text, ready string) map[string]float64 {
	out := map[string]float64{}
	for _, s := range samples(text, metricReady) {
		if s.labels["ready"] == ready {
			out[s.labels["reason"]] += s.value
		}
	}
	return out
}

// bucketHolders maps the controller's bucket Lease names to their holders.
func (e *opsEnv) bucketHolders(t *testing.T) map[string]string {
	t.Helper()
	leases, err := e.c.kube.CoordinationV1().Leases(systemNamespace).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal("list leases:", err)
	}
	out := map[string]string{}
	for _, l := range leases.Items {
		if strings.HasPrefix(l.Name, "net-certmanager-controller.") && strings.HasSuffix(l.Name, "-of-02") && l.Spec.HolderIdentity != nil {
			out[l.Name] = *l.Spec.HolderIdentity
		}
	}
	return out
}

// createKCert creates an external-domain KCert of the class under test.
func (c *clients) createKCert(ns, name string, dnsNames ...string) (*v1alpha1.Certificate, error) {
	kc := &v1alpha1.Certificate{
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Namespace:   ns,
			Annotations: map[string]string{networking.CertificateClassAnnotationKey: nettest.NetworkingFlags.CertificateClass},
			Labels:      map[string]string{networking.CertificateTypeLabelKey: string(netcfg.CertificateExternalDomain)},
		},
		Spec: v1alpha1.CertificateSpec{DNSNames: dnsNames, SecretName: name + "-tls"},
	}
	return c.net.NetworkingV1alpha1().Certificates(ns).Create(context.Background(), kc, metav1.CreateOptions{})
}

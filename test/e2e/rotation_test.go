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
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/rand"

	"knative.dev/net-certmanager/pkg/kncm"
	netcfg "knative.dev/networking/pkg/config"
)

const (
	rotationKCerts = 4
	// rotationGrace is the grace period rotation status waits after the
	// last renewal (guide step 8): far above the test server's reload lag
	// (Secret copied every 200 ms, files polled every 100 ms).
	rotationGrace   = 10 * time.Second
	rotationTimeout = 3 * time.Minute
)

// TestCARotationWithoutDowntime follows the integration guide's CA
// rotation with kn-certmanager while a client that trusts the namespace's
// trust bundle (pkg/trust) handshakes ~50 times per second with a server
// that serves a KCert's Secret (pkg/trust's reloader). No handshake fails.
func TestCARotationWithoutDowntime(t *testing.T) {
	total, failed := rotate(t, false)
	t.Logf("ROTATION real run: %d handshakes, %d failed", total, failed)
	if failed != 0 {
		t.Errorf("%d of %d handshakes failed during the rotation", failed, total)
	}
}

// TestCARotationControlRemovesOldCAEarly does the same, but removes CA1
// from the bundle before the certificates are renewed: the client must
// see failed handshakes, which shows that the real run can fail.
func TestCARotationControlRemovesOldCAEarly(t *testing.T) {
	total, failed := rotate(t, true)
	t.Logf("ROTATION control run: %d handshakes, %d failed", total, failed)
	if failed == 0 {
		t.Errorf("control run: 0 of %d handshakes failed although CA1 was removed before renewal", total)
	}
}

func rotate(t *testing.T, removeEarly bool) (total, failed int64) {
	c := newClients(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	step := func(format string, args ...any) {
		t.Logf("[+%5.1fs] %s", time.Since(start).Seconds(), fmt.Sprintf(format, args...))
	}

	// 1. CA1 and CA2 (Secrets in cert-manager), one ClusterIssuer on CA1
	// for all three keys, a trust bundle holding [CA1].
	suffix := strings.ToLower(rand.String(5))
	ca1, ca2, issuer := "rot-ca1-"+suffix, "rot-ca2-"+suffix, "rot-"+suffix
	c.newCAIssuer(t, ca1)
	c.newCAIssuer(t, ca2)
	ca1PEM, ca2PEM := c.caPEM(t, ca1), c.caPEM(t, ca2)
	c.newClusterIssuer(t, issuer, ca1)
	ref := issuerRef("ClusterIssuer", issuer)
	c.setConfig(t, map[string]string{"issuerRef": ref, "clusterLocalIssuerRef": ref, "systemInternalIssuerRef": ref})
	ns := c.newNamespace(t)

	var names []string
	for i := range rotationKCerts {
		name := fmt.Sprintf("rot-%d", i)
		c.kcert(t, ns, name, netcfg.CertificateExternalDomain, name+"."+ns+".example.com")
		names = append(names, name)
	}
	for _, name := range names {
		c.waitKCert(t, ns, name, "Ready", isReady)
	}
	step("%d KCerts Ready on CA1", rotationKCerts)

	// doctor fails without a trust bundle, and passes with [CA1].
	out, code := runPlugin(t, "doctor", "-n", ns)
	if code != 1 || !strings.Contains(out, "✗ trust bundle in "+ns) {
		t.Errorf("doctor without a bundle: exit %d, want 1 and a ✗ for the bundle:\n%s", code, out)
	}
	c.setBundle(t, ns, ca1PEM)
	out, code = runPlugin(t, "doctor", "-n", ns, "-o", "json")
	var doc kncm.DoctorReport
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 || !doc.OK {
		t.Fatalf("doctor with [CA1]: exit %d, %v:\n%s", code, err, out)
	}
	step("doctor: %d checks pass", len(doc.Checks))

	// 2. The server and the client.
	kc0 := names[0]
	srv := c.startTLSServer(ctx, t, ns, kc0+"-tls")
	cl := c.startTLSClient(ctx, t, ns, srv.addr, kc0+"."+ns+".example.com")
	waitFor(t, "50 handshakes", time.Minute, func() bool { return cl.total.Load() >= 50 })
	step("client: %d handshakes, %d failed, before the rotation", cl.total.Load(), cl.failed.Load())

	// 3. Add CA2 to the bundle; switch the issuer to CA2.
	c.setBundle(t, ns, ca1PEM, ca2PEM)
	waitFor(t, "the client to trust CA1 and CA2", time.Minute, func() bool { return len(cl.pool.Current().Certificates) == 2 })
	c.pointIssuerAt(t, issuer, ca2)
	waitFor(t, "rotation status to see the issuer on CA2", time.Minute, func() bool {
		r := rotationStatus(t, ns, rotationGrace)
		return len(r.NewCAs) == 1 && strings.Contains(r.NewCAs[0].Name, ca2)
	})
	r := rotationStatus(t, ns, rotationGrace)
	step("status before renewal: %s; steps %s", r.Verdict, stepStates(r))
	if r.SafeToRemoveOldCA || r.Counts.OnOldCA != rotationKCerts || r.Steps[3].State != kncm.StepDone {
		t.Errorf("before renewal: want not safe, %d on the old CA, step 4 done; got %s, %+v, step 4 %s", rotationKCerts, r.Verdict, r.Counts, r.Steps[3].State)
	}

	if removeEarly {
		// The control run's mistake: CA1 goes before the certificates moved.
		c.setBundle(t, ns, ca2PEM)
		waitFor(t, "the client to trust only CA2", time.Minute, func() bool { return len(cl.pool.Current().Certificates) == 1 })
		before := cl.failed.Load()
		waitFor(t, "failed handshakes", time.Minute, func() bool { return cl.failed.Load() > before })
		step("control: CA1 removed before renewal; %d handshakes failed so far", cl.failed.Load())
	}

	out, code = runPlugin(t, "rotation", "renew", "-n", ns, "--rate", "10")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("%d triggered", rotationKCerts)) {
		t.Errorf("rotation renew: exit %d, want %d triggered:\n%s", code, rotationKCerts, out)
	}
	step("rotation renew:\n%s", out)

	// 4. rotation status reports progress, then "safe to remove".
	var progress []string
	waitFor(t, "rotation status: safe to remove the old CA", rotationTimeout, func() bool {
		r = rotationStatus(t, ns, rotationGrace)
		p := fmt.Sprintf("%d old/%d new", r.Counts.OnOldCA, r.Counts.OnNewCA)
		if len(progress) == 0 || progress[len(progress)-1] != p {
			progress = append(progress, p)
		}
		return r.SafeToRemoveOldCA
	})
	step("status progress: %s; final: %s", strings.Join(progress, " → "), r.Verdict)
	if r.Verdict != "safe to remove the old CA: yes (0 certificates still chain to it)" {
		t.Errorf("final verdict = %q", r.Verdict)
	}

	if !removeEarly {
		c.setBundle(t, ns, ca2PEM)
		waitFor(t, "the client to trust only CA2", time.Minute, func() bool { return len(cl.pool.Current().Certificates) == 1 })
		step("CA1 removed from the bundle")
	}
	// Keep the client going on the new state for a while.
	after := cl.total.Load()
	waitFor(t, "100 more handshakes", 2*time.Minute, func() bool { return cl.total.Load() >= after+100 })
	r = rotationStatus(t, ns, rotationGrace)
	if r.Steps[8].State != kncm.StepDone {
		t.Errorf("step 9 after removing CA1: %s (%s)", r.Steps[8].State, r.Steps[8].Detail)
	}
	if srv.reloader.Current().Leaf.Issuer.CommonName != ca2 {
		t.Errorf("the server serves a certificate of %s, want %s", srv.reloader.Current().Leaf.Issuer.CommonName, ca2)
	}

	cancel()
	<-cl.done
	total, failed = cl.total.Load(), cl.failed.Load()
	step("done: %d handshakes, %d failed, %d key pairs served; first errors:\n%s", total, failed, srv.reloader.Reloads(), cl.errors())
	return total, failed
}

func stepStates(r kncm.RotationReport) string {
	var s []string
	for _, st := range r.Steps {
		s = append(s, fmt.Sprintf("%d:%s", st.Number, st.State))
	}
	return strings.Join(s, " ")
}

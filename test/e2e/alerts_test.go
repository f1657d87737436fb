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
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"

	netcfg "knative.dev/networking/pkg/config"
)

// alertevalBinary evaluates the alert rules of docs/operating.md with
// Prometheus' PromQL engine (test/alertrules; Prometheus stays out of the
// controller's module).
var alertevalBinary = flag.String("alerteval-binary", "", "test/alertrules' alerteval, for the documented alert rules (hack/e2e-local.sh passes it)")

// timedScrape is a scrape of a controller's /metrics and when it was taken.
type timedScrape struct {
	at   time.Time
	text string
}

func (p *ctrlProc) timedScrape() timedScrape { return timedScrape{time.Now(), p.scrape()} }

// alertCheck evaluates the documented alert rules over live scrapes and
// remembers which of them were shown to fire.
type alertCheck struct {
	doc   string
	fired map[string]bool
}

func newAlertCheck(t *testing.T) *alertCheck {
	t.Helper()
	if *alertevalBinary == "" {
		t.Fatal("needs -alerteval-binary (hack/e2e-local.sh passes it)")
	}
	return &alertCheck{doc: filepath.Join(repoConfigDir(t), "..", "docs", "operating.md"), fired: map[string]bool{}}
}

// expect evaluates every documented alert over the scrapes at time at (the
// last scrape's when zero) and checks that exactly the alerts of want fire,
// each once per label set given, with those labels (and maybe others).
// `for:` is not waited for: the scrapes show the state it would hold in.
func (a *alertCheck) expect(t *testing.T, what string, at time.Time, want map[string][]map[string]string, scrapes ...timedScrape) {
	t.Helper()
	dir := t.TempDir()
	args := []string{"-rules", a.doc}
	if !at.IsZero() {
		args = append(args, fmt.Sprintf("-at=%d", at.Unix()))
	}
	for i, s := range scrapes {
		file := filepath.Join(dir, fmt.Sprintf("scrape-%d.txt", i))
		if err := os.WriteFile(file, []byte(s.text), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, fmt.Sprintf("%d=%s", s.at.UnixMilli(), file))
	}
	out, err := exec.Command(*alertevalBinary, args...).Output()
	if err != nil {
		t.Fatalf("%s: alerteval %v: %v", what, args, exitText(err))
	}
	var got map[string][]struct {
		Labels map[string]string `json:"labels"`
		Value  float64           `json:"value"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s: alerteval printed %q: %v", what, out, err)
	}
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("%s: alert %s is not in docs/operating.md (it has %v)", what, name, slices.Sorted(maps.Keys(got)))
		}
	}
	var summary []string
	for _, name := range slices.Sorted(maps.Keys(got)) {
		firing := got[name]
		var labels []string
		for _, f := range firing {
			labels = append(labels, fmt.Sprintf("%v=%g", f.Labels, f.Value))
		}
		if len(firing) > 0 {
			summary = append(summary, fmt.Sprintf("%s for %s", name, strings.Join(labels, " ")))
		}
		if len(firing) != len(want[name]) {
			t.Errorf("%s: %s fires for %d label sets %v, want %d %v", what, name, len(firing), labels, len(want[name]), want[name])
			continue
		}
		for _, w := range want[name] {
			found := false
			for _, f := range firing {
				found = found || hasLabels(f.Labels, w)
			}
			if !found {
				t.Errorf("%s: %s does not fire for %v; it fires for %v", what, name, w, labels)
			}
		}
		if len(firing) > 0 {
			a.fired[name] = true
		}
	}
	t.Logf("%s: of %d documented alerts, firing: %v", what, len(got), summary)
}

// showReconcileErrors makes the API server refuse the Certificate of a new
// KCert, so that its reconciles fail and are retried, and shows the
// reconcile-errors alert fire over two scrapes of p taken as errors grow.
func (a *alertCheck) showReconcileErrors(t *testing.T, c *clients, p *ctrlProc) {
	t.Helper()
	ns := c.newNamespace(t)
	c.refuseCertificates(t, ns)
	kc := c.kcert(t, ns, "refused", netcfg.CertificateExternalDomain, "refused."+ns+".example.com")
	t.Cleanup(func() {
		_ = c.net.NetworkingV1alpha1().Certificates(ns).Delete(context.Background(), kc.Name, metav1.DeleteOptions{})
	})
	errorsIn := func(s timedScrape) float64 {
		for _, smp := range samples(s.text, metricOutcomes) {
			if smp.labels["reason"] == "Error" {
				return smp.value
			}
		}
		return 0
	}
	var earlier, later timedScrape
	if err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, time.Minute, true, func(context.Context) (bool, error) {
		if s := p.timedScrape(); earlier.text == "" && errorsIn(s) > 0 {
			earlier = s
		} else if earlier.text != "" && errorsIn(s) > errorsIn(earlier) {
			later = s
			return true, nil
		}
		return false, nil
	}); err != nil {
		t.Fatalf("%s{reason=\"Error\"} never grew while Certificates were refused", metricOutcomes)
	}
	t.Logf("%s{reason=\"Error\"}: %v, then %v %v later", metricOutcomes, errorsIn(earlier), errorsIn(later), later.at.Sub(earlier.at).Round(time.Millisecond))
	a.expect(t, "Certificates refused", time.Time{}, map[string][]map[string]string{"NetCertmanagerReconcileErrors": {{}}}, earlier, later)
}

// allShown fails the test for each documented alert no situation fired.
func (a *alertCheck) allShown(t *testing.T) {
	t.Helper()
	alerts, err := os.ReadFile(a.doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(alerts), "\n") {
		if name, ok := strings.CutPrefix(strings.TrimSpace(line), "- alert: "); ok && !a.fired[name] {
			t.Errorf("documented alert %s was never shown to fire", name)
		}
	}
}

func hasLabels(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

func exitText(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return err.Error() + ": " + string(ee.Stderr)
	}
	return err.Error()
}

// refuseCertificates makes the API server refuse every cert-manager
// Certificate created in ns, so that the controller's reconciles of KCerts
// there fail and are retried: API errors, as an outage or a broken
// admission webhook causes them.
func (c *clients) refuseCertificates(t *testing.T, ns string) {
	t.Helper()
	name := "e2e-refuse-certificates-" + ns
	policy := &admissionv1.ValidatingAdmissionPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: admissionv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: ptr.To(admissionv1.Fail),
			MatchConstraints: &admissionv1.MatchResources{
				NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": ns}},
				ResourceRules: []admissionv1.NamedRuleWithOperations{{RuleWithOperations: admissionv1.RuleWithOperations{
					Operations: []admissionv1.OperationType{admissionv1.Create},
					Rule:       admissionv1.Rule{APIGroups: []string{"cert-manager.io"}, APIVersions: []string{"*"}, Resources: []string{"certificates"}},
				}}},
			},
			Validations: []admissionv1.Validation{{Expression: "false", Message: refusedMessage}},
		},
	}
	c.applyAdmissionPolicy(t, policy, func(ctx context.Context) bool {
		cert := &cmv1.Certificate{
			ObjectMeta: metav1.ObjectMeta{Name: "probe", Namespace: ns},
			Spec:       cmv1.CertificateSpec{SecretName: "probe", DNSNames: []string{"probe.example.com"}, IssuerRef: cmmeta.IssuerReference{Name: caIssuer, Kind: "ClusterIssuer"}},
		}
		_, err := c.cm.CertmanagerV1().Certificates(ns).Create(ctx, cert, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		return err != nil && strings.Contains(err.Error(), refusedMessage)
	})
}

const refusedMessage = "refused by the e2e test"

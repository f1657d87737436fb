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
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"
)

// TestWebhookBeforeCertManager installs the webhook before cert-manager:
// it serves at once (localenv is ready only once a dry-run update has
// passed through it), checks the schema, says that it cannot check issuers;
// once cert-manager is installed it checks them too, without a restart, and
// never lets an ACME issuer through for cluster-local names meanwhile.
func TestWebhookBeforeCertManager(t *testing.T) {
	if *webhookBinary == "" {
		t.Skip("needs -webhook-binary (hack/e2e-local.sh passes it)")
	}
	env := startOpsEnv(t, true, "--run-webhook", *webhookBinary)
	ctx := context.Background()
	cfg, err := clientcmd.BuildConfigFromFlags("", filepath.Join(env.dir, "kubeconfig"))
	if err != nil {
		t.Fatal(err)
	}
	kube, warnings := kubeWithWarnings(cfg)
	acmeForLocal := map[string]string{"clusterLocalIssuerRef": issuerRef("ClusterIssuer", acmeIssuer)}

	err = updateConfigWith(ctx, kube, map[string]string{"issuerRef": "name: on\n"}, nil)
	if want := denied + "invalid config-certmanager: issuerRef: name: YAML reads this value as the bool true"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("without cert-manager, a schema error: %v, want %q", err, want)
	}
	warnings.take()
	if err := updateConfigWith(ctx, kube, acmeForLocal, nil); err != nil {
		t.Fatal("without cert-manager, no issuer exists, yet the update was refused:", err)
	}
	const notChecked = "config-certmanager: issuers not checked: cert-manager's Issuer and ClusterIssuer CRDs are not installed, so no issuer exists yet"
	if got := warnings.take(); !slices.Contains(got, notChecked) {
		t.Errorf("warnings = %q, want %q", got, notChecked)
	}
	if err := updateConfigWith(ctx, kube, nil, nil); err != nil {
		t.Fatal("back to the defaults:", err)
	}

	env.signal(t, syscall.SIGUSR1)
	installed := env.waitFile(t, "cert-manager-ready", 3*time.Minute, nil)
	// From now on the ACME ClusterIssuer exists: refused, at first perhaps
	// with "try again", never admitted.
	deadline := time.Now().Add(time.Minute)
	var tryAgain int
	for {
		err := updateConfigWith(ctx, kube, acmeForLocal, nil)
		if err == nil {
			t.Fatal("an ACME ClusterIssuer for clusterLocalIssuerRef was admitted after cert-manager was installed")
		}
		if strings.Contains(err.Error(), `ClusterIssuer "`+acmeIssuer+`" is an ACME issuer`) {
			break
		}
		if !strings.Contains(err.Error(), "try again in a few seconds") {
			t.Fatalf("update error = %v, want the ACME refusal or try again", err)
		}
		tryAgain++
		if time.Now().After(deadline) {
			t.Fatalf("still %v after a minute", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("MEASURED: issuers checked %.1fs after cert-manager was ready (%d try-again answers before)",
		time.Since(installed).Seconds(), tryAgain)
	warnings.take()
	if err := updateConfigWith(ctx, kube, map[string]string{"clusterLocalIssuerRef": issuerRef("ClusterIssuer", caIssuer)}, nil); err != nil {
		t.Error("a CA ClusterIssuer refused after cert-manager was installed:", err)
	}
	if got := warnings.take(); slices.Contains(got, notChecked) {
		t.Errorf("still warned that issuers are not checked: %q", got)
	}
}

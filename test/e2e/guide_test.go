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
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	netcfg "knative.dev/networking/pkg/config"
	pkgtest "knative.dev/pkg/test"

	"knative.dev/net-certmanager/test/manifests"
)

// guideEditor is an EDITOR for `kubectl edit`: it sets the integration
// guide's three keys under data, to kind $GUIDE_KIND and the guide's issuer.
const guideEditor = `#!/bin/sh
awk -v kind="$GUIDE_KIND" '
  function keys(   n, i, k) {
    n = split("issuerRef clusterLocalIssuerRef systemInternalIssuerRef", k, " ")
    for (i = 1; i <= n; i++) printf "  %s: |\n    kind: %s\n    name: knative-selfsigned-issuer\n", k[i], kind
  }
  skip && /^    / { next }
  { skip = ($0 ~ /^  (issuerRef|clusterLocalIssuerRef|systemInternalIssuerRef):/) }
  skip { next }
  { print }
  $0 == "data:" { keys(); added = 1 }
  END { if (!added) { print "data:"; keys() } }
' "$1" > "$1.new" && mv "$1.new" "$1"
`

// kubectl runs the kubectl that hack/build-localenv-tools.sh builds next to
// kube-apiserver against the environment under test.
type kubectl struct {
	t      *testing.T
	binary string
	env    []string
}

func newKubectl(t *testing.T) *kubectl {
	t.Helper()
	if *localenvAssets == "" {
		t.Skip("-localenv-assets not set: no kubectl built for this environment")
	}
	binary := filepath.Join(*localenvAssets, "kubectl")
	if _, err := os.Stat(binary); err != nil {
		t.Fatalf("hack/build-localenv-tools.sh builds kubectl into %s: %v", *localenvAssets, err)
	}
	env := os.Environ()
	if pkgtest.Flags.Kubeconfig != "" {
		env = append(env, "KUBECONFIG="+pkgtest.Flags.Kubeconfig)
	}
	return &kubectl{t: t, binary: binary, env: env}
}

// run returns kubectl's combined output and whether it exited 0.
func (k *kubectl) run(env []string, args ...string) (string, bool) {
	k.t.Helper()
	cmd := exec.Command(k.binary, args...)
	cmd.Env = append(append([]string{}, k.env...), env...)
	out, err := cmd.CombinedOutput()
	k.t.Logf("$ kubectl %s\n%s", strings.Join(args, " "), out)
	return string(out), err == nil
}

func (k *kubectl) must(args ...string) string {
	k.t.Helper()
	out, ok := k.run(nil, args...)
	if !ok {
		k.t.Fatalf("kubectl %s failed: %s", strings.Join(args, " "), out)
	}
	return out
}

// TestGuideCommands runs the commands of Knative's cert-manager integration
// guide, as written, through a real kubectl: apply the self-signed issuers,
// check them, edit config-certmanager with `kubectl edit` (our webhook
// refuses a mistake in it), read it back; then a KCert is issued by the
// issuer the edit chose.
func TestGuideCommands(t *testing.T) {
	k := newKubectl(t)
	c := newClients(t)
	ctx := context.Background()

	// Start from a config-certmanager without the guide's keys, as Serving
	// ships it; it is restored when the test ends.
	c.setConfig(t, map[string]string{})

	dir, err := manifests.ConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	k.must("apply", "-f", filepath.Join(dir, "optional", "100-selfsigned-issuer.yaml"))
	for _, issuer := range []string{"cluster-selfsigned-issuer", caIssuer} {
		k.must("wait", "--for=condition=Ready", "--timeout=60s", "clusterissuer/"+issuer)
		if out := k.must("get", "clusterissuer", issuer, "-o", "yaml"); !strings.Contains(out, "status: \"True\"") || !strings.Contains(out, "type: Ready") {
			t.Errorf("clusterissuer %s: no Ready=True in its status", issuer)
		}
	}

	editor := filepath.Join(t.TempDir(), "editor")
	if err := os.WriteFile(editor, []byte(guideEditor), 0o700); err != nil {
		t.Fatal(err)
	}
	edit := []string{"edit", "configmap", configName, "-n", systemNamespace}

	// A typo in the kind: our webhook refuses it, and kubectl says why.
	out, ok := k.run([]string{"EDITOR=" + editor, "KUBE_EDITOR=", "GUIDE_KIND=ClusterIssuers"}, edit...)
	if ok || !strings.Contains(out, `denied the request`) || !strings.Contains(out, `kind "ClusterIssuers"`) {
		t.Errorf("kubectl edit with kind ClusterIssuers: ok=%v, want refused by the webhook naming the kind", ok)
	}
	// The guide's edit, then its check.
	if out, ok := k.run([]string{"EDITOR=" + editor, "KUBE_EDITOR=", "GUIDE_KIND=ClusterIssuer"}, edit...); !ok || strings.Contains(out, "cancelled") {
		t.Fatalf("kubectl edit with the guide's keys: ok=%v: %s", ok, out)
	}
	got := k.must("get", "configmap", configName, "-n", systemNamespace, "-o", "jsonpath={.data.issuerRef}")
	if got != issuerRef("ClusterIssuer", caIssuer) {
		t.Errorf("issuerRef after the edit = %q, want the guide's %q", got, issuerRef("ClusterIssuer", caIssuer))
	}

	ns := c.newNamespace(t)
	kc := c.kcert(t, ns, "guide", netcfg.CertificateExternalDomain, "guide."+ns+".example.com")
	k.must("wait", "--for=condition=Ready", "--timeout=60s", "-n", ns, "kcert/"+kc.Name)
	if out := k.must("get", "kcert", "-n", ns); !strings.Contains(out, kc.Name) || !strings.Contains(out, "True") {
		t.Errorf("kubectl get kcert: %s, want %s Ready", out, kc.Name)
	}
	cert, err := c.cm.CertmanagerV1().Certificates(ns).Get(ctx, kc.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cert.Spec.IssuerRef.Name != caIssuer || cert.Spec.IssuerRef.Kind != "ClusterIssuer" {
		t.Errorf("Certificate issuer = %s/%s, want ClusterIssuer/%s (the edit's)", cert.Spec.IssuerRef.Kind, cert.Spec.IssuerRef.Name, caIssuer)
	}
}

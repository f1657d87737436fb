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
	"reflect"
	"slices"
	"strings"
	"testing"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	authzv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	netcfg "knative.dev/networking/pkg/config"
)

const (
	webhookConfigName = "config.webhook.net-certmanager.knative.dev"
	// denied is how the apiserver reports the webhook's rejection.
	denied = `admission webhook "` + webhookConfigName + `" denied the request: validation failed: `
)

// updateConfigData tries to store data in config-certmanager and returns
// the apiserver's answer. The caller restores the original (restoreConfig).
func (c *clients) updateConfigData(ctx context.Context, data map[string]string, mutate func(*corev1.ConfigMap)) error {
	return updateConfigWith(ctx, c.kube, data, mutate)
}

// restoreConfig puts config-certmanager back as it is now when the test ends.
func (c *clients) restoreConfig(t *testing.T) *corev1.ConfigMap {
	t.Helper()
	ctx := context.Background()
	orig, err := c.kube.CoreV1().ConfigMaps(systemNamespace).Get(ctx, configName, metav1.GetOptions{})
	if err != nil {
		t.Fatal("get config-certmanager:", err)
	}
	t.Cleanup(func() {
		if err := c.updateConfigData(ctx, orig.Data, func(cm *corev1.ConfigMap) { cm.Labels = orig.Labels }); err != nil {
			t.Error("restore config-certmanager:", err)
		}
	})
	return orig
}

// TestWebhookConfigValidation changes config-certmanager through the real
// apiserver, which calls the webhook through its Service: every invalid
// change is rejected with its exact message and leaves the stored ConfigMap
// as it was; valid ones are stored.
func TestWebhookConfigValidation(t *testing.T) {
	c := newClients(t)
	ctx := context.Background()
	orig := c.restoreConfig(t)

	// An ACME Issuer in a namespace, for kind-less references. The check
	// looks at its spec only, so it need not be Ready.
	acmeNS := c.newNamespace(t)
	pebble, err := c.cm.CertmanagerV1().ClusterIssuers().Get(ctx, acmeIssuer, metav1.GetOptions{})
	if err != nil {
		t.Fatal("get ClusterIssuer pebble-http01:", err)
	}
	nsIssuer := &cmv1.Issuer{ObjectMeta: metav1.ObjectMeta{Name: "e2e-ns-acme", Namespace: acmeNS}, Spec: pebble.Spec}
	if _, err := c.cm.CertmanagerV1().Issuers(acmeNS).Create(ctx, nsIssuer, metav1.CreateOptions{}); err != nil {
		t.Fatal("create ACME Issuer:", err)
	}

	ca := issuerRef("ClusterIssuer", caIssuer)
	rejected := []struct {
		name   string
		data   map[string]string
		mutate func(*corev1.ConfigMap)
		want   string
	}{{
		name: "unknown key",
		data: map[string]string{"issuerref": ca},
		want: "invalid config-certmanager: issuerref: unknown key; the known keys are clusterLocalIssuerRef, issuerRef, systemInternalIssuerRef",
	}, {
		name: "typo in a reference field",
		data: map[string]string{"issuerRef": "kind: ClusterIssuer\nnmae: " + caIssuer + "\n"},
		want: `invalid config-certmanager: issuerRef: not a {name, kind, group} object: error unmarshaling JSON: while decoding JSON: json: unknown field "nmae"`,
	}, {
		name: "bad kind",
		data: map[string]string{"clusterLocalIssuerRef": issuerRef("Certificate", caIssuer)},
		want: `invalid config-certmanager: clusterLocalIssuerRef: kind "Certificate" is not an issuer kind of group cert-manager.io; use Issuer or ClusterIssuer, or set group for an external issuer`,
	}, {
		name: "empty name",
		data: map[string]string{"systemInternalIssuerRef": "kind: ClusterIssuer\nname: \"\"\n"},
		want: "invalid config-certmanager: systemInternalIssuerRef: name must not be empty",
	}, {
		name: "ACME ClusterIssuer for clusterLocalIssuerRef",
		data: map[string]string{"clusterLocalIssuerRef": issuerRef("ClusterIssuer", acmeIssuer)},
		want: `invalid config-certmanager: clusterLocalIssuerRef: ClusterIssuer "pebble-http01" is an ACME issuer; ACME cannot sign cluster-local names such as *.svc.cluster.local; use a CA or self-signed issuer`,
	}, {
		name: "ACME ClusterIssuer for systemInternalIssuerRef",
		data: map[string]string{"systemInternalIssuerRef": issuerRef("ClusterIssuer", acmeIssuer)},
		want: `invalid config-certmanager: systemInternalIssuerRef: ClusterIssuer "pebble-http01" is an ACME issuer; ACME cannot sign the system-internal SANs (kn-routing, kn-user-<namespace>, data-plane.knative.dev); use a CA or self-signed issuer`,
	}, {
		name: "a name that is not an object name, quoted within bounds",
		data: map[string]string{"issuerRef": "kind: ClusterIssuer\nname: " + strings.Repeat("a", 300) + "\n"},
		want: `invalid config-certmanager: issuerRef: name "` + strings.Repeat("a", 256) + `... (44 more bytes)" is not a valid object name: must be no more than 253 characters`,
	}, {
		name: "a field twice, in another case",
		data: map[string]string{"issuerRef": "kind: ClusterIssuer\nname: " + caIssuer + "\nKind: Issuer\n"},
		want: `invalid config-certmanager: issuerRef: field "kind" is given twice, as "kind" and as "Kind"; field names do not depend on case`,
	}, {
		name: "a value YAML reads as a bool",
		data: map[string]string{"issuerRef": "kind: ClusterIssuer\nname: on\n"},
		want: `invalid config-certmanager: issuerRef: name: YAML reads this value as the bool true, not a string; quote it if it is meant as text`,
	}, {
		// The objectSelector also matches the old object: dropping the
		// label does not slip a change past the webhook.
		name:   "removing the selected label in the same update",
		data:   map[string]string{"issuerRef": "nmae: x\n"},
		mutate: func(cm *corev1.ConfigMap) { cm.Labels = nil },
		want:   `invalid config-certmanager: issuerRef: not a {name, kind, group} object: error unmarshaling JSON: while decoding JSON: json: unknown field "nmae"`,
	}}
	for _, tc := range rejected {
		t.Run("rejects "+tc.name, func(t *testing.T) {
			err := c.updateConfigData(ctx, tc.data, tc.mutate)
			if err == nil {
				t.Fatalf("update accepted; want %q", tc.want)
			}
			if got := err.Error(); got != denied+tc.want {
				t.Fatalf("update error =\n%s\nwant\n%s", got, denied+tc.want)
			}
			t.Logf("rejected: %s", err)
			now, err := c.kube.CoreV1().ConfigMaps(systemNamespace).Get(ctx, configName, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(now.Data, orig.Data) || now.ResourceVersion != orig.ResourceVersion {
				t.Errorf("stored config-certmanager changed after a rejected update: %v", now.Data)
			}
		})
	}

	accepted := []struct {
		name string
		data map[string]string
	}{{
		name: "ACME ClusterIssuer for issuerRef",
		data: map[string]string{"issuerRef": issuerRef("ClusterIssuer", acmeIssuer), "clusterLocalIssuerRef": ca, "systemInternalIssuerRef": ca},
	}, {
		name: "references to issuers that do not exist yet",
		data: map[string]string{"clusterLocalIssuerRef": issuerRef("ClusterIssuer", "e2e-not-yet"), "systemInternalIssuerRef": "name: e2e-not-yet\n"},
	}, {
		name: "an external issuer of any kind",
		data: map[string]string{"clusterLocalIssuerRef": "kind: AWSPCAClusterIssuer\ngroup: awspca.cert-manager.io\nname: " + acmeIssuer + "\n"},
	}, {
		name: "empty: the defaults",
		data: nil,
	}, {
		name: "the original",
		data: orig.Data,
	}}
	for _, tc := range accepted {
		t.Run("accepts "+tc.name, func(t *testing.T) {
			if err := c.updateConfigData(ctx, tc.data, nil); err != nil {
				t.Fatal("valid update rejected:", err)
			}
		})
	}

	// A tenant's Issuer must not veto the operator's change: warned of,
	// naming its namespace.
	t.Run("accepts a kind-less reference to a tenant's ACME Issuer, with a warning", func(t *testing.T) {
		kube, warnings := kubeWithWarnings(c.cfg)
		if err := updateConfigWith(ctx, kube, map[string]string{"clusterLocalIssuerRef": "name: e2e-ns-acme\n"}, nil); err != nil {
			t.Fatal("update refused:", err)
		}
		want := `clusterLocalIssuerRef: Issuer "e2e-ns-acme" is an ACME issuer; ACME cannot sign cluster-local names such as *.svc.cluster.local; use a CA or self-signed issuer; the KCerts it selects in namespace ` + acmeNS + ` will fail`
		if got := warnings.take(); !slices.Contains(got, want) {
			t.Errorf("warnings = %q, want %q", got, want)
		}
	})

	// A ConfigMap of that name elsewhere is not ours to judge. The shipped
	// namespaceSelector keeps the apiserver from even asking; a second
	// webhook configuration without it makes the apiserver ask, so that the
	// webhook's own answer is what is tested.
	t.Run("ignores config-certmanager in another namespace", func(t *testing.T) {
		ns := c.newNamespace(t)
		other := &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: configName, Namespace: ns, Labels: orig.Labels},
			Data:       map[string]string{"bogus": "x"},
		}
		if _, err := c.kube.CoreV1().ConfigMaps(ns).Create(ctx, other, metav1.CreateOptions{}); err != nil {
			t.Fatal("create, not sent to the webhook:", err)
		}
		c.askWebhookIn(t, ns)
		other.Labels = map[string]string{askedLabel: ns}
		if err := c.kube.CoreV1().ConfigMaps(ns).Delete(ctx, configName, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		// failurePolicy Fail: allowed means the webhook answered, and allowed it.
		created, err := c.kube.CoreV1().ConfigMaps(ns).Create(ctx, other, metav1.CreateOptions{})
		if err != nil {
			t.Fatal("create, asked of the webhook:", err)
		}
		// The control: asked the same way, what knative's part of the webhook
		// refuses in any namespace (an edited _example) is refused.
		created.Data = map[string]string{"_example": "edited"}
		created.Annotations = map[string]string{"knative.dev/example-checksum": "0"}
		if _, err := c.kube.CoreV1().ConfigMaps(ns).Update(ctx, created, metav1.UpdateOptions{}); err == nil ||
			!strings.Contains(err.Error(), `the update modifies a key in "_example"`) {
			t.Errorf("an edited _example asked of the webhook: %v, want it refused", err)
		}
	})
}

// TestWebhookConfiguration checks the live webhook configuration after the
// webhook has reconciled it: what config/ ships is what stays.
func TestWebhookConfiguration(t *testing.T) {
	c := newClients(t)
	vwc, err := c.kube.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(context.Background(), webhookConfigName, metav1.GetOptions{})
	if err != nil {
		t.Fatal("get ValidatingWebhookConfiguration:", err)
	}
	if len(vwc.Webhooks) != 1 {
		t.Fatalf("webhooks = %d, want 1", len(vwc.Webhooks))
	}
	wh := vwc.Webhooks[0]
	if wh.FailurePolicy == nil || *wh.FailurePolicy != admissionregistrationv1.Fail {
		t.Errorf("failurePolicy = %v, want Fail", wh.FailurePolicy)
	}
	if got, want := wh.ObjectSelector, (&metav1.LabelSelector{MatchLabels: map[string]string{"networking.knative.dev/certificate-provider": "cert-manager"}}); !reflect.DeepEqual(got, want) {
		t.Errorf("objectSelector = %v, want %v", got, want)
	}
	if got, want := wh.NamespaceSelector, (&metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": systemNamespace}}); !reflect.DeepEqual(got, want) {
		t.Errorf("namespaceSelector = %v, want %v", got, want)
	}
	scope := admissionregistrationv1.NamespacedScope
	wantRules := []admissionregistrationv1.RuleWithOperations{{
		Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
		Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"configmaps/*"}, Scope: &scope},
	}}
	if !reflect.DeepEqual(wh.Rules, wantRules) {
		t.Errorf("rules = %+v, want %+v", wh.Rules, wantRules)
	}
	svc := wh.ClientConfig.Service
	if svc == nil || svc.Name != "net-certmanager-webhook" || svc.Namespace != systemNamespace || svc.Path == nil || *svc.Path != "/config-validation" {
		t.Errorf("clientConfig.service = %+v, want net-certmanager-webhook in %s, path /config-validation", svc, systemNamespace)
	}
	if len(wh.ClientConfig.CABundle) == 0 || !strings.Contains(string(wh.ClientConfig.CABundle), "BEGIN CERTIFICATE") {
		t.Errorf("caBundle not filled in: %q", wh.ClientConfig.CABundle)
	}
}

// TestWebhookControllerKeepsWorking: after the webhook has turned changes
// down, the controller still serves the stored config: a new KCert becomes
// Ready, signed by the configured CA issuer.
func TestWebhookControllerKeepsWorking(t *testing.T) {
	c := newClients(t)
	ctx := context.Background()
	c.restoreConfig(t)
	c.setConfig(t, map[string]string{"clusterLocalIssuerRef": issuerRef("ClusterIssuer", caIssuer)})
	if err := c.updateConfigData(ctx, map[string]string{"clusterLocalIssuerRef": issuerRef("ClusterIssuer", acmeIssuer)}, nil); err == nil {
		t.Fatal("ACME for clusterLocalIssuerRef was accepted")
	}
	if err := c.updateConfigData(ctx, map[string]string{"bogus": "x"}, nil); err == nil {
		t.Fatal("an unknown key was accepted")
	}
	ns := c.newNamespace(t)
	kc := c.kcert(t, ns, "after-webhook", netcfg.CertificateClusterLocalDomain, "after-webhook."+ns+".svc.cluster.local")
	kc = c.waitKCert(t, ns, kc.Name, "Ready", isReady)
	_, leaf := c.secretCert(t, kc)
	if err := verifiesAgainst(leaf, c.caCert(t, caIssuer)); err != nil {
		t.Errorf("certificate not signed by %s: %v", caIssuer, err)
	}
}

// TestWebhookRBAC asks the apiserver what the webhook's ServiceAccount may
// do: its own Secret and webhook configuration by name, nothing else.
func TestWebhookRBAC(t *testing.T) {
	c := newClients(t)
	const user = "system:serviceaccount:" + systemNamespace + ":net-certmanager-webhook"
	for _, tc := range []struct {
		attrs authzv1.ResourceAttributes
		want  bool
	}{
		{authzv1.ResourceAttributes{Verb: "update", Resource: "secrets", Namespace: systemNamespace, Name: "net-certmanager-webhook-certs"}, true},
		{authzv1.ResourceAttributes{Verb: "get", Resource: "secrets", Namespace: systemNamespace, Name: "net-certmanager-webhook-certs"}, true},
		{authzv1.ResourceAttributes{Verb: "get", Resource: "secrets", Namespace: systemNamespace, Name: "other"}, false},
		{authzv1.ResourceAttributes{Verb: "update", Resource: "secrets", Namespace: systemNamespace, Name: "other"}, false},
		{authzv1.ResourceAttributes{Verb: "list", Resource: "secrets", Namespace: "default"}, false},
		{authzv1.ResourceAttributes{Verb: "update", Group: "admissionregistration.k8s.io", Resource: "validatingwebhookconfigurations", Name: webhookConfigName}, true},
		{authzv1.ResourceAttributes{Verb: "update", Group: "admissionregistration.k8s.io", Resource: "validatingwebhookconfigurations", Name: "other"}, false},
		{authzv1.ResourceAttributes{Verb: "get", Resource: "namespaces", Name: systemNamespace}, true},
		{authzv1.ResourceAttributes{Verb: "get", Resource: "namespaces", Name: "default"}, false},
		{authzv1.ResourceAttributes{Verb: "list", Group: "cert-manager.io", Resource: "clusterissuers"}, true},
		{authzv1.ResourceAttributes{Verb: "update", Group: "cert-manager.io", Resource: "clusterissuers", Name: acmeIssuer}, false},
		{authzv1.ResourceAttributes{Verb: "update", Resource: "configmaps", Namespace: systemNamespace, Name: configName}, false},
		{authzv1.ResourceAttributes{Verb: "create", Group: "cert-manager.io", Resource: "certificates", Namespace: "default"}, false},
	} {
		a := tc.attrs
		r, err := c.kube.AuthorizationV1().SubjectAccessReviews().Create(context.Background(), &authzv1.SubjectAccessReview{
			Spec: authzv1.SubjectAccessReviewSpec{User: user, Groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + systemNamespace, "system:authenticated"}, ResourceAttributes: &a},
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status.Allowed != tc.want {
			t.Errorf("%s %s.%s %s/%s: allowed=%v, want %v", a.Verb, a.Resource, a.Group, a.Namespace, a.Name, r.Status.Allowed, tc.want)
		}
	}
}

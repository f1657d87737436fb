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

package kncm

import (
	"context"
	"fmt"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	fakekube "k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"

	netcfg "knative.dev/networking/pkg/config"

	"knative.dev/net-certmanager/pkg/certclass"
	"knative.dev/net-certmanager/pkg/issuerconfig"
	"knative.dev/net-certmanager/pkg/webhook"
)

const servingClass = netcfg.CertManagerCertificateClassName

// webhookDenies and webhookUnreachable are the apiserver's answers when our
// webhook rejects a change and when it cannot be called.
var (
	webhookDenies = apierrs.NewBadRequest(fmt.Sprintf(`admission webhook %q denied the request: validation failed: invalid config-certmanager: %s: unknown key`,
		webhook.ConfigWebhookName, probeKey))
	webhookUnreachable = apierrs.NewInternalError(fmt.Errorf(`failed calling webhook %q: failed to call webhook: Post "https://net-certmanager-webhook.knative-serving.svc:443/config-validation?timeout=10s": dial tcp 10.0.0.1:443: connect: connection refused`,
		webhook.ConfigWebhookName))
)

// servingObjects are the Serving side of a healthy handover: config-network
// on our class with external-domain-tls on, our webhook configuration and
// its Service.
func servingObjects() []runtime.Object {
	return []runtime.Object{
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "knative-serving", Name: netcfg.ConfigMapName},
			Data: map[string]string{netcfg.DefaultCertificateClassKey: certclass.Default, netcfg.ExternalDomainTLSKey: "Enabled"}},
		&admissionregistrationv1.ValidatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: webhook.ConfigWebhookName},
			Webhooks: []admissionregistrationv1.ValidatingWebhook{{Name: webhook.ConfigWebhookName,
				ClientConfig:   admissionregistrationv1.WebhookClientConfig{Service: &admissionregistrationv1.ServiceReference{Namespace: "knative-serving", Name: "net-certmanager-webhook"}},
				ObjectSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"networking.knative.dev/certificate-provider": "cert-manager"}}}}},
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "knative-serving", Name: "net-certmanager-webhook"}},
	}
}

// addWebhookReactor answers every change of a ConfigMap as the apiserver
// would with answer (nil: no webhook in the way), and refuses any change
// that is not a dry run: the doctor must not write.
func addWebhookReactor(kube *fakekube.Clientset, answer error) {
	react := func(a clienttesting.Action) (bool, runtime.Object, error) {
		var dryRun []string
		switch a := a.(type) {
		case clienttesting.PatchActionImpl:
			dryRun = a.PatchOptions.DryRun
		case clienttesting.CreateActionImpl:
			dryRun = a.CreateOptions.DryRun
		}
		if len(dryRun) != 1 || dryRun[0] != metav1.DryRunAll {
			return true, nil, apierrs.NewForbidden(schema.GroupResource{Resource: "configmaps"}, "", fmt.Errorf("the doctor wrote: %v", a))
		}
		return answer != nil, nil, answer
	}
	kube.PrependReactor("patch", "configmaps", react)
	kube.PrependReactor("create", "configmaps", react)
}

// network is config-network as Serving reads it.
func network(t *testing.T, data map[string]string) *netcfg.Config {
	t.Helper()
	n, err := netcfg.NewConfigFromMap(data)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestServingChecks(t *testing.T) {
	handover := func(t *testing.T) ServingInfo {
		return ServingInfo{
			NetworkFound: true, ClassSet: true,
			Network:         network(t, map[string]string{netcfg.DefaultCertificateClassKey: certclass.Default, netcfg.ExternalDomainTLSKey: "Enabled"}),
			ControllerClass: certclass.Default, ClassSource: "Deployment knative-serving/net-certmanager-controller, container controller, env CERTIFICATE_CLASS",
			Webhook: WebhookInfo{Registered: true, Services: []string{"knative-serving/net-certmanager-webhook"}, Probe: ProbeRejected},
		}
	}
	// control is the shipped default before the handover: both on Serving's class.
	control := func(t *testing.T, data map[string]string) ServingInfo {
		s := handover(t)
		s.Network, s.ClassSet = network(t, data), false
		s.ControllerClass = servingClass
		return s
	}
	const (
		class      = "config-network certificate-class"
		reconciler = "Serving's built-in cert-manager reconciler"
		hook       = "the validation webhook"
	)
	tests := []struct {
		name   string
		info   func(*testing.T) ServingInfo
		failed []string
		// want are substrings of the failing checks' detail and fix, or
		// of every detail when nothing fails.
		want []string
	}{{
		name: "handover: Serving on our class, TLS on, webhook answering",
		info: handover,
		want: []string{`Serving creates KCerts of class "net-certmanager.certificate.networking.knative.dev"`, "it starts (external-domain-tls in config-network)", "was rejected by it"},
	}, {
		name: "certificate-class unset: Serving's default is not ours",
		info: func(t *testing.T) ServingInfo {
			s := handover(t)
			s.Network, s.ClassSet = network(t, map[string]string{netcfg.ExternalDomainTLSKey: "Enabled"}), false
			return s
		},
		failed: []string{class},
		want: []string{`class "cert-manager.certificate.networking.knative.dev" (certificate-class not set: Serving's default)`,
			`kubectl -n knative-serving patch configmap/config-network --type merge -p '{"data":{"certificate-class":"net-certmanager.certificate.networking.knative.dev"}}'`},
	}, {
		name: "controller run with another class (a flag of this command)",
		info: func(t *testing.T) ServingInfo {
			s := handover(t)
			s.ControllerClass, s.ClassSource = "mine.certificate.networking.knative.dev", classFromFlag
			return s
		},
		failed: []string{class},
		want:   []string{`the controller serves "mine.certificate.networking.knative.dev" (--certificate-class of this command)`, `"certificate-class":"mine.certificate.networking.knative.dev"`},
	}, {
		name: "control run: both on Serving's class, external-domain-tls on",
		info: func(t *testing.T) ServingInfo {
			return control(t, map[string]string{netcfg.ExternalDomainTLSKey: "Enabled"})
		},
		failed: []string{reconciler},
		want:   []string{"both serve", "external-domain-tls", "kubectl -n knative-serving set env deployment/net-certmanager-controller CERTIFICATE_CLASS=net-certmanager.certificate.networking.knative.dev; then kubectl -n knative-serving patch configmap/config-network"},
	}, {
		name: "control run, cluster-local-domain-tls",
		info: func(t *testing.T) ServingInfo {
			return control(t, map[string]string{netcfg.ClusterLocalDomainTLSKey: "Enabled"})
		},
		failed: []string{reconciler},
		want:   []string{"it starts (cluster-local-domain-tls in config-network)"},
	}, {
		name: "control run, system-internal-tls",
		info: func(t *testing.T) ServingInfo {
			return control(t, map[string]string{netcfg.SystemInternalTLSKey: "Enabled"})
		},
		failed: []string{reconciler},
		want:   []string{"it starts (system-internal-tls in config-network)"},
	}, {
		name: "control run, legacy auto-tls and a namespace wildcard selector selecting every namespace",
		info: func(t *testing.T) ServingInfo {
			return control(t, map[string]string{netcfg.AutoTLSKey: "Enabled", netcfg.NamespaceWildcardCertSelectorKey: "{}"})
		},
		failed: []string{reconciler},
		want:   []string{"it starts (external-domain-tls, namespace-wildcard-cert-selector in config-network)"},
	}, {
		name: "both on Serving's class, but no TLS feature: Serving's reconciler does not start",
		info: func(t *testing.T) ServingInfo {
			return control(t, map[string]string{netcfg.NamespaceWildcardCertSelectorKey: "", netcfg.ClusterLocalDomainTLSKey: "Disabled"})
		},
		want: []string{"it does not start", "turning a TLS feature on starts it"},
	}, {
		name: "no config-network: no Serving here",
		info: func(t *testing.T) ServingInfo {
			s := handover(t)
			s.NetworkFound, s.Network = false, nil
			return s
		},
		want: []string{"no config-network in knative-serving: Knative Serving is not installed there", "Serving's controller is not running there"},
	}, {
		name: "config-network does not parse",
		info: func(t *testing.T) ServingInfo {
			s := handover(t)
			s.Network, s.NetworkError = nil, "httpProtocol bogus in config-network ConfigMap is not supported"
			return s
		},
		failed: []string{class},
		want:   []string{"cannot read knative-serving/config-network: httpProtocol bogus", "kubectl -n knative-serving edit configmap config-network"},
	}, {
		name: "the class comes from a reference the doctor cannot follow",
		info: func(t *testing.T) ServingInfo {
			s := handover(t)
			s.ControllerClass, s.ClassSource = "", "env CERTIFICATE_CLASS from a reference this command does not follow; pass --certificate-class"
			return s
		},
		failed: []string{class},
		want:   []string{"kn-certmanager doctor --certificate-class CLASS"},
	}, {
		name: "webhook not registered",
		info: func(t *testing.T) ServingInfo {
			s := handover(t)
			s.Webhook = WebhookInfo{}
			return s
		},
		failed: []string{hook},
		want:   []string{"not registered: no ValidatingWebhookConfiguration config.webhook.net-certmanager.knative.dev", "apply the release again"},
	}, {
		name: "webhook registered, its Service missing",
		info: func(t *testing.T) ServingInfo {
			s := handover(t)
			s.Webhook.MissingServices = []string{"knative-serving/net-certmanager-webhook (not found)"}
			return s
		},
		failed: []string{hook},
		want:   []string{"its Service is missing: knative-serving/net-certmanager-webhook (not found)", "apply the release again"},
	}, {
		name: "webhook registered, not answering",
		info: func(t *testing.T) ServingInfo {
			s := handover(t)
			s.Webhook.Probe, s.Webhook.ProbeMessage = classifyProbe(webhookUnreachable)
			return s
		},
		failed: []string{hook},
		want:   []string{"registered, but not answering", "connection refused", "kubectl -n knative-serving rollout status deployment/net-certmanager-webhook"},
	}, {
		name: "webhook registered, the change accepted: selectors miss config-certmanager",
		info: func(t *testing.T) ServingInfo {
			s := handover(t)
			s.Webhook.Probe = ProbeAccepted
			return s
		},
		failed: []string{hook},
		want:   []string{"was accepted", "kubectl -n knative-serving label configmap config-certmanager networking.knative.dev/certificate-provider=cert-manager"},
	}, {
		name: "the dry run is forbidden to the user",
		info: func(t *testing.T) ServingInfo {
			s := handover(t)
			s.Webhook.Probe, s.Webhook.ProbeMessage = classifyProbe(apierrs.NewForbidden(schema.GroupResource{Resource: "configmaps"}, "config-certmanager", fmt.Errorf("RBAC")))
			return s
		},
		failed: []string{hook},
		want:   []string{"failed otherwise", "forbidden", "may update configmaps in knative-serving"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checks := servingChecks(tc.info(t), DefaultOptions())
			if len(checks) != 3 {
				t.Fatalf("%d checks, want 3", len(checks))
			}
			var failed []string
			var text strings.Builder
			for _, c := range checks {
				text.WriteString(c.Detail + "\n")
				if !c.OK {
					failed = append(failed, c.Name)
					text.WriteString(c.Fix + "\n")
					if c.Fix == "" {
						t.Errorf("failing check %q has no fix", c.Name)
					}
				}
			}
			if len(failed) != len(tc.failed) {
				t.Fatalf("failed = %q, want %q\n%s", failed, tc.failed, text.String())
			}
			for i, want := range tc.failed {
				if !strings.HasPrefix(failed[i], want) {
					t.Errorf("failed[%d] = %q, want %q", i, failed[i], want)
				}
			}
			for _, want := range tc.want {
				if !strings.Contains(text.String(), want) {
					t.Errorf("lacks %q:\n%s", want, text.String())
				}
			}
		})
	}
}

func TestLoadServing(t *testing.T) {
	deployment := func(env []corev1.EnvVar, args ...string) *appsv1.Deployment {
		return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "knative-serving", Name: "net-certmanager-controller"},
			Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{
				{Name: "controller", Args: args, Env: env}}}}}}
	}
	classEnv := []corev1.EnvVar{{Name: certclass.Env, Value: "env.certificate.networking.knative.dev"}}
	without := func(name string) []runtime.Object {
		var out []runtime.Object
		for _, o := range servingObjects() {
			if o.(metav1.Object).GetName() != name {
				out = append(out, o)
			}
		}
		return out
	}
	tests := []struct {
		name      string
		objects   []runtime.Object
		answer    error
		o         func(*Options)
		wantClass string
		// wantSource is a substring of ClassSource.
		wantSource string
		wantProbe  ProbeOutcome
		wantSet    bool
	}{{
		name:      "no Deployment: the built-in default",
		objects:   servingObjects(),
		answer:    webhookDenies,
		wantClass: certclass.Default, wantSource: "built-in default (Deployment knative-serving/net-certmanager-controller: not found; pass --certificate-class",
		wantProbe: ProbeRejected, wantSet: true,
	}, {
		name:      "the Deployment's env",
		objects:   append(servingObjects(), deployment(classEnv)),
		answer:    webhookDenies,
		wantClass: "env.certificate.networking.knative.dev", wantSource: "container controller, env CERTIFICATE_CLASS",
		wantProbe: ProbeRejected, wantSet: true,
	}, {
		name:      "the Deployment's arg wins over its env, as in the controller",
		objects:   append(servingObjects(), deployment(classEnv, "--certificate-class=arg.certificate.networking.knative.dev")),
		answer:    webhookDenies,
		wantClass: "arg.certificate.networking.knative.dev", wantSource: "arg --certificate-class",
		wantProbe: ProbeRejected, wantSet: true,
	}, {
		name:      "an arg in two words",
		objects:   append(servingObjects(), deployment(nil, "-certificate-class", "two.certificate.networking.knative.dev")),
		answer:    webhookDenies,
		wantClass: "two.certificate.networking.knative.dev", wantSource: "arg --certificate-class",
		wantProbe: ProbeRejected, wantSet: true,
	}, {
		name:      "a Deployment that sets no class",
		objects:   append(servingObjects(), deployment(nil, "--workers=8")),
		answer:    webhookDenies,
		wantClass: certclass.Default, wantSource: "sets neither --certificate-class nor CERTIFICATE_CLASS",
		wantProbe: ProbeRejected, wantSet: true,
	}, {
		name:      "this command's flag wins over the Deployment",
		objects:   append(servingObjects(), deployment(classEnv)),
		answer:    webhookDenies,
		o:         func(o *Options) { o.CertificateClass = "flag.certificate.networking.knative.dev" },
		wantClass: "flag.certificate.networking.knative.dev", wantSource: classFromFlag,
		wantProbe: ProbeRejected, wantSet: true,
	}, {
		name:      "no config-certmanager: a dry-run create, labelled for the webhook",
		objects:   servingObjects(),
		answer:    webhookDenies,
		wantClass: certclass.Default, wantSource: "built-in default",
		wantProbe: ProbeRejected, wantSet: true,
	}, {
		name:      "webhook not answering",
		objects:   append(servingObjects(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "knative-serving", Name: issuerconfig.CertManagerConfigName}}),
		answer:    webhookUnreachable,
		wantClass: certclass.Default, wantSource: "built-in default",
		wantProbe: ProbeUnreachable, wantSet: true,
	}, {
		name:      "no webhook in the way: accepted",
		objects:   append(servingObjects(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "knative-serving", Name: issuerconfig.CertManagerConfigName}}),
		wantClass: certclass.Default, wantSource: "built-in default",
		wantProbe: ProbeAccepted, wantSet: true,
	}, {
		name:      "not registered: nothing probed",
		objects:   without(webhook.ConfigWebhookName),
		answer:    webhookDenies,
		wantClass: certclass.Default, wantSource: "built-in default",
		wantSet: true,
	}, {
		name:      "config-network without certificate-class",
		objects:   append(without(netcfg.ConfigMapName), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "knative-serving", Name: netcfg.ConfigMapName}}),
		answer:    webhookDenies,
		wantClass: certclass.Default, wantSource: "built-in default",
		wantProbe: ProbeRejected,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kube := fakekube.NewSimpleClientset(tc.objects...)
			addWebhookReactor(kube, tc.answer)
			o := DefaultOptions()
			if tc.o != nil {
				tc.o(&o)
			}
			s := loadServing(context.Background(), Clients{Kube: kube}, o)
			if s.ControllerClass != tc.wantClass || !strings.Contains(s.ClassSource, tc.wantSource) {
				t.Errorf("class = %q from %q, want %q from %q", s.ControllerClass, s.ClassSource, tc.wantClass, tc.wantSource)
			}
			if s.Webhook.Probe != tc.wantProbe {
				t.Errorf("probe = %q (%s), want %q", s.Webhook.Probe, s.Webhook.ProbeMessage, tc.wantProbe)
			}
			if s.ClassSet != tc.wantSet || !s.NetworkFound || s.Network == nil {
				t.Errorf("ClassSet = %v, NetworkFound = %v, Network = %v; want ClassSet %v and config-network read", s.ClassSet, s.NetworkFound, s.Network, tc.wantSet)
			}
			for _, a := range kube.Actions() {
				if a.GetVerb() == "create" && a.GetResource().Resource == "configmaps" {
					cm := a.(clienttesting.CreateAction).GetObject().(*corev1.ConfigMap)
					if cm.Labels["networking.knative.dev/certificate-provider"] != "cert-manager" {
						t.Errorf("the dry-run create is not labelled as the webhook selects: %v", cm.Labels)
					}
				}
			}
		})
	}
}

// TestProbeKeyIsRejectedByOurParser: the dry-run change is one our webhook
// (the controller's parser) turns down, so a rejection proves it answered.
func TestProbeKeyIsRejectedByOurParser(t *testing.T) {
	_, err := issuerconfig.NewCertManagerConfigFromConfigMap(&corev1.ConfigMap{Data: map[string]string{probeKey: "x"}})
	if err == nil || !strings.Contains(err.Error(), probeKey+": unknown key") {
		t.Errorf("parser on the probe key = %v, want an unknown key error", err)
	}
}

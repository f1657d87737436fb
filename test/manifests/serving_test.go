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

package manifests

import (
	"maps"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	netcfg "knative.dev/networking/pkg/config"

	"knative.dev/net-certmanager/pkg/certclass"
	"knative.dev/net-certmanager/pkg/issuerconfig"
	"knative.dev/net-certmanager/pkg/webhook"
)

const controllerDeployment = "net-certmanager-controller"

// find returns the object of that kind and name in files, converted to out.
func find(t *testing.T, files []File, kind, name string, out any) {
	t.Helper()
	for _, u := range All(files) {
		if u.GetKind() == kind && u.GetName() == name {
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, out); err != nil {
				t.Fatalf("%s %s: %v", kind, name, err)
			}
			return
		}
	}
	t.Fatalf("no %s %s under config/", kind, name)
}

// TestReleaseLeavesConfigCertManagerToServing: only the optional file
// declares config-certmanager, so applying (and deleting) config/ without
// optional/, which is the release, never touches Serving's.
func TestReleaseLeavesConfigCertManagerToServing(t *testing.T) {
	var declaredIn []string
	for _, f := range load(t) {
		for _, u := range f.Objects {
			if u.GetKind() == "ConfigMap" && u.GetName() == issuerconfig.CertManagerConfigName {
				declaredIn = append(declaredIn, f.Path)
			}
		}
	}
	if len(declaredIn) != 1 || declaredIn[0] != ConfigCertManagerFile {
		t.Errorf("config-certmanager is declared in %q, want only in %s", declaredIn, ConfigCertManagerFile)
	}
}

// TestWebhookSelectsServingsConfigCertManager: the apiserver sends our
// webhook a change to Serving's config-certmanager, and to our stand-in for
// it, and no ConfigMap of another namespace or without the provider label.
// (knative.dev/pkg's configmap admission controller in cmd/webhook then
// validates it by name, whatever its labels.)
func TestWebhookSelectsServingsConfigCertManager(t *testing.T) {
	files := load(t)
	var vwc admissionregistrationv1.ValidatingWebhookConfiguration
	find(t, files, "ValidatingWebhookConfiguration", webhook.ConfigWebhookName, &vwc)
	var standIn corev1.ConfigMap
	find(t, files, "ConfigMap", issuerconfig.CertManagerConfigName, &standIn)
	if !maps.Equal(standIn.Labels, ServingConfigCertManagerLabels) {
		t.Errorf("%s: labels %v, want Serving's %v", ConfigCertManagerFile, standIn.Labels, ServingConfigCertManagerLabels)
	}

	nsLabels := func(ns string) map[string]string { return map[string]string{corev1.LabelMetadataName: ns} }
	withoutProvider := maps.Clone(ServingConfigCertManagerLabels)
	delete(withoutProvider, "networking.knative.dev/certificate-provider")
	for _, tc := range []struct {
		name         string
		objectLabels map[string]string
		namespace    string
		want         bool
	}{
		{"Serving's config-certmanager", ServingConfigCertManagerLabels, standIn.Namespace, true},
		{"the same labels in another namespace", ServingConfigCertManagerLabels, "default", false},
		{"without the certificate-provider label", withoutProvider, standIn.Namespace, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if len(vwc.Webhooks) == 0 {
				t.Fatal("no webhooks")
			}
			for _, wh := range vwc.Webhooks {
				got := selects(t, wh.ObjectSelector, tc.objectLabels) && selects(t, wh.NamespaceSelector, nsLabels(tc.namespace))
				if got != tc.want {
					t.Errorf("webhook %s selects a ConfigMap labelled %v in %s: %v, want %v", wh.Name, tc.objectLabels, tc.namespace, got, tc.want)
				}
				if !coversConfigMaps(wh.Rules) {
					t.Errorf("webhook %s: rules %+v do not cover CREATE and UPDATE of configmaps", wh.Name, wh.Rules)
				}
			}
		})
	}
}

// selects is the apiserver's matching: a nil selector selects everything.
func selects(t *testing.T, sel *metav1.LabelSelector, l map[string]string) bool {
	t.Helper()
	if sel == nil {
		return true
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		t.Fatal(err)
	}
	return s.Matches(labels.Set(l))
}

func coversConfigMaps(rules []admissionregistrationv1.RuleWithOperations) bool {
	ops := map[admissionregistrationv1.OperationType]bool{}
	for _, r := range rules {
		for _, res := range r.Resources {
			if (res == "configmaps" || res == "configmaps/*") && len(r.APIGroups) == 1 && r.APIGroups[0] == "" {
				for _, op := range r.Operations {
					ops[op] = true
				}
			}
		}
	}
	return ops[admissionregistrationv1.Create] && ops[admissionregistrationv1.Update]
}

// TestControllerServesItsOwnClass: the shipped Deployment serves the
// controller's built-in default class, which is not the class Knative
// Serving's built-in cert-manager reconciler serves.
func TestControllerServesItsOwnClass(t *testing.T) {
	var d appsv1.Deployment
	find(t, load(t), "Deployment", controllerDeployment, &d)
	var classes []string
	for _, c := range d.Spec.Template.Spec.Containers {
		for _, e := range c.Env {
			if e.Name == "CERTIFICATE_CLASS" {
				classes = append(classes, e.Value)
			}
		}
	}
	if len(classes) != 1 || classes[0] != certclass.Default {
		t.Errorf("CERTIFICATE_CLASS = %q, want exactly one, the default %q", classes, certclass.Default)
	}
	if certclass.Default == netcfg.CertManagerCertificateClassName || !strings.HasSuffix(certclass.Default, ".certificate.networking.knative.dev") {
		t.Errorf("default class %q: want our own NAME.certificate.networking.knative.dev, not Serving's %q", certclass.Default, netcfg.CertManagerCertificateClassName)
	}
}

// servingConfigWebhookSelector is the objectSelector of Serving's config
// webhook (config/core/webhooks/configmap-validation.yaml in
// knative.dev/serving v0.50.0 and v0.51.0).
var servingConfigWebhookSelector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
	{Key: "app.kubernetes.io/name", Operator: metav1.LabelSelectorOpIn, Values: []string{"knative-serving"}},
	{Key: "app.kubernetes.io/component", Operator: metav1.LabelSelectorOpIn,
		Values: []string{"autoscaler", "controller", "logging", "networking", "observability", "tracing", "net-certmanager"}},
}}

// TestServingsConfigWebhookSelectsOurConfigMaps: Serving's config webhook
// sees every ConfigMap of config/ as one of Serving's (it validates the
// names it knows and admits the others), as it sees its own.
func TestServingsConfigWebhookSelectsOurConfigMaps(t *testing.T) {
	for _, u := range All(load(t)) {
		if u.GetKind() == "ConfigMap" && !selects(t, servingConfigWebhookSelector, u.GetLabels()) {
			t.Errorf("ConfigMap %s (labels %v) is not selected by Serving's config webhook", u.GetName(), u.GetLabels())
		}
	}
}

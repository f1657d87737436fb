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
	"reflect"
	"strings"
	"testing"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	fakekube "k8s.io/client-go/kubernetes/fake"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
)

// TestSelectKCerts: renew acts on the KCerts named or selected, and only
// on Certificates they control.
func TestSelectKCerts(t *testing.T) {
	w := newWorld(t)
	w.kcert(t, "a", w.ca1, false)
	w.kcert(t, "b", w.ca1, false)
	w.kcert(t, "foreign", w.ca1, false)
	w.kcert(t, "fresh", w.ca1, false)
	for _, o := range w.cm {
		if c, ok := o.(*cmv1.Certificate); ok && c.Name == "foreign" {
			c.OwnerReferences = nil
		}
	}
	w.net[len(w.net)-1].(*v1alpha1.Certificate).Labels[networking.CertificateTypeLabelKey] = "system-internal"
	for i, o := range w.cm {
		if c, ok := o.(*cmv1.Certificate); ok && c.Name == "fresh" {
			w.cm = append(w.cm[:i], w.cm[i+1:]...)
			break
		}
	}
	c, _ := w.clients()
	tests := []struct {
		name        string
		names       []string
		selector    string
		wantTargets []string
		wantSkipped string
		wantErr     string
	}{
		{name: "by name", names: []string{"b"}, wantTargets: []string{"b"}},
		{name: "all", wantTargets: []string{"a", "b"}, wantSkipped: "app/foreign: its Certificate is not controlled by the KCert; left alone"},
		{name: "by label", selector: networking.CertificateTypeLabelKey + "=system-internal", wantSkipped: "app/fresh: no Certificate yet"},
		{name: "no such KCert", names: []string{"nope"}, wantErr: `KCert app/nope: certificates.networking.internal.knative.dev "nope" not found`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			targets, skipped, err := SelectKCerts(context.Background(), c, "app", tc.names, tc.selector)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			var names []string
			for _, kc := range targets {
				if !kc.CertificateFound || string(kc.CertificateUID) != "cert-"+kc.Name {
					t.Errorf("target %s: Certificate found %v, UID %s", kc.Name, kc.CertificateFound, kc.CertificateUID)
				}
				names = append(names, kc.Name)
			}
			if !reflect.DeepEqual(names, tc.wantTargets) {
				t.Errorf("targets = %v, want %v", names, tc.wantTargets)
			}
			if got := strings.Join(skipped, "; "); !strings.Contains(got, tc.wantSkipped) || (tc.wantSkipped == "") != (got == "") {
				t.Errorf("skipped = %q, want %q", got, tc.wantSkipped)
			}
		})
	}
}

func TestLoadControllerVersion(t *testing.T) {
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "knative-serving", Name: "net-certmanager-controller", Labels: map[string]string{versionLabel: "v1.2.3"}},
		Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "controller", Image: "registry.example/controller@sha256:abc"}}}}}}
	got, err := LoadControllerVersion(context.Background(), Clients{Kube: fakekube.NewSimpleClientset(d)}, DefaultOptions())
	want := ControllerVersion{Deployment: "knative-serving/net-certmanager-controller", Version: "v1.2.3", Images: []string{"registry.example/controller@sha256:abc"}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, %v; want %+v", got, err, want)
	}
	got, err = LoadControllerVersion(context.Background(), Clients{Kube: fakekube.NewSimpleClientset()}, DefaultOptions())
	if err != nil || got.Deployment != "" {
		t.Errorf("without a Deployment: %+v, %v; want none, no error", got, err)
	}
}

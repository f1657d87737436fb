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
	"errors"
	"strings"
	"testing"

	cmfake "github.com/cert-manager/cert-manager/pkg/client/clientset/versioned/fake"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	fakekube "k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
)

// The apiserver's answers to the dry-run create of a Certificate.
var (
	certificates        = schema.GroupResource{Group: "cert-manager.io", Resource: "certificates"}
	certManagerWebhook  = apierrs.NewInternalError(errors.New(`failed calling webhook "webhook.cert-manager.io": failed to call webhook: Post "https://cert-manager-webhook.cert-manager.svc:443/validate?timeout=30s": dial tcp 10.0.0.2:443: connect: connection refused`))
	certificatesMissing = apierrs.NewNotFound(certificates, "")
)

func TestProbeCertManagerAPI(t *testing.T) {
	tests := []struct {
		name   string
		answer error
		want   APIOutcome
		fix    string
	}{
		{name: "admitted", want: APIReady},
		{name: "already exists is decided after admission", answer: apierrs.NewAlreadyExists(certificates, probeName), want: APIReady},
		{name: "webhook down", answer: certManagerWebhook, want: APIWebhookUnreachable, fix: "rollout status deployment/cert-manager-webhook"},
		{name: "CRDs missing", answer: certificatesMissing, want: APINotInstalled, fix: "install cert-manager"},
		{name: "namespace missing", answer: apierrs.NewNotFound(schema.GroupResource{Resource: "namespaces"}, "nope"), want: APIOther},
		{name: "forbidden", answer: apierrs.NewForbidden(certificates, probeName, errors.New("RBAC")), want: APIForbidden, fix: "may create certificates.cert-manager.io in app"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cm := cmfake.NewSimpleClientset()
			var dryRun []string
			cm.PrependReactor("create", "certificates", func(a clienttesting.Action) (bool, runtime.Object, error) {
				dryRun = a.(clienttesting.CreateActionImpl).CreateOptions.DryRun
				return true, nil, tc.answer
			})
			p := ProbeCertManagerAPI(context.Background(), Clients{CM: cm}, "app")
			if p.Outcome != tc.want {
				t.Errorf("outcome = %s (%s), want %s", p.Outcome, p.Message, tc.want)
			}
			if len(dryRun) != 1 || dryRun[0] != metav1.DryRunAll {
				t.Errorf("create DryRun = %v, want [All]: check must store nothing", dryRun)
			}
			c := apiCheck(p)
			if c.OK != (tc.want == APIReady) || !strings.Contains(c.Fix, tc.fix) {
				t.Errorf("check = %+v, want OK %v and a fix with %q", c, tc.want == APIReady, tc.fix)
			}
		})
	}
}

// TestCheckAPI: check passes only when cert-manager's API and our webhook
// both answer, and leaves our webhook out on request.
func TestCheckAPI(t *testing.T) {
	tests := []struct {
		name            string
		cmAnswer, ours  error
		webhook, wantOK bool
		wantChecks      int
	}{
		{name: "both answer", ours: webhookDenies, webhook: true, wantOK: true, wantChecks: 2},
		{name: "cert-manager's webhook down", cmAnswer: certManagerWebhook, ours: webhookDenies, webhook: true, wantChecks: 2},
		{name: "ours down", ours: webhookUnreachable, webhook: true, wantChecks: 2},
		{name: "ours left out", ours: webhookUnreachable, wantOK: true, wantChecks: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kube := fakekube.NewSimpleClientset(servingObjects()...)
			addWebhookReactor(kube, tc.ours)
			cm := cmfake.NewSimpleClientset()
			cm.PrependReactor("create", "certificates", func(clienttesting.Action) (bool, runtime.Object, error) {
				return tc.cmAnswer != nil, nil, tc.cmAnswer
			})
			rep := CheckAPI(context.Background(), Clients{Kube: kube, CM: cm}, DefaultOptions(), "default", tc.webhook)
			if rep.OK != tc.wantOK || len(rep.Checks) != tc.wantChecks {
				t.Errorf("report = %+v, want OK %v with %d checks", rep, tc.wantOK, tc.wantChecks)
			}
		})
	}
}

func TestDoctorProvesCertManagerAPI(t *testing.T) {
	w := newWorld(t)
	c, cm := w.clients()
	cm.PrependReactor("create", "certificates", func(clienttesting.Action) (bool, runtime.Object, error) {
		return true, nil, certManagerWebhook
	})
	inv, err := Load(context.Background(), c, DefaultOptions(), now)
	if err != nil {
		t.Fatal(err)
	}
	r := Doctor(inv, DefaultOptions(), now)
	for _, ch := range r.Checks {
		if strings.HasPrefix(ch.Name, "cert-manager's API admits a Certificate") {
			if ch.OK || r.OK {
				t.Errorf("check %+v, report OK %v: want ✗ while cert-manager's webhook is down", ch, r.OK)
			}
			return
		}
	}
	t.Errorf("doctor has no API check: %+v", r.Checks)
}

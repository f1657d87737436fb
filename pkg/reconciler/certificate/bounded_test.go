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

package certificate

import (
	"context"
	"errors"
	"strings"
	"testing"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/record"
	clocktesting "k8s.io/utils/clock/testing"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	"knative.dev/pkg/controller"

	"knative.dev/net-certmanager/pkg/bounded"
	fakecmclient "knative.dev/net-certmanager/pkg/client/certmanager/injection/client/fake"
	"knative.dev/net-certmanager/pkg/reconciler/certificate/config"
	rtesting "knative.dev/net-certmanager/pkg/reconciler/testing"
)

// A megabyte of foreign text (a config load error, an issuer name that
// was never validated, cert-manager's own message) never makes a KCert
// message or event of that size.
func TestMessagesAreBounded(t *testing.T) {
	huge := strings.Repeat("x", 1_000_000)
	hugeIssuer := cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: huge}
	withIssuer := func(ref cmmeta.IssuerReference) *config.Config {
		cfg := testConfig()
		cfg.CertManager = cfg.CertManager.DeepCopy()
		cfg.CertManager.IssuerRef = ref
		return cfg
	}
	for _, tc := range []struct {
		name string
		cfg  *config.Config
		objs []runtime.Object
	}{{
		name: "config load error",
		cfg:  &config.Config{LoadError: errors.New(huge)},
	}, {
		name: "missing issuer with an unvalidated name",
		cfg:  withIssuer(hugeIssuer),
	}, {
		name: "cert-manager's failure message",
		cfg:  testConfig(),
		objs: append(clusterIssuers(), cmCert(kcert(), externalIssuer,
			cmCondition(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "DoesNotExist", "no certificate"),
			cmCondition(cmv1.CertificateConditionIssuing, cmmeta.ConditionFalse, "Failed", huge))),
	}, {
		name: "cert-manager's renewal message",
		cfg:  testConfig(),
		objs: append(clusterIssuers(), cmCert(kcert(), externalIssuer, cmReady,
			cmCondition(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "Renewing", huge))),
	}} {
		t.Run(tc.name, func(t *testing.T) {
			ls := rtesting.NewListers(tc.objs, OwnerUIDIndexers)
			ctx, cmClient := fakecmclient.With(context.Background(), ls.GetCertManagerObjects()...)
			recorder := record.NewFakeRecorder(10)
			ctx = config.ToContext(controller.WithEventRecorder(ctx, recorder), tc.cfg)
			kc := kcert()
			_ = bareReconciler(&ls, cmClient, clocktesting.NewFakePassiveClock(now)).ReconcileKind(ctx, kc)
			const limit = bounded.MaxMessage + 64
			for _, cond := range kc.Status.Conditions {
				if len(cond.Message) > limit {
					t.Errorf("condition %s message is %d bytes, want at most %d", cond.Type, len(cond.Message), limit)
				}
			}
			if !strings.Contains(kcertMessages(kc), "more bytes") {
				t.Errorf("no message says it was cut: %.200s", kcertMessages(kc))
			}
			close(recorder.Events)
			for e := range recorder.Events {
				if len(e) > limit+64 {
					t.Errorf("event of %d bytes", len(e))
				}
			}
		})
	}
}

func kcertMessages(kc *v1alpha1.Certificate) string {
	var msgs []string
	for _, c := range kc.Status.Conditions {
		msgs = append(msgs, c.Message)
	}
	return strings.Join(msgs, "\n")
}

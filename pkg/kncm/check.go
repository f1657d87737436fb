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
	"fmt"
	"strings"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// APIOutcome is how cert-manager's API answered a dry-run create.
type APIOutcome string

const (
	// APIReady: the create passed admission, cert-manager's webhook included.
	APIReady APIOutcome = "Ready"
	// APINotInstalled: the Certificate resource is not served.
	APINotInstalled APIOutcome = "NotInstalled"
	// APIWebhookUnreachable: the apiserver could not call cert-manager's webhook.
	APIWebhookUnreachable APIOutcome = "WebhookUnreachable"
	// APIForbidden: the user may not create Certificates there.
	APIForbidden APIOutcome = "Forbidden"
	// APIOther: any other refusal, in the apiserver's words.
	APIOther APIOutcome = "Other"
)

// APIProbe is the answer to a dry-run create of a Certificate.
type APIProbe struct {
	Namespace string     `json:"namespace"`
	Outcome   APIOutcome `json:"outcome"`
	Message   string     `json:"message,omitempty"`
}

// probeName names the Certificate the dry run would create; a dry run
// stores nothing, so it never collides with a real one.
const probeName = "kn-certmanager-check"

// ProbeCertManagerAPI creates a Certificate in namespace as a server-side
// dry run, as cmctl check api does: unlike discovery, the create runs
// through admission, so it proves cert-manager's CRDs are served and its
// webhook (when registered) answers.
func ProbeCertManagerAPI(ctx context.Context, c Clients, namespace string) APIProbe {
	cert := &cmv1.Certificate{
		ObjectMeta: metav1.ObjectMeta{Name: probeName, Namespace: namespace},
		Spec: cmv1.CertificateSpec{
			DNSNames:   []string{probeName + ".invalid"},
			SecretName: probeName,
			IssuerRef:  cmmeta.IssuerReference{Name: probeName, Kind: cmv1.IssuerKind},
		},
	}
	_, err := c.CM.CertmanagerV1().Certificates(namespace).Create(ctx, cert, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	p := APIProbe{Namespace: namespace}
	p.Outcome, p.Message = classifyAPIProbe(err)
	return p
}

// classifyAPIProbe reads the apiserver's answer. AlreadyExists is decided
// after admission, so it proves as much as a success.
func classifyAPIProbe(err error) (APIOutcome, string) {
	var status apierrs.APIStatus
	switch {
	case err == nil, apierrs.IsAlreadyExists(err):
		return APIReady, ""
	case strings.Contains(err.Error(), "failed calling webhook"):
		return APIWebhookUnreachable, err.Error()
	case apierrs.IsForbidden(err):
		return APIForbidden, err.Error()
	case apierrs.IsNotFound(err) && errors.As(err, &status) && status.Status().Details != nil && status.Status().Details.Kind == "namespaces":
		// The namespace is missing, not the resource.
		return APIOther, err.Error()
	case apierrs.IsNotFound(err):
		return APINotInstalled, err.Error()
	}
	return APIOther, err.Error()
}

// apiCheck turns the probe into a line of the doctor's or check's report.
func apiCheck(p APIProbe) Check {
	c := Check{Name: "cert-manager's API admits a Certificate (dry-run create in " + p.Namespace + ")"}
	switch p.Outcome {
	case APIReady:
		c.OK = true
		c.Detail = "the dry run passed admission, cert-manager's webhook included"
	case APINotInstalled:
		c.Detail = "Certificates are not served: " + p.Message
		c.Fix = "install cert-manager ≥ 1.0, e.g. kubectl apply -f https://github.com/cert-manager/cert-manager/releases/download/v1.20.3/cert-manager.yaml"
	case APIWebhookUnreachable:
		c.Detail = "cert-manager's webhook does not answer (it may still be starting): " + p.Message
		c.Fix = "kubectl -n cert-manager rollout status deployment/cert-manager-webhook; or wait: kn certmanager check --wait 2m"
	case APIForbidden:
		c.Detail = p.Message
		c.Fix = fmt.Sprintf("run as a user who may create certificates.cert-manager.io in %s (a dry run stores nothing), or pick another namespace with -n", p.Namespace)
	default:
		c.Detail = p.Message
		c.Fix = "fix what the message says"
	}
	return c
}

// CheckAPI proves that cert-manager's API and, with webhook, our validation
// webhook answer end to end.
func CheckAPI(ctx context.Context, c Clients, o Options, namespace string, webhook bool) DoctorReport {
	checks := []Check{apiCheck(ProbeCertManagerAPI(ctx, c, namespace))}
	if webhook {
		checks = append(checks, webhookCheck(loadWebhook(ctx, c, o), o))
	}
	return report(checks)
}

// report sums up checks: OK when every one is.
func report(checks []Check) DoctorReport {
	r := DoctorReport{Checks: checks, OK: true}
	for _, c := range checks {
		r.OK = r.OK && c.OK
	}
	return r
}

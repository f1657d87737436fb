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

	apiutil "github.com/cert-manager/cert-manager/pkg/api/util"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"golang.org/x/time/rate"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
)

// ManuallyTriggered is the reason cert-manager's own cmctl renew uses for
// the Issuing condition; cert-manager then issues a new revision.
const ManuallyTriggered = "ManuallyTriggered"

// RenewOptions bound what Renew does.
type RenewOptions struct {
	// Rate is the number of certificates triggered per second (> 0).
	Rate float64
	// DryRun lists the certificates without touching them.
	DryRun bool
}

// RenewResult lists namespace/name of the certificates by outcome.
type RenewResult struct {
	Triggered      []string `json:"triggered"`
	AlreadyIssuing []string `json:"alreadyIssuing,omitempty"`
	Failed         []string `json:"failed,omitempty"`
	// Skipped are KCerts selected by name or label that control no
	// Certificate (yet), with why.
	Skipped []string `json:"skipped,omitempty"`
}

// ErrNoNewCA is returned when it is unknown which CA to renew onto.
var ErrNoNewCA = errors.New("no new CA known: the issuers are not CA issuers or their Secrets are unreadable; name it with --new-ca")

// RenewTargets are the KCerts whose current certificate does not chain to
// a new CA.
func RenewTargets(inv *Inventory, ro RotationOptions) ([]KCertInfo, error) {
	newCAs := NewCAs(inv, ro)
	if len(newCAs) == 0 {
		return nil, ErrNoNewCA
	}
	var out []KCertInfo
	for _, kc := range inv.KCerts {
		if kc.CertificateFound && caIssued(kc) && !chainsTo(kc, newCAs) {
			out = append(out, kc)
		}
	}
	return out, nil
}

// SelectKCerts reads the KCerts named in namespace, or else those matching
// selector (in every namespace with metav1.NamespaceAll), and the
// Certificate each controls. A KCert that controls none is skipped, with
// why: only a Certificate the KCert controls is ours to re-issue.
func SelectKCerts(ctx context.Context, c Clients, namespace string, names []string, selector string) (targets []KCertInfo, skipped []string, err error) {
	var kcerts []*v1alpha1.Certificate
	for _, name := range names {
		kc, err := c.Net.NetworkingV1alpha1().Certificates(namespace).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return nil, nil, fmt.Errorf("KCert %s/%s: %w", namespace, name, err)
		}
		kcerts = append(kcerts, kc)
	}
	if len(names) == 0 {
		if kcerts, err = ListKCerts(ctx, c, namespace, selector); err != nil {
			return nil, nil, err
		}
	}
	for _, kc := range kcerts {
		info := kcertInfo(kc)
		cert, found, err := controlledCertificate(ctx, c, kc)
		switch {
		case err != nil:
			return nil, nil, err
		case cert == nil:
			skipped = append(skipped, kc.Namespace+"/"+kc.Name+": no Certificate yet")
		case !found:
			skipped = append(skipped, kc.Namespace+"/"+kc.Name+": its Certificate is not controlled by the KCert; left alone")
		default:
			info.CertificateFound, info.CertificateUID = true, cert.UID
			targets = append(targets, info)
		}
	}
	return targets, skipped, nil
}

// controlledCertificate gets the Certificate of the KCert's name; controlled
// says whether the KCert controls it. A missing one is nil, no error.
func controlledCertificate(ctx context.Context, c Clients, kc *v1alpha1.Certificate) (*cmv1.Certificate, bool, error) {
	cert, err := c.CM.CertmanagerV1().Certificates(kc.Namespace).Get(ctx, kc.Name, metav1.GetOptions{})
	switch {
	case apierrs.IsNotFound(err):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("get Certificate %s/%s: %w", kc.Namespace, kc.Name, err)
	}
	return cert, controlledBy(cert, kc.UID), nil
}

// Renew triggers the re-issuance of each target the way cmctl renew does:
// the Certificate's Issuing condition is set True with reason
// ManuallyTriggered, through the status subresource. At most o.Rate
// certificates per second are triggered, so that a large cluster does not
// flood its issuer. progress is called after each certificate.
func Renew(ctx context.Context, c Clients, targets []KCertInfo, o RenewOptions, progress func(name, outcome string)) (RenewResult, error) {
	var res RenewResult
	if o.Rate <= 0 {
		return res, fmt.Errorf("--rate must be > 0, got %v", o.Rate)
	}
	lim := rate.NewLimiter(rate.Limit(o.Rate), 1)
	for _, kc := range targets {
		name := kc.Namespace + "/" + kc.Name
		if o.DryRun {
			res.Triggered = append(res.Triggered, name)
			progress(name, "would re-issue (dry run)")
			continue
		}
		if err := lim.Wait(ctx); err != nil {
			return res, err
		}
		outcome, err := trigger(ctx, c, kc)
		switch {
		case err != nil:
			res.Failed = append(res.Failed, name)
			progress(name, "failed: "+err.Error())
		case outcome == "issuing":
			res.AlreadyIssuing = append(res.AlreadyIssuing, name)
			progress(name, "already being issued")
		default:
			res.Triggered = append(res.Triggered, name)
			progress(name, "re-issuance triggered")
		}
	}
	if len(res.Failed) > 0 {
		return res, fmt.Errorf("%d certificate(s) could not be triggered", len(res.Failed))
	}
	return res, nil
}

// trigger re-reads the Certificate and triggers it only if it is still the
// one the KCert controlled when the inventory was read: a Certificate
// replaced in between, by anyone, is not ours to re-issue.
func trigger(ctx context.Context, c Clients, kc KCertInfo) (string, error) {
	outcome := "triggered"
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		cert, err := c.CM.CertmanagerV1().Certificates(kc.Namespace).Get(ctx, kc.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if cert.UID != kc.CertificateUID || !controlledBy(cert, kc.UID) {
			return fmt.Errorf("%w: Certificate %s/%s", errNotControlled, kc.Namespace, kc.Name)
		}
		if isIssuing(cert) {
			outcome = "issuing"
			return nil
		}
		setIssuing(cert)
		_, err = c.CM.CertmanagerV1().Certificates(kc.Namespace).UpdateStatus(ctx, cert, metav1.UpdateOptions{})
		return err
	})
	return outcome, err
}

// errNotControlled refuses to re-issue a Certificate the KCert does not control.
var errNotControlled = errors.New("not controlled by the KCert it was read for; left alone")

func controlledBy(obj metav1.Object, owner types.UID) bool {
	ref := metav1.GetControllerOf(obj)
	return owner != "" && ref != nil && ref.UID == owner
}

// setIssuing sets the Issuing condition True with cert-manager's own
// helper, as cmctl renew does, keeping the other conditions.
func setIssuing(cert *cmv1.Certificate) {
	apiutil.SetCertificateCondition(cert, cert.Generation, cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue,
		ManuallyTriggered, "Re-issuance triggered by kn-certmanager")
}

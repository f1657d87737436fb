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
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"

	"knative.dev/net-certmanager/pkg/issuerconfig"
	"knative.dev/net-certmanager/pkg/reconciler/certificate/resources"
)

// kcertKind is Knative's Certificate, the owner of cert-manager's.
var kcertKind = v1alpha1.SchemeGroupVersion.WithKind("Certificate").GroupKind()

// StatusReader reads the chain of KCerts. What is shared by all KCerts
// (config-certmanager, the controller's class) is read once, and the
// cert-manager objects once per namespace.
type StatusReader struct {
	c   Clients
	o   Options
	now time.Time

	config                       *issuerconfig.CertManagerConfig
	configError                  string
	controllerClass, classSource string
	owned                        map[string]*listedOwned
}

// NewStatusReader reads what every KCert's status shares.
func NewStatusReader(ctx context.Context, c Clients, o Options, now time.Time) *StatusReader {
	r := &StatusReader{c: c, o: o, now: now, owned: map[string]*listedOwned{}}
	_, r.config, r.configError = loadConfig(ctx, c, o)
	r.controllerClass, r.classSource = controllerClass(ctx, c, o)
	return r
}

// ListKCerts lists the KCerts of namespace (all with metav1.NamespaceAll)
// that match the label selector, sorted by namespace and name.
func ListKCerts(ctx context.Context, c Clients, namespace, selector string) ([]*v1alpha1.Certificate, error) {
	list, err := c.Net.NetworkingV1alpha1().Certificates(namespace).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return nil, fmt.Errorf("list Knative Certificates: %w", err)
	}
	out := make([]*v1alpha1.Certificate, 0, len(list.Items))
	for i := range list.Items {
		out = append(out, &list.Items[i])
	}
	slices.SortFunc(out, func(a, b *v1alpha1.Certificate) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	return out, nil
}

// Status walks the chain of one KCert. It fails only when the cluster
// cannot be read; a missing object is a nil part of the status.
func (r *StatusReader) Status(ctx context.Context, kc *v1alpha1.Certificate) (KCertStatus, error) {
	s := KCertStatus{
		Namespace: kc.Namespace, Name: kc.Name, Type: kc.Labels[networking.CertificateTypeLabelKey],
		Class:           kc.Annotations[networking.CertificateClassAnnotationKey],
		ControllerClass: r.controllerClass, ClassSource: r.classSource, Ready: kc.IsReady(),
	}
	for _, c := range kc.Status.Conditions {
		s.Conditions = append(s.Conditions, Condition{Type: string(c.Type), Status: string(c.Status), Reason: c.Reason, Message: c.Message})
	}
	if kc.Status.NotAfter != nil {
		s.NotAfter = &kc.Status.NotAfter.Time
	}
	for _, ch := range kc.Status.HTTP01Challenges {
		s.HTTP01Challenges = append(s.HTTP01Challenges, fmt.Sprintf("%s → Service %s/%s:%s", ch.URL, ch.ServiceNamespace, ch.ServiceName, ch.ServicePort.String()))
	}

	cert, err := r.c.CM.CertmanagerV1().Certificates(kc.Namespace).Get(ctx, kc.Name, metav1.GetOptions{})
	switch {
	case apierrs.IsNotFound(err):
		cert = nil
	case err != nil:
		return s, fmt.Errorf("get Certificate %s/%s: %w", kc.Namespace, kc.Name, err)
	}
	s.Issuer = r.issuer(ctx, kc, cert)
	if cert == nil {
		return s, nil
	}
	s.Certificate = certificateStatus(cert)
	if !resources.IsControlledBy(cert, kc, kcertKind) {
		// Someone else's Certificate: its chain is not the KCert's.
		s.Certificate.NotControlled = true
		return s, nil
	}
	owned, err := r.ownedIn(ctx, kc.Namespace)
	if err != nil {
		return s, err
	}
	r.chain(&s, cert, owned)
	if stuck, ok := resources.StuckStep(cert, owned, r.now); ok {
		s.Stuck = &StuckStatus{Reason: stuck.Reason, Message: stuck.Message}
	}
	s.Secret = r.secret(ctx, kc.Namespace, cert.Spec.SecretName)
	return s, nil
}

// issuer says which key chose the issuer and how the issuer the
// Certificate names (else the configured one) stands.
func (r *StatusReader) issuer(ctx context.Context, kc *v1alpha1.Certificate, cert *cmv1.Certificate) *IssuerStatus {
	is := &IssuerStatus{ConfigError: r.configError}
	var ref *cmmeta.IssuerReference
	if r.config != nil {
		configured, key, err := r.config.IssuerFor(kc.Labels[networking.CertificateTypeLabelKey])
		if err != nil {
			is.ConfigError = err.Error()
		} else {
			is.Key, is.Configured, ref = key, issuerconfig.String(configured), &configured
		}
	}
	if cert != nil {
		ref = &cert.Spec.IssuerRef
	}
	if ref == nil {
		return is
	}
	info := lookupIssuer(ctx, r.c, r.o, is.Key, *ref, kc.Namespace)
	is.Name, is.External, is.Found, is.Ready, is.Message = info.Describe(), info.External, info.Found, info.Ready, info.Message
	return is
}

func certificateStatus(cert *cmv1.Certificate) *CertificateStatus {
	cs := &CertificateStatus{
		Name: cert.Name, IssuerRef: issuerconfig.String(cert.Spec.IssuerRef), SecretName: cert.Spec.SecretName,
		Revision: cert.Status.Revision, NotAfter: cert.Status.NotAfter, RenewalTime: cert.Status.RenewalTime,
	}
	for _, c := range cert.Status.Conditions {
		cs.Conditions = append(cs.Conditions, Condition{Type: string(c.Type), Status: string(c.Status), Reason: c.Reason, Message: c.Message})
	}
	return cs
}

// chain fills the request of the newest revision, its Order and the
// Order's Challenges, each only if its owner controls it.
func (r *StatusReader) chain(s *KCertStatus, cert *cmv1.Certificate, owned *listedOwned) {
	var cr *cmv1.CertificateRequest
	for _, c := range owned.CertificateRequests(cert.UID) {
		if resources.IsControlledBy(c, cert, resources.CertificateKind) && (cr == nil || revisionOf(c) > revisionOf(cr)) {
			cr = c
		}
	}
	if cr == nil {
		return
	}
	s.Request = &RequestStatus{Name: cr.Name, Revision: cr.Annotations[cmv1.CertificateRequestRevisionAnnotationKey]}
	for _, c := range cr.Status.Conditions {
		s.Request.Conditions = append(s.Request.Conditions, Condition{Type: string(c.Type), Status: string(c.Status), Reason: c.Reason, Message: c.Message})
	}
	var order *acmev1.Order
	for _, o := range owned.Orders(cr.UID) {
		if resources.IsControlledBy(o, cr, resources.CertificateRequestKind) && (order == nil || o.CreationTimestamp.After(order.CreationTimestamp.Time)) {
			order = o
		}
	}
	if order == nil {
		return
	}
	s.Order = &OrderStatus{Name: order.Name, State: string(order.Status.State), Reason: order.Status.Reason}
	for _, ch := range owned.Challenges(order.UID) {
		if resources.IsControlledBy(ch, order, resources.OrderKind) {
			s.Challenges = append(s.Challenges, ChallengeStatus{Name: ch.Name, Type: string(ch.Spec.Type), DNSName: ch.Spec.DNSName,
				State: string(ch.Status.State), Presented: ch.Status.Presented, Reason: ch.Status.Reason})
		}
	}
	slices.SortFunc(s.Challenges, func(a, b ChallengeStatus) int { return cmp.Compare(a.Name, b.Name) })
}

// revisionOf is a request's revision annotation; cert-manager numbers
// each issuance, so the highest is the newest.
func revisionOf(cr *cmv1.CertificateRequest) int {
	n, err := strconv.Atoi(cr.Annotations[cmv1.CertificateRequestRevisionAnnotationKey])
	if err != nil {
		return -1
	}
	return n
}

// secret reads the certificate the Certificate's Secret holds.
func (r *StatusReader) secret(ctx context.Context, ns, name string) *SecretStatus {
	ss := &SecretStatus{Name: name}
	sec, err := r.c.Kube.CoreV1().Secrets(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		ss.Error = err.Error()
		return ss
	}
	leaf, _ := splitChain(sec.Data[corev1.TLSCertKey])
	if leaf == nil {
		ss.Error = "no certificate in " + corev1.TLSCertKey
		return ss
	}
	ss.Subject, ss.DNSNames, ss.Issuer = leaf.Subject.String(), leaf.DNSNames, leaf.Issuer.String()
	ss.NotAfter = &leaf.NotAfter
	return ss
}

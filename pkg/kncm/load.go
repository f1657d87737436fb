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
	"sort"
	"strconv"
	"strings"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"

	"knative.dev/net-certmanager/pkg/issuerconfig"
	"knative.dev/net-certmanager/pkg/trust"
)

// Load reads the inventory. It fails only when the cluster cannot be
// reached at all; everything else is recorded for the checks.
func Load(ctx context.Context, c Clients, o Options, now time.Time) (*Inventory, error) {
	inv := &Inventory{}
	if _, err := c.Kube.CoreV1().Namespaces().Get(ctx, o.SystemNamespace, metav1.GetOptions{}); err != nil && !apierrs.IsNotFound(err) {
		return nil, fmt.Errorf("cannot reach the cluster: %w", err)
	}

	// 1. cert-manager's APIs: the v1 ones exist since cert-manager 1.0.
	inv.CertManagerAPIs = loadCertManagerAPIs(c.Kube.Discovery())
	inv.CertManagerAPI = ProbeCertManagerAPI(ctx, c, o.SystemNamespace)

	// 2. config-certmanager, parsed by the controller's own parser.
	inv.ConfigFound, inv.Config, inv.ConfigError = loadConfig(ctx, c, o)

	// 3. The class handover with Serving, and our webhook. First, because
	// it says which class the controller serves.
	inv.Serving = loadServing(ctx, c, o)

	// 4. The KCerts of that class and their current chains.
	if err := loadKCerts(ctx, c, o, inv.Serving.ControllerClass, inv); err != nil {
		return nil, err
	}

	// 5. Issuers, per config key.
	if inv.Config != nil {
		loadIssuers(ctx, c, o, inv)
	}

	// 6. The controller.
	inv.Controller = loadController(ctx, c, o, now)

	// 7. Trust bundles.
	for _, ns := range bundleNamespaces(ctx, c, o, inv) {
		inv.Bundles = append(inv.Bundles, loadBundle(ctx, c, ns, now))
	}
	return inv, nil
}

// loadConfig reads config-certmanager with the controller's own parser; a
// missing one stands for the defaults.
func loadConfig(ctx context.Context, c Clients, o Options) (bool, *issuerconfig.CertManagerConfig, string) {
	cm, err := c.Kube.CoreV1().ConfigMaps(o.SystemNamespace).Get(ctx, issuerconfig.CertManagerConfigName, metav1.GetOptions{})
	switch {
	case apierrs.IsNotFound(err):
		cfg, _ := issuerconfig.NewCertManagerConfigFromConfigMap(&corev1.ConfigMap{})
		return false, cfg, ""
	case err != nil:
		return false, nil, err.Error()
	}
	cfg, err := issuerconfig.NewCertManagerConfigFromConfigMap(cm)
	if err != nil {
		return true, cfg, err.Error()
	}
	return true, cfg, ""
}

// loadKCerts reads the KCerts of class, and for each the cert-manager
// Certificate it controls: a KCert of another class is another
// controller's, and a same-named Certificate that the KCert does not
// control is someone else's; neither is ours to judge or re-issue.
func loadKCerts(ctx context.Context, c Clients, o Options, class string, inv *Inventory) error {
	namespaces := o.Namespaces
	if len(namespaces) == 0 {
		namespaces = []string{metav1.NamespaceAll}
	}
	for _, ns := range namespaces {
		kcerts, err := c.Net.NetworkingV1alpha1().Certificates(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return fmt.Errorf("list Knative Certificates: %w", err)
		}
		// CertificateRequests per namespace, read once.
		requests := map[string][]cmv1.CertificateRequest{}
		for i := range kcerts.Items {
			kc := &kcerts.Items[i]
			if kc.Annotations[networking.CertificateClassAnnotationKey] != class {
				inv.OtherClassKCerts++
				continue
			}
			info := kcertInfo(kc)
			// An unreadable Certificate counts as none, as a missing one.
			cert, controlled, _ := controlledCertificate(ctx, c, kc)
			if cert != nil && !controlled {
				info.CertificateNotControlled = true
			} else if cert != nil {
				info.CertificateFound = true
				info.CertificateUID = cert.UID
				info.Issuing = isIssuing(cert)
				if cert.Status.Revision != nil {
					crs, ok := requests[kc.Namespace]
					if !ok {
						list, err := c.CM.CertmanagerV1().CertificateRequests(kc.Namespace).List(ctx, metav1.ListOptions{})
						if err != nil {
							return fmt.Errorf("list CertificateRequests in %s: %w", kc.Namespace, err)
						}
						crs = list.Items
						requests[kc.Namespace] = crs
					}
					if cr := currentRequest(crs, cert.Name, *cert.Status.Revision); cr != nil {
						info.Request = cr.Name
						info.IssuedAt = cr.CreationTimestamp.Time
						info.Leaf, info.Intermediates = splitChain(cr.Status.Certificate)
						info.CA = ParseCertificates(cr.Status.CA)
					}
				}
			}
			inv.KCerts = append(inv.KCerts, info)
		}
	}
	sort.Slice(inv.KCerts, func(i, j int) bool {
		a, b := inv.KCerts[i], inv.KCerts[j]
		return a.Namespace+"/"+a.Name < b.Namespace+"/"+b.Name
	})
	return nil
}

func kcertInfo(kc *v1alpha1.Certificate) KCertInfo {
	info := KCertInfo{Namespace: kc.Namespace, Name: kc.Name, UID: kc.UID, Type: kc.Labels[networking.CertificateTypeLabelKey], Ready: kc.IsReady()}
	if kc.Status.NotAfter != nil {
		t := kc.Status.NotAfter.Time
		info.NotAfter = &t
	}
	return info
}

func isIssuing(cert *cmv1.Certificate) bool {
	for _, c := range cert.Status.Conditions {
		if c.Type == cmv1.CertificateConditionIssuing && c.Status == cmmeta.ConditionTrue {
			return true
		}
	}
	return false
}

// currentRequest finds the request that issued the given revision.
func currentRequest(crs []cmv1.CertificateRequest, certName string, revision int) *cmv1.CertificateRequest {
	want := strconv.Itoa(revision)
	for i := range crs {
		cr := &crs[i]
		if cr.Annotations[cmv1.CertificateNameKey] == certName && cr.Annotations[cmv1.CertificateRequestRevisionAnnotationKey] == want && len(cr.Status.Certificate) > 0 {
			return cr
		}
	}
	return nil
}

func loadIssuers(ctx context.Context, c Clients, o Options, inv *Inventory) {
	for _, kr := range inv.Config.Refs() {
		if issuerconfig.IsExternal(kr.Ref) || issuerconfig.IsClusterIssuer(kr.Ref) {
			inv.Issuers = append(inv.Issuers, lookupIssuer(ctx, c, o, kr.Key, kr.Ref, ""))
			continue
		}
		// A namespaced Issuer is looked up where KCerts of its type live.
		seen := map[string]bool{}
		for _, kc := range inv.KCerts {
			if seen[kc.Namespace] || keyForType(kc.Type) != kr.Key {
				continue
			}
			seen[kc.Namespace] = true
			inv.Issuers = append(inv.Issuers, lookupIssuer(ctx, c, o, kr.Key, kr.Ref, kc.Namespace))
		}
	}
}

// lookupIssuer reads the issuer ref names; a namespaced Issuer is read in
// namespace. An external issuer's own resource is not read.
func lookupIssuer(ctx context.Context, c Clients, o Options, key string, ref cmmeta.IssuerReference, namespace string) IssuerInfo {
	info := IssuerInfo{Key: key, Ref: ref}
	switch {
	case issuerconfig.IsExternal(ref):
		info.External = true
	case issuerconfig.IsClusterIssuer(ref):
		ci, err := c.CM.CertmanagerV1().ClusterIssuers().Get(ctx, ref.Name, metav1.GetOptions{})
		fillIssuer(ctx, c, &info, ci, err, o.ClusterResourceNamespace)
	default:
		info.Namespace = namespace
		is, err := c.CM.CertmanagerV1().Issuers(namespace).Get(ctx, ref.Name, metav1.GetOptions{})
		fillIssuer(ctx, c, &info, is, err, namespace)
	}
	return info
}

// keyForType is the config key that selects the issuer of a certificate type.
func keyForType(t string) string {
	cfg := issuerconfig.CertManagerConfig{}
	_, key, err := cfg.IssuerFor(t)
	if err != nil {
		return ""
	}
	return key
}

func fillIssuer(ctx context.Context, c Clients, info *IssuerInfo, issuer cmv1.GenericIssuer, err error, secretNamespace string) {
	if err != nil {
		info.Message = err.Error()
		return
	}
	info.Found = true
	info.Spec = issuer.GetSpec()
	info.Message = "no Ready condition yet"
	for _, cond := range issuer.GetStatus().Conditions {
		if cond.Type == cmv1.IssuerConditionReady {
			info.Ready = cond.Status == cmmeta.ConditionTrue
			info.Message = strings.TrimSpace(cond.Reason + ": " + cond.Message)
		}
	}
	if info.Spec.CA == nil {
		return
	}
	s, err := c.Kube.CoreV1().Secrets(secretNamespace).Get(ctx, info.Spec.CA.SecretName, metav1.GetOptions{})
	if err != nil {
		info.CAError = err.Error()
		return
	}
	if certs := ParseCertificates(s.Data[corev1.TLSCertKey]); len(certs) > 0 {
		info.CA = certs[0]
	} else {
		info.CAError = fmt.Sprintf("Secret %s/%s has no certificate in %s", secretNamespace, s.Name, corev1.TLSCertKey)
	}
}

func loadController(ctx context.Context, c Clients, o Options, now time.Time) ControllerInfo {
	var info ControllerInfo
	d, err := c.Kube.AppsV1().Deployments(o.SystemNamespace).Get(ctx, o.ControllerName, metav1.GetOptions{})
	if err == nil {
		info.Deployment = "unavailable"
		for _, cond := range d.Status.Conditions {
			if cond.Type == appsv1.DeploymentAvailable && cond.Status == corev1.ConditionTrue {
				info.Deployment = "available"
			}
		}
	}
	leases, err := c.Kube.CoordinationV1().Leases(o.SystemNamespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return info
	}
	for _, l := range leases.Items {
		if !strings.HasPrefix(l.Name, o.ControllerName+".") {
			continue
		}
		info.Leases++
		if l.Spec.HolderIdentity == nil || *l.Spec.HolderIdentity == "" || l.Spec.RenewTime == nil {
			continue
		}
		dur := 15 * time.Second
		if l.Spec.LeaseDurationSeconds != nil {
			dur = time.Duration(*l.Spec.LeaseDurationSeconds) * time.Second
		}
		renew := l.Spec.RenewTime.Time
		if renew.After(info.LastRenew) {
			info.LastRenew = renew
		}
		// Held: renewed within its duration (plus slack for clock skew).
		if now.Sub(renew) <= dur+5*time.Second {
			info.LeasesHeld++
		}
	}
	return info
}

func bundleNamespaces(ctx context.Context, c Clients, o Options, inv *Inventory) []string {
	if len(o.Namespaces) > 0 {
		return o.Namespaces
	}
	set := map[string]bool{o.SystemNamespace: true}
	for _, ns := range o.IngressNamespaces {
		if _, err := c.Kube.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); err == nil {
			set[ns] = true
		}
	}
	for _, kc := range inv.KCerts {
		set[kc.Namespace] = true
	}
	out := make([]string, 0, len(set))
	for ns := range set {
		out = append(out, ns)
	}
	sort.Strings(out)
	return out
}

func loadBundle(ctx context.Context, c Clients, ns string, now time.Time) BundleInfo {
	info := BundleInfo{Namespace: ns}
	list, err := c.Kube.CoreV1().ConfigMaps(ns).List(ctx, metav1.ListOptions{LabelSelector: trust.TrustBundleLabel + "=true"})
	if err != nil {
		return info
	}
	seen := map[string]bool{}
	for i := range list.Items {
		cm := &list.Items[i]
		info.ConfigMaps = append(info.ConfigMaps, cm.Name)
		entries := trust.ConfigMapEntries([]*corev1.ConfigMap{cm})
		keys := make([]string, 0, len(entries))
		for k := range entries {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			certs, skipped := trust.ParseBundle(entries[k], now)
			info.Skipped += len(skipped)
			for _, c := range certs {
				if fp := Fingerprint(c); !seen[fp] {
					seen[fp] = true
					info.Certificates = append(info.Certificates, c)
				}
			}
		}
	}
	sort.Strings(info.ConfigMaps)
	return info
}

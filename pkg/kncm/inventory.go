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
	"crypto/x509"
	"fmt"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	cmclientset "github.com/cert-manager/cert-manager/pkg/client/clientset/versioned"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	netclientset "knative.dev/networking/pkg/client/clientset/versioned"

	"knative.dev/net-certmanager/pkg/issuerconfig"
)

// Clients are the user's clients; the plugin acts with the user's rights.
type Clients struct {
	Kube kubernetes.Interface
	CM   cmclientset.Interface
	Net  netclientset.Interface
}

// Options say where to look.
type Options struct {
	// SystemNamespace holds config-certmanager and the controller.
	SystemNamespace string
	// ClusterResourceNamespace holds the Secrets of CA ClusterIssuers.
	ClusterResourceNamespace string
	// IngressNamespaces are checked for a trust bundle when they exist.
	IngressNamespaces []string
	// Namespaces, if set, limits the KCerts and the trust bundles looked at
	// to these namespaces. Otherwise: all KCerts, and the bundles of the
	// system namespace, the existing ingress namespaces and every namespace
	// with KCerts.
	Namespaces []string
	// ControllerName is the controller's Deployment and lease prefix.
	ControllerName string
	// CertificateClass, if set, is the class the controller serves, instead
	// of what its Deployment says (for a controller run without one).
	CertificateClass string
}

// DefaultOptions are those of a standard installation.
func DefaultOptions() Options {
	return Options{
		SystemNamespace:          "knative-serving",
		ClusterResourceNamespace: "cert-manager",
		IngressNamespaces:        []string{"kourier-system", "istio-system"},
		ControllerName:           "net-certmanager-controller",
	}
}

// Inventory is what Load found. Errors are kept as text so that the checks
// can report them.
type Inventory struct {
	// CertManagerAPIs are the group versions of the resources the
	// controller watches, as discovery served them.
	CertManagerAPIs []ServedAPI
	// CertManagerAPI is how a dry-run create of a Certificate went.
	CertManagerAPI APIProbe

	ConfigFound bool
	Config      *issuerconfig.CertManagerConfig
	ConfigError string

	Issuers    []IssuerInfo
	Controller ControllerInfo
	// KCerts are those of the controller's class; OtherClassKCerts counts
	// the rest, which another controller serves.
	KCerts           []KCertInfo
	OtherClassKCerts int
	Bundles          []BundleInfo
	Serving          ServingInfo
}

// IssuerInfo is one issuer a config key refers to, as seen from one
// namespace for a namespaced Issuer.
type IssuerInfo struct {
	Key string
	Ref cmmeta.IssuerReference
	// Namespace is set for a namespaced Issuer.
	Namespace string
	External  bool
	Found     bool
	Ready     bool
	Message   string
	Spec      *cmv1.IssuerSpec
	// CA is the certificate a CA issuer signs with, from its Secret.
	CA      *x509.Certificate
	CAError string
}

// Describe names the issuer as kubectl would.
func (i IssuerInfo) Describe() string {
	kind := issuerconfig.Kind(i.Ref)
	if i.Namespace != "" {
		return fmt.Sprintf("%s %s/%s", kind, i.Namespace, i.Ref.Name)
	}
	return fmt.Sprintf("%s %s", kind, i.Ref.Name)
}

// ControllerInfo says how the controller was found.
type ControllerInfo struct {
	// Deployment is "available", "unavailable" or "" (none).
	Deployment string
	// Leases held and renewed within their duration, out of those found.
	LeasesHeld, Leases int
	// LastRenew is the latest renewal of any of its leases.
	LastRenew time.Time
}

// KCertInfo is one Knative Certificate and the chain it was last issued.
type KCertInfo struct {
	Namespace, Name string
	UID             types.UID
	Type            string
	Ready           bool
	NotAfter        *time.Time
	// CertificateFound says whether the cert-manager Certificate that the
	// KCert controls exists; CertificateUID is its UID.
	CertificateFound bool
	CertificateUID   types.UID
	// CertificateNotControlled says that a Certificate of the KCert's name
	// exists but the KCert does not control it: it is left alone.
	CertificateNotControlled bool
	// Issuing is true while cert-manager re-issues it.
	Issuing bool
	// Request is the CertificateRequest of the current revision.
	Request string
	// Leaf and Intermediates are from the request's status.certificate, CA
	// from its status.ca. Leaf is nil until a certificate was issued.
	Leaf          *x509.Certificate
	Intermediates []*x509.Certificate
	CA            []*x509.Certificate
	IssuedAt      time.Time
}

// BundleInfo is the trust bundles of one namespace.
type BundleInfo struct {
	Namespace    string
	ConfigMaps   []string
	Certificates []*x509.Certificate
	// Skipped counts invalid or expired blocks.
	Skipped int
}

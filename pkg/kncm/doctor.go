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
	"strings"
	"time"

	"knative.dev/net-certmanager/pkg/issuerconfig"
	"knative.dev/net-certmanager/pkg/trust"
)

// Check is one line of a report.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
	// Fix says what to do when the check fails.
	Fix string `json:"fix,omitempty"`
}

// DoctorReport is the outcome of Doctor.
type DoctorReport struct {
	Checks []Check `json:"checks"`
	OK     bool    `json:"ok"`
}

// Doctor checks the prerequisites of Knative's cert-manager integration.
func Doctor(inv *Inventory, o Options, now time.Time) DoctorReport {
	var r DoctorReport
	add := func(c Check) { r.Checks = append(r.Checks, c) }

	add(crdCheck(inv))
	add(apiCheck(inv.CertManagerAPI))
	add(configCheck(inv, o))
	for _, c := range issuerChecks(inv) {
		add(c)
	}
	add(controllerCheck(inv, o))
	for _, c := range servingChecks(inv.Serving, o) {
		add(c)
	}
	for _, c := range bundleChecks(inv) {
		add(c)
	}
	return report(r.Checks)
}

func configCheck(inv *Inventory, o Options) Check {
	c := Check{Name: "config-certmanager parses"}
	switch {
	case inv.ConfigError != "":
		c.Detail = inv.ConfigError
		c.Fix = fmt.Sprintf("kubectl -n %s edit configmap %s (see docs/configuration.md)", o.SystemNamespace, issuerconfig.CertManagerConfigName)
	case !inv.ConfigFound:
		c.OK = true
		c.Detail = fmt.Sprintf("not found in %s: every key defaults to ClusterIssuer %s", o.SystemNamespace, issuerconfig.DefaultIssuerName)
	default:
		c.OK = true
		var parts []string
		for _, kr := range inv.Config.Refs() {
			parts = append(parts, fmt.Sprintf("%s=%s", kr.Key, issuerconfig.String(kr.Ref)))
		}
		c.Detail = strings.Join(parts, ", ")
	}
	return c
}

func issuerChecks(inv *Inventory) []Check {
	var out []Check
	for _, is := range inv.Issuers {
		ready := Check{Name: fmt.Sprintf("%s: %s exists and is Ready", is.Key, is.Describe())}
		switch {
		case is.External:
			ready.OK = true
			ready.Detail = "external issuer (group " + is.Ref.Group + "): not checked"
		case !is.Found:
			ready.Detail = is.Message
			ready.Fix = "create the issuer (see docs/configuration.md) or point " + is.Key + " at an existing one"
		case !is.Ready:
			ready.Detail = "not Ready: " + is.Message
			ready.Fix = "kubectl describe the issuer and fix what its Ready condition says"
		default:
			ready.OK = true
			ready.Detail = is.Message
		}
		out = append(out, ready)
		if is.External || !is.Found {
			continue
		}
		suits := Check{Name: fmt.Sprintf("%s: %s suits its feature", is.Key, is.Describe()), OK: true}
		if err := issuerconfig.CheckIssuerSuits(is.Key, is.Ref, is.Spec); err != nil {
			suits.OK = false
			suits.Detail = err.Error()
			suits.Fix = "point " + is.Key + " at a CA issuer"
		} else {
			suits.Detail = issuerType(is)
		}
		out = append(out, suits)
	}
	return out
}

func issuerType(is IssuerInfo) string {
	s := is.Spec
	switch {
	case s == nil:
		return ""
	case s.CA != nil:
		if is.CA != nil {
			return "CA issuer signing with " + CertDisplayName(is.CA)
		}
		return "CA issuer (CA certificate unreadable: " + is.CAError + ")"
	case s.ACME != nil:
		return "ACME issuer"
	case s.SelfSigned != nil:
		return "self-signed issuer"
	case s.Vault != nil:
		return "Vault issuer"
	case s.Venafi != nil:
		return "Venafi issuer"
	}
	return "issuer"
}

// controllerCheck accepts an available Deployment or, for a controller
// that runs elsewhere (e.g. a local process), a held and fresh leader
// election lease: only a live, elected controller renews its lease.
func controllerCheck(inv *Inventory, o Options) Check {
	c := Check{Name: "the controller is ready"}
	ci := inv.Controller
	switch {
	case ci.Deployment == "available":
		c.OK = true
		c.Detail = fmt.Sprintf("Deployment %s/%s is Available", o.SystemNamespace, o.ControllerName)
	case ci.LeasesHeld > 0:
		c.OK = true
		c.Detail = fmt.Sprintf("%d/%d leader-election leases %s.* held and renewed (no Deployment %s)", ci.LeasesHeld, ci.Leases, o.ControllerName, deploymentNote(ci))
	case ci.Deployment == "unavailable":
		c.Detail = fmt.Sprintf("Deployment %s/%s is not Available", o.SystemNamespace, o.ControllerName)
		c.Fix = fmt.Sprintf("kubectl -n %s describe deployment %s; kubectl -n %s logs deployment/%s", o.SystemNamespace, o.ControllerName, o.SystemNamespace, o.ControllerName)
	default:
		c.Detail = fmt.Sprintf("no Deployment %s/%s and no held lease %s.*", o.SystemNamespace, o.ControllerName, o.ControllerName)
		if ci.Leases > 0 {
			c.Detail = fmt.Sprintf("no Deployment, and its %d leases were last renewed %s", ci.Leases, ci.LastRenew.UTC().Format(time.RFC3339))
		}
		c.Fix = "install the controller: ko apply -f config/"
	}
	return c
}

func deploymentNote(ci ControllerInfo) string {
	if ci.Deployment == "" {
		return "found"
	}
	return ci.Deployment
}

// currentCAs are the CAs that signed the KCerts' current certificates: the
// top of each chain built from the request's certificate and CA.
func currentCAs(inv *Inventory) []*x509.Certificate {
	var out []*x509.Certificate
	seen := map[string]bool{}
	for _, kc := range inv.KCerts {
		if a := anchor(kc); a != nil && !seen[Fingerprint(a)] {
			seen[Fingerprint(a)] = true
			out = append(out, a)
		}
	}
	return out
}

func bundleChecks(inv *Inventory) []Check {
	var out []Check
	cas := currentCAs(inv)
	for _, b := range inv.Bundles {
		exists := Check{Name: "trust bundle in " + b.Namespace}
		if len(b.Certificates) == 0 {
			exists.Detail = fmt.Sprintf("no ConfigMap labelled %s=true with a valid certificate", trust.TrustBundleLabel)
			if len(b.ConfigMaps) > 0 {
				exists.Detail = fmt.Sprintf("ConfigMaps %s hold no valid certificate (%d blocks skipped)", strings.Join(b.ConfigMaps, ", "), b.Skipped)
			}
			exists.Fix = fmt.Sprintf("kubectl -n %s create configmap knative-bundle --from-file=cacerts.pem=CA.pem && kubectl -n %s label configmap knative-bundle %s=true",
				b.Namespace, b.Namespace, trust.TrustBundleLabel)
			out = append(out, exists)
			continue
		}
		exists.OK = true
		exists.Detail = fmt.Sprintf("%s: %d CA(s)", strings.Join(b.ConfigMaps, ", "), len(b.Certificates))
		if b.Skipped > 0 {
			exists.Detail += fmt.Sprintf(", %d invalid or expired block(s) skipped", b.Skipped)
		}
		out = append(out, exists)

		holds := Check{Name: "trust bundle in " + b.Namespace + " holds the CA of the current certificates"}
		var missing []string
		for _, ca := range cas {
			if !trustedBy(ca, b.Certificates) {
				missing = append(missing, CertDisplayName(ca))
			}
		}
		if len(missing) > 0 {
			holds.Detail = "missing " + strings.Join(missing, ", ")
			holds.Fix = fmt.Sprintf("add the CA certificate(s) to a trust-bundle ConfigMap in %s (keep the CAs already there)", b.Namespace)
		} else {
			holds.OK = true
			holds.Detail = fmt.Sprintf("%d CA(s) sign the current certificates; all in the bundle", len(cas))
		}
		out = append(out, holds)
	}
	return out
}

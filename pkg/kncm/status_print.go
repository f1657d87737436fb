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
	"fmt"
	"io"
	"strings"
	"time"
)

// PrintStatus writes the chain top down, as cmctl status certificate does,
// and ends with the step the issuance waits at.
func PrintStatus(w io.Writer, s KCertStatus) {
	p := func(indent int, format string, args ...any) {
		fmt.Fprintf(w, "%s%s\n", strings.Repeat("  ", indent), fmt.Sprintf(format, args...))
	}
	p(0, "KCert %s/%s", s.Namespace, s.Name)
	class := s.Class
	if s.Class != s.ControllerClass {
		class += fmt.Sprintf(" (not ours: the controller serves %s, from the %s)", s.ControllerClass, s.ClassSource)
	}
	p(1, "Class: %s", class)
	p(1, "Type: %s", cmp.Or(s.Type, "(unset: external-domain)"))
	printConditions(p, s.Conditions)
	if s.NotAfter != nil {
		p(1, "Not after: %s", s.NotAfter.UTC().Format(time.RFC3339))
	}
	for _, ch := range s.HTTP01Challenges {
		p(1, "Published HTTP-01 challenge: %s", ch)
	}

	if is := s.Issuer; is != nil {
		switch {
		case is.Key != "":
			p(0, "Issuer (config-certmanager %s: %s): %s", is.Key, is.Configured, cmp.Or(is.Name, "(none)"))
		default:
			p(0, "Issuer: %s", cmp.Or(is.Name, "(none)"))
		}
		if is.ConfigError != "" {
			p(1, "config-certmanager: %s", is.ConfigError)
		}
		switch {
		case is.External:
			p(1, "external issuer: its own controller says whether it is Ready")
		case is.Name != "":
			p(1, "Found: %v, Ready: %v: %s", is.Found, is.Ready, is.Message)
		}
	}

	c := s.Certificate
	if c == nil {
		p(0, "Certificate: none yet (the controller creates it)")
		return
	}
	p(0, "Certificate %s", c.Name)
	if c.NotControlled {
		p(1, "not controlled by this KCert: someone else's, left alone")
		return
	}
	p(1, "Issuer: %s, Secret: %s", c.IssuerRef, c.SecretName)
	printConditions(p, c.Conditions)
	if c.Revision != nil {
		p(1, "Revision: %d", *c.Revision)
	}
	if c.NotAfter != nil {
		p(1, "Not after: %s", c.NotAfter.UTC().Format(time.RFC3339))
	}
	if c.RenewalTime != nil {
		p(1, "Renewal time: %s", c.RenewalTime.UTC().Format(time.RFC3339))
	}
	if r := s.Request; r != nil {
		p(0, "CertificateRequest %s (revision %s)", r.Name, cmp.Or(r.Revision, "?"))
		printConditions(p, r.Conditions)
	}
	if o := s.Order; o != nil {
		p(0, "Order %s: %s %s", o.Name, cmp.Or(o.State, "pending"), o.Reason)
	}
	for _, ch := range s.Challenges {
		p(0, "Challenge %s (%s for %s): %s, presented: %v %s", ch.Name, ch.Type, ch.DNSName, cmp.Or(ch.State, "pending"), ch.Presented, ch.Reason)
	}
	if sec := s.Secret; sec != nil {
		p(0, "Secret %s", sec.Name)
		if sec.Error != "" {
			p(1, "%s", sec.Error)
		} else {
			p(1, "Subject: %s; DNS names: %s", sec.Subject, strings.Join(sec.DNSNames, ", "))
			p(1, "Issuer: %s; not after: %s", sec.Issuer, sec.NotAfter.UTC().Format(time.RFC3339))
		}
	}
	if s.Stuck != nil {
		p(0, "Waiting at %s: %s", s.Stuck.Reason, s.Stuck.Message)
	}
}

func printConditions(p func(int, string, ...any), conds []Condition) {
	for _, c := range conds {
		line := fmt.Sprintf("%s=%s", c.Type, c.Status)
		if c.Reason != "" {
			line += " " + c.Reason
		}
		if c.Message != "" {
			line += ": " + c.Message
		}
		p(1, "%s", line)
	}
}

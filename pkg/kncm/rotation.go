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
)

// StepState is the state of one step of the rotation checklist.
type StepState string

const (
	// StepDone means the step's condition holds.
	StepDone StepState = "done"
	// StepTodo means the step is still to be done (or waited for).
	StepTodo StepState = "todo"
	// StepFailed means something is wrong that blocks the rotation.
	StepFailed StepState = "failed"
)

// Step is one of the seed's nine rotation steps, checked live.
type Step struct {
	Number int       `json:"number"`
	Title  string    `json:"title"`
	State  StepState `json:"state"`
	Detail string    `json:"detail,omitempty"`
	// Do is the command or action that completes the step.
	Do string `json:"do,omitempty"`
}

// RotationOptions choose the CAs and the grace period.
type RotationOptions struct {
	// NewCAs override the CAs the issuers sign with (read from the CA
	// issuers' Secrets otherwise).
	NewCAs []*x509.Certificate
	// OldCAs override the CAs being retired. Otherwise every CA that a
	// current certificate chains to, or that a bundle holds, and that is
	// not a new CA, is old.
	OldCAs []*x509.Certificate
	// Grace is how long after the last certificate moved to the new CA the
	// old CA must stay trusted (seed step 8), so that every component has
	// reloaded its certificate.
	Grace time.Duration
}

// RotationCounts are the figures of the checklist.
type RotationCounts struct {
	KCerts         int `json:"kcerts"`
	ReadyUnexpired int `json:"readyUnexpired"`
	OnNewCA        int `json:"onNewCA"`
	OnOldCA        int `json:"onOldCA"`
	NotIssued      int `json:"notIssued"`
	// PublicCA counts certificates whose issuer names no CA (ACME).
	PublicCA          int `json:"publicCA"`
	BundlesWithBoth   int `json:"bundlesWithBoth"`
	Bundles           int `json:"bundles"`
	BundlesWithOldCA  int `json:"bundlesWithOldCA"`
	BundlesWithoutNew int `json:"bundlesWithoutNewCA"`
}

// CAInfo describes one CA of the rotation.
type CAInfo struct {
	Name     string    `json:"name"`
	NotAfter time.Time `json:"notAfter"`
	Expired  bool      `json:"expired"`
}

// RotationReport is the checklist and its verdict.
type RotationReport struct {
	NewCAs []CAInfo       `json:"newCAs"`
	OldCAs []CAInfo       `json:"oldCAs"`
	Steps  []Step         `json:"steps"`
	Counts RotationCounts `json:"counts"`
	// SafeToRemoveOldCA is the verdict; Verdict says it in words.
	SafeToRemoveOldCA bool   `json:"safeToRemoveOldCA"`
	Verdict           string `json:"verdict"`
	// StillOnOldCA lists namespace/name of the KCerts that still chain to an
	// old CA: what rotation renew re-issues.
	StillOnOldCA []string `json:"stillOnOldCA,omitempty"`
}

// NewCAs returns the CAs the configured issuers sign with, unless o names
// them.
func NewCAs(inv *Inventory, o RotationOptions) []*x509.Certificate {
	if len(o.NewCAs) > 0 {
		return o.NewCAs
	}
	var out []*x509.Certificate
	for _, is := range inv.Issuers {
		if is.CA != nil && !containsCert(out, is.CA) {
			out = append(out, is.CA)
		}
	}
	return out
}

// OldCAs returns the CAs being retired, unless o names them: the CAs that
// current certificates chain to and those in bundles, minus the new ones.
func OldCAs(inv *Inventory, o RotationOptions, newCAs []*x509.Certificate) []*x509.Certificate {
	if len(o.OldCAs) > 0 {
		return o.OldCAs
	}
	var out []*x509.Certificate
	add := func(c *x509.Certificate) {
		if c == nil || containsCert(out, c) || trustedBy(c, newCAs) {
			return
		}
		out = append(out, c)
	}
	for _, kc := range inv.KCerts {
		if !chainsTo(kc, newCAs) {
			add(anchor(kc))
		}
	}
	for _, b := range inv.Bundles {
		for _, c := range b.Certificates {
			add(c)
		}
	}
	return out
}

// Rotation walks the seed's nine steps of "Trust during rotation".
func Rotation(inv *Inventory, o Options, ro RotationOptions, now time.Time) RotationReport {
	var r RotationReport
	newCAs := NewCAs(inv, ro)
	oldCAs := OldCAs(inv, ro, newCAs)
	for _, c := range newCAs {
		r.NewCAs = append(r.NewCAs, CAInfo{Name: CertDisplayName(c), NotAfter: c.NotAfter, Expired: now.After(c.NotAfter)})
	}
	for _, c := range oldCAs {
		r.OldCAs = append(r.OldCAs, CAInfo{Name: CertDisplayName(c), NotAfter: c.NotAfter, Expired: now.After(c.NotAfter)})
	}

	// Counts.
	n := &r.Counts
	n.KCerts = len(inv.KCerts)
	var lastMove time.Time
	for _, kc := range inv.KCerts {
		if kc.Ready && kc.NotAfter != nil && now.Before(*kc.NotAfter) {
			n.ReadyUnexpired++
		}
		switch {
		case kc.Leaf == nil:
			n.NotIssued++
		case !caIssued(kc):
			n.PublicCA++
		case chainsTo(kc, newCAs):
			n.OnNewCA++
			if kc.Leaf.NotBefore.After(lastMove) {
				lastMove = kc.Leaf.NotBefore
			}
			if kc.IssuedAt.After(lastMove) {
				lastMove = kc.IssuedAt
			}
		default:
			n.OnOldCA++
			r.StillOnOldCA = append(r.StillOnOldCA, kc.Namespace+"/"+kc.Name)
		}
	}
	n.Bundles = len(inv.Bundles)
	var bundlesMissing, bundlesHoldingOld []string
	for _, b := range inv.Bundles {
		hasNew := len(newCAs) > 0
		for _, c := range newCAs {
			hasNew = hasNew && trustedBy(c, b.Certificates)
		}
		hasOld := true
		oldHere := false
		for _, c := range oldCAs {
			held := containsCert(b.Certificates, c)
			hasOld = hasOld && trustedBy(c, b.Certificates)
			oldHere = oldHere || held
		}
		if !hasNew {
			n.BundlesWithoutNew++
		}
		if hasNew && hasOld {
			n.BundlesWithBoth++
		}
		if !hasNew || !hasOld {
			bundlesMissing = append(bundlesMissing, b.Namespace)
		}
		if oldHere {
			n.BundlesWithOldCA++
			bundlesHoldingOld = append(bundlesHoldingOld, b.Namespace)
		}
	}

	step := func(num int, title string, state StepState, detail, do string) {
		r.Steps = append(r.Steps, Step{Number: num, Title: title, State: state, Detail: detail, Do: do})
	}
	doneIf := func(ok bool, otherwise StepState) StepState {
		if ok {
			return StepDone
		}
		return otherwise
	}

	// 1. The existing setup is up and running: the doctor's prerequisites
	// (without the bundle checks, which steps 4 and 9 cover).
	d := Doctor(inv, o, now)
	var failed []string
	prereq := 0
	for _, c := range d.Checks {
		if strings.HasPrefix(c.Name, "trust bundle") {
			continue
		}
		prereq++
		if !c.OK {
			failed = append(failed, c.Name)
		}
	}
	detail := fmt.Sprintf("%d/%d prerequisites pass", prereq-len(failed), prereq)
	if len(failed) > 0 {
		detail += "; failing: " + strings.Join(failed, "; ")
	}
	step(1, "The existing setup is up and running", doneIf(len(failed) == 0, StepFailed), detail, "kn certmanager doctor")

	// 2. Every KCert has a certificate, Ready and unexpired.
	step(2, "All KCerts are Ready and not expired", doneIf(n.ReadyUnexpired == n.KCerts, StepFailed),
		fmt.Sprintf("%d/%d KCerts Ready and unexpired", n.ReadyUnexpired, n.KCerts), "fix the KCerts that are not Ready (kubectl get kcert -A)")

	// 3. The CAs (old and new) are not expired.
	var cas []string
	expired := false
	for _, c := range append(append([]CAInfo{}, r.OldCAs...), r.NewCAs...) {
		cas = append(cas, fmt.Sprintf("%s expires %s (in %s)", c.Name, c.NotAfter.UTC().Format(time.RFC3339), roundDur(c.NotAfter.Sub(now))))
		expired = expired || c.Expired
	}
	if len(cas) == 0 {
		cas = []string{"no CA found: the issuers are not CA issuers, or their Secrets are unreadable (use --new-ca)"}
	}
	step(3, "The CAs are not expired", doneIf(!expired && len(newCAs) > 0, StepFailed), strings.Join(cas, "; "), "renew the expired CA first")

	// 4. The bundles hold the old and the new CA.
	step(4, "The trust bundles hold the old and the new CA", doneIf(len(bundlesMissing) == 0 && n.Bundles > 0, StepTodo),
		fmt.Sprintf("%d/%d bundles hold both%s", n.BundlesWithBoth, n.Bundles, listIf(" (missing in: ", bundlesMissing, ")")),
		"add the new CA to every trust-bundle ConfigMap, keeping the old one")

	// 5. The issuers point to the new CA.
	var points []string
	allNew := len(newCAs) > 0
	for _, is := range inv.Issuers {
		switch {
		case is.CA != nil:
			points = append(points, fmt.Sprintf("%s → %s", is.Describe(), CertDisplayName(is.CA)))
			allNew = allNew && trustedBy(is.CA, newCAs)
		case is.CAError != "":
			points = append(points, fmt.Sprintf("%s → unknown (%s)", is.Describe(), is.CAError))
		default:
			points = append(points, fmt.Sprintf("%s → not a CA issuer", is.Describe()))
		}
	}
	step(5, "The issuers sign with the new CA", doneIf(allNew, StepTodo), strings.Join(uniq(points), "; "),
		"point the CA issuers at the new CA's Secret (spec.ca.secretName)")

	// 6. Certificates renewed (instead of waiting for them to expire).
	step(6, "Certificates on the old CA are re-issued", doneIf(n.OnOldCA == 0 && n.NotIssued == 0, StepTodo),
		fmt.Sprintf("%d certificate(s) still chain to the old CA, %d not issued", n.OnOldCA, n.NotIssued), "kn certmanager rotation renew")

	// 7. All certificates are signed by the new CA.
	publicNote := ""
	if n.PublicCA > 0 {
		publicNote = fmt.Sprintf(" (%d from ACME issuers, trusted through public roots, left out)", n.PublicCA)
	}
	caCerts := n.KCerts - n.PublicCA
	step(7, "All certificates are signed by the new CA", doneIf(n.OnNewCA == caCerts && caCerts > 0, StepTodo),
		fmt.Sprintf("%d/%d certificates chain to the new CA, %d to the old%s", n.OnNewCA, caCerts, n.OnOldCA, publicNote), "wait for the renewals (Issuing condition)")

	// 8. A grace period for components to pick up the new certificates.
	// Without an old CA there is nothing to wait for.
	graceLeft := time.Duration(0)
	if !lastMove.IsZero() && len(oldCAs) > 0 {
		graceLeft = ro.Grace - now.Sub(lastMove)
	}
	graceDetail := fmt.Sprintf("grace period %s", ro.Grace)
	if !lastMove.IsZero() {
		graceDetail += fmt.Sprintf(", last certificate moved to the new CA at %s", lastMove.UTC().Format(time.RFC3339))
	}
	if graceLeft > 0 {
		graceDetail += fmt.Sprintf(", %s left", roundDur(graceLeft))
	}
	step(8, "Grace period for all components to pick up the changes", doneIf(graceLeft <= 0 && n.OnOldCA == 0 && n.NotIssued == 0, StepTodo), graceDetail, "wait")

	safe := n.OnOldCA == 0 && n.NotIssued == 0 && n.BundlesWithoutNew == 0 && len(newCAs) > 0 && graceLeft <= 0

	// 9. Remove the old CA from the bundles.
	step(9, "Remove the old CA from the trust bundles", doneIf(n.BundlesWithOldCA == 0, StepTodo),
		fmt.Sprintf("%d bundle(s) still hold an old CA%s", n.BundlesWithOldCA, listIf(" (", bundlesHoldingOld, ")")),
		"once safe: remove the old CA from every trust-bundle ConfigMap")

	r.SafeToRemoveOldCA = safe
	yes := "no"
	if safe {
		yes = "yes"
	}
	r.Verdict = fmt.Sprintf("safe to remove the old CA: %s (%d certificates still chain to it)", yes, n.OnOldCA)
	var why []string
	if n.NotIssued > 0 {
		why = append(why, fmt.Sprintf("%d KCerts not issued yet", n.NotIssued))
	}
	if n.BundlesWithoutNew > 0 {
		why = append(why, fmt.Sprintf("the new CA is missing from %d bundle(s)", n.BundlesWithoutNew))
	}
	if len(newCAs) == 0 {
		why = append(why, "no new CA known")
	}
	if graceLeft > 0 && n.OnOldCA == 0 {
		why = append(why, fmt.Sprintf("grace period: %s left", roundDur(graceLeft)))
	}
	if !safe && len(why) > 0 {
		r.Verdict += "; " + strings.Join(why, "; ")
	}
	return r
}

func listIf(prefix string, items []string, suffix string) string {
	if len(items) == 0 {
		return ""
	}
	return prefix + strings.Join(items, ", ") + suffix
}

func uniq(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func roundDur(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	default:
		return d.Round(time.Second).String()
	}
}

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
	"fmt"
	"slices"
	"strings"
	"time"
)

// A rotationStep judges one step of the checklist from the gathered input;
// Rotation numbers it by its place in rotationSteps.
type rotationStep func(rotationInput) Step

// rotationSteps are the seed's nine steps of "Trust during rotation", in
// their order.
var rotationSteps = []rotationStep{
	setupIsRunning,
	kcertsAreReady,
	casAreUnexpired,
	bundlesTrustBothCAs,
	issuersSignWithNewCA,
	oldCertificatesReissued,
	allCertificatesOnNewCA,
	gracePeriodIsOver,
	oldCAIsRemoved,
}

// setupIsRunning (1): the doctor's prerequisites pass. Its bundle checks
// are left to steps 4 and 9.
func setupIsRunning(in rotationInput) Step {
	var failed []string
	prereq := 0
	for _, c := range Doctor(in.inv, in.opts, in.now).Checks {
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
	return Step{Title: "The existing setup is up and running", State: doneIf(len(failed) == 0, StepFailed),
		Detail: detail, Do: "kn certmanager doctor"}
}

// kcertsAreReady (2): every KCert has a certificate, Ready and unexpired.
func kcertsAreReady(in rotationInput) Step {
	n := in.counts
	return Step{Title: "All KCerts are Ready and not expired", State: doneIf(n.ReadyUnexpired == n.KCerts, StepFailed),
		Detail: fmt.Sprintf("%d/%d KCerts Ready and unexpired", n.ReadyUnexpired, n.KCerts),
		Do:     "fix the KCerts that are not Ready (kubectl get kcert -A)"}
}

// casAreUnexpired (3): the old and the new CAs are not expired, and a new
// CA is known.
func casAreUnexpired(in rotationInput) Step {
	var cas []string
	expired := false
	for _, c := range slices.Concat(in.oldCAs, in.newCAs) {
		cas = append(cas, fmt.Sprintf("%s expires %s (in %s)", CertDisplayName(c), c.NotAfter.UTC().Format(time.RFC3339), roundDur(c.NotAfter.Sub(in.now))))
		expired = expired || in.now.After(c.NotAfter)
	}
	if len(cas) == 0 {
		cas = []string{"no CA found: the issuers are not CA issuers, or their Secrets are unreadable (use --new-ca)"}
	}
	return Step{Title: "The CAs are not expired", State: doneIf(!expired && len(in.newCAs) > 0, StepFailed),
		Detail: strings.Join(cas, "; "), Do: "renew the expired CA first"}
}

// bundlesTrustBothCAs (4): every trust bundle holds the old and the new CA.
func bundlesTrustBothCAs(in rotationInput) Step {
	n := in.counts
	return Step{Title: "The trust bundles hold the old and the new CA", State: doneIf(len(in.bundlesLackingCA) == 0 && n.Bundles > 0, StepTodo),
		Detail: fmt.Sprintf("%d/%d bundles hold both%s", n.BundlesWithBoth, n.Bundles, listIf(" (missing in: ", in.bundlesLackingCA, ")")),
		Do:     "add the new CA to every trust-bundle ConfigMap, keeping the old one"}
}

// issuersSignWithNewCA (5): every issuer signs with a new CA.
func issuersSignWithNewCA(in rotationInput) Step {
	var points []string
	allNew := len(in.newCAs) > 0
	for _, is := range in.inv.Issuers {
		switch {
		case is.CA != nil:
			points = append(points, fmt.Sprintf("%s → %s", is.Describe(), CertDisplayName(is.CA)))
			allNew = allNew && trustedBy(is.CA, in.newCAs)
		case is.CAError != "":
			points = append(points, fmt.Sprintf("%s → unknown (%s)", is.Describe(), is.CAError))
		default:
			points = append(points, fmt.Sprintf("%s → not a CA issuer", is.Describe()))
		}
	}
	return Step{Title: "The issuers sign with the new CA", State: doneIf(allNew, StepTodo),
		Detail: strings.Join(uniq(points), "; "), Do: "point the CA issuers at the new CA's Secret (spec.ca.secretName)"}
}

// oldCertificatesReissued (6): the certificates on the old CA are renewed
// now, instead of waiting for them to expire.
func oldCertificatesReissued(in rotationInput) Step {
	n := in.counts
	return Step{Title: "Certificates on the old CA are re-issued", State: doneIf(n.OnOldCA == 0 && n.NotIssued == 0, StepTodo),
		Detail: fmt.Sprintf("%d certificate(s) still chain to the old CA, %d not issued", n.OnOldCA, n.NotIssued),
		Do:     "kn certmanager rotation renew"}
}

// allCertificatesOnNewCA (7): every CA-issued certificate chains to the new
// CA. ACME certificates are trusted through public roots and left out.
func allCertificatesOnNewCA(in rotationInput) Step {
	n := in.counts
	publicNote := ""
	if n.PublicCA > 0 {
		publicNote = fmt.Sprintf(" (%d from ACME issuers, trusted through public roots, left out)", n.PublicCA)
	}
	caCerts := n.KCerts - n.PublicCA
	return Step{Title: "All certificates are signed by the new CA", State: doneIf(n.OnNewCA == caCerts && caCerts > 0, StepTodo),
		Detail: fmt.Sprintf("%d/%d certificates chain to the new CA, %d to the old%s", n.OnNewCA, caCerts, n.OnOldCA, publicNote),
		Do:     "wait for the renewals (Issuing condition)"}
}

// gracePeriodIsOver (8): every component had the grace period to pick up
// its new certificate. Without an old CA there is nothing to wait for.
func gracePeriodIsOver(in rotationInput) Step {
	n := in.counts
	detail := fmt.Sprintf("grace period %s", in.grace)
	if !in.lastMove.IsZero() {
		detail += fmt.Sprintf(", last certificate moved to the new CA at %s", in.lastMove.UTC().Format(time.RFC3339))
	}
	if in.graceLeft > 0 {
		detail += fmt.Sprintf(", %s left", roundDur(in.graceLeft))
	}
	return Step{Title: "Grace period for all components to pick up the changes",
		State: doneIf(in.graceLeft <= 0 && n.OnOldCA == 0 && n.NotIssued == 0, StepTodo), Detail: detail, Do: "wait"}
}

// oldCAIsRemoved (9): no trust bundle holds an old CA any more.
func oldCAIsRemoved(in rotationInput) Step {
	n := in.counts
	return Step{Title: "Remove the old CA from the trust bundles", State: doneIf(n.BundlesWithOldCA == 0, StepTodo),
		Detail: fmt.Sprintf("%d bundle(s) still hold an old CA%s", n.BundlesWithOldCA, listIf(" (", in.bundlesHoldingOldCA, ")")),
		Do:     "once safe: remove the old CA from every trust-bundle ConfigMap"}
}

// A removalBlocker says whether the old CA must stay trusted and, unless
// the verdict's headline already says it, why.
type removalBlocker func(rotationInput) (blocks bool, why string)

// removalBlockers keep the old CA; it is safe to remove when none blocks.
var removalBlockers = []removalBlocker{
	certificatesOnOldCA,
	kcertsNotIssued,
	newCAMissingFromBundles,
	noNewCAKnown,
	gracePeriodRunning,
}

// certificatesOnOldCA: a certificate still chains to the old CA. The
// headline counts them.
func certificatesOnOldCA(in rotationInput) (bool, string) {
	return in.counts.OnOldCA > 0, ""
}

// kcertsNotIssued: a KCert has no certificate yet, so none on the new CA.
func kcertsNotIssued(in rotationInput) (bool, string) {
	return in.counts.NotIssued > 0, fmt.Sprintf("%d KCerts not issued yet", in.counts.NotIssued)
}

// newCAMissingFromBundles: a bundle does not trust the new CA yet.
func newCAMissingFromBundles(in rotationInput) (bool, string) {
	return in.counts.BundlesWithoutNew > 0, fmt.Sprintf("the new CA is missing from %d bundle(s)", in.counts.BundlesWithoutNew)
}

// noNewCAKnown: without a new CA nothing can be on it.
func noNewCAKnown(in rotationInput) (bool, string) {
	return len(in.newCAs) == 0, "no new CA known"
}

// gracePeriodRunning: components may still use a certificate of the old
// CA. Said only once no certificate is on the old CA: until then, those
// certificates are the reason.
func gracePeriodRunning(in rotationInput) (bool, string) {
	if in.counts.OnOldCA > 0 {
		return in.graceLeft > 0, ""
	}
	return in.graceLeft > 0, fmt.Sprintf("grace period: %s left", roundDur(in.graceLeft))
}

// verdict runs removalBlockers: safe when none blocks, and why not.
func verdict(in rotationInput) (safe bool, text string) {
	var why []string
	safe = true
	for _, blocker := range removalBlockers {
		blocks, reason := blocker(in)
		if !blocks {
			continue
		}
		safe = false
		if reason != "" {
			why = append(why, reason)
		}
	}
	answer := "no"
	if safe {
		answer = "yes"
	}
	text = fmt.Sprintf("safe to remove the old CA: %s (%d certificates still chain to it)", answer, in.counts.OnOldCA)
	if len(why) > 0 {
		text += "; " + strings.Join(why, "; ")
	}
	return safe, text
}

func doneIf(ok bool, otherwise StepState) StepState {
	if ok {
		return StepDone
	}
	return otherwise
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

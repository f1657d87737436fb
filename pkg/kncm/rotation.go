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
	"slices"
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

// Rotation walks the seed's nine steps of "Trust during rotation": it
// gathers where every certificate and bundle stands once, then judges each
// step (rotationSteps) and the verdict (removalBlockers) from that alone.
func Rotation(inv *Inventory, o Options, ro RotationOptions, now time.Time) RotationReport {
	in := gatherRotation(inv, o, ro, now)
	r := RotationReport{
		NewCAs:       caInfos(in.newCAs, now),
		OldCAs:       caInfos(in.oldCAs, now),
		Counts:       in.counts,
		StillOnOldCA: in.stillOnOldCA,
	}
	for i, judge := range rotationSteps {
		s := judge(in)
		s.Number = i + 1
		r.Steps = append(r.Steps, s)
	}
	r.SafeToRemoveOldCA, r.Verdict = verdict(in)
	return r
}

func caInfos(cas []*x509.Certificate, now time.Time) []CAInfo {
	var out []CAInfo
	for _, c := range cas {
		out = append(out, CAInfo{Name: CertDisplayName(c), NotAfter: c.NotAfter, Expired: now.After(c.NotAfter)})
	}
	return out
}

// rotationInput is what the steps and the verdict judge, gathered once.
type rotationInput struct {
	inv   *Inventory
	opts  Options
	now   time.Time
	grace time.Duration

	newCAs, oldCAs []*x509.Certificate
	counts         RotationCounts
	// stillOnOldCA are namespace/name of the KCerts on an old CA.
	stillOnOldCA []string
	// bundlesLackingCA are the namespaces whose bundles do not trust the new
	// CA or an old one; bundlesHoldingOldCA those that hold an old CA.
	bundlesLackingCA, bundlesHoldingOldCA []string
	// lastMove is when the last certificate moved to the new CA.
	lastMove time.Time
	// graceLeft is how long the old CA must still stay trusted; ≤ 0 once
	// the grace period is over, or when there is no old CA to keep.
	graceLeft time.Duration
}

// gatherRotation places every KCert and trust bundle with respect to the
// new and the old CAs. It judges nothing: the steps and the verdict do.
func gatherRotation(inv *Inventory, o Options, ro RotationOptions, now time.Time) rotationInput {
	in := rotationInput{inv: inv, opts: o, now: now, grace: ro.Grace}
	in.newCAs = NewCAs(inv, ro)
	in.oldCAs = OldCAs(inv, ro, in.newCAs)
	in.placeKCerts()
	in.placeBundles()
	if !in.lastMove.IsZero() && len(in.oldCAs) > 0 {
		in.graceLeft = ro.Grace - now.Sub(in.lastMove)
	}
	return in
}

// placeKCerts counts the KCerts by the CA their current certificate chains
// to, and finds when the last one moved to the new CA.
func (in *rotationInput) placeKCerts() {
	n := &in.counts
	n.KCerts = len(in.inv.KCerts)
	for _, kc := range in.inv.KCerts {
		if kc.Ready && kc.NotAfter != nil && in.now.Before(*kc.NotAfter) {
			n.ReadyUnexpired++
		}
		switch {
		case kc.Leaf == nil:
			n.NotIssued++
		case !caIssued(kc):
			n.PublicCA++
		case chainsTo(kc, in.newCAs):
			n.OnNewCA++
			in.lastMove = latest(in.lastMove, kc.Leaf.NotBefore, kc.IssuedAt)
		default:
			n.OnOldCA++
			in.stillOnOldCA = append(in.stillOnOldCA, kc.Namespace+"/"+kc.Name)
		}
	}
}

// placeBundles counts the trust bundles by the CAs they trust and hold.
func (in *rotationInput) placeBundles() {
	n := &in.counts
	n.Bundles = len(in.inv.Bundles)
	for _, b := range in.inv.Bundles {
		trustsNew := len(in.newCAs) > 0 && trustsAll(b.Certificates, in.newCAs)
		if !trustsNew {
			n.BundlesWithoutNew++
		}
		if trustsNew && trustsAll(b.Certificates, in.oldCAs) {
			n.BundlesWithBoth++
		} else {
			in.bundlesLackingCA = append(in.bundlesLackingCA, b.Namespace)
		}
		if slices.ContainsFunc(in.oldCAs, func(c *x509.Certificate) bool { return containsCert(b.Certificates, c) }) {
			n.BundlesWithOldCA++
			in.bundlesHoldingOldCA = append(in.bundlesHoldingOldCA, b.Namespace)
		}
	}
}

func latest(t time.Time, others ...time.Time) time.Time {
	for _, o := range others {
		if o.After(t) {
			t = o
		}
	}
	return t
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

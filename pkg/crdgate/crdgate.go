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

// Package crdgate holds the controller back until the cert-manager APIs it
// needs are served: starting informers for resources that do not exist
// would hang their cache sync, and exiting would take the whole process
// into a crash loop for what is an installation step still to come.
package crdgate

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/clock"

	"knative.dev/net-certmanager/pkg/certmanagerapi"
)

// Required are the cert-manager resources the controller watches.
var Required = certmanagerapi.Watched

// ServedLister returns the resource names served for a group version, and
// a NotFound error when the group version is not served at all.
type ServedLister func(groupVersion string) ([]string, error)

// GroupVersionDiscoverer is the part of a discovery client Gate needs.
type GroupVersionDiscoverer interface {
	ServerResourcesForGroupVersion(groupVersion string) (*metav1.APIResourceList, error)
}

// FromDiscovery lists served resources with a discovery client.
func FromDiscovery(d GroupVersionDiscoverer) ServedLister {
	return func(gv string) ([]string, error) {
		list, err := d.ServerResourcesForGroupVersion(gv)
		if err != nil {
			return nil, err
		}
		names := make([]string, 0, len(list.APIResources))
		for _, r := range list.APIResources {
			names = append(names, r.Name)
		}
		return names, nil
	}
}

// Missing returns the required resources that are not served, as
// "resource.group/version", in the order of required. A NotFound from
// served means the whole group version is missing; any other error is
// returned, since then nothing is known.
func Missing(required []schema.GroupVersionResource, served ServedLister) ([]string, error) {
	byGV := map[string]map[string]bool{}
	var missing []string
	for _, gvr := range required {
		gv := gvr.GroupVersion().String()
		names, ok := byGV[gv]
		if !ok {
			list, err := served(gv)
			if err != nil && !apierrs.IsNotFound(err) {
				return nil, fmt.Errorf("discovering %s: %w", gv, err)
			}
			names = make(map[string]bool, len(list))
			for _, n := range list {
				names[n] = true
			}
			byGV[gv] = names
		}
		if !names[gvr.Resource] {
			missing = append(missing, gvr.Resource+"."+gvr.Group+"/"+gvr.Version)
		}
	}
	return missing, nil
}

// Message is the one line logged while resources are missing.
func Message(missing []string) string {
	names := make([]string, 0, len(missing))
	seen := map[string]bool{}
	for _, m := range missing {
		// The CRD name leaves out the version.
		name, _, _ := strings.Cut(m, "/")
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return fmt.Sprintf("cert-manager CRDs %s not found; install cert-manager >= 1.0 (see docs/operating.md); "+
		"waiting, not ready, and reconciling nothing until they appear", strings.Join(names, ", "))
}

// Gate polls for the required resources.
type Gate struct {
	// Served lists served resources (discovery).
	Served ServedLister
	// Required defaults to Required.
	Required []schema.GroupVersionResource
	// Clock defaults to the real clock.
	Clock clock.WithTicker
	// PollInterval is how often discovery is asked; it bounds how long
	// reconciling starts after the CRDs appear. Default 2s.
	PollInterval time.Duration
	// LogInterval is how often the state is logged while it lasts.
	// Default 30s.
	LogInterval time.Duration
	// Log receives the Message (or a discovery error) at most once per
	// LogInterval, and once when the resources are found.
	Log func(msg string)
	// Found receives the state after each poll (for a metric).
	Found func(bool)
}

// Wait returns nil once every required resource is served, or ctx's
// error when ctx is done first.
func (g *Gate) Wait(ctx context.Context) error {
	clk := g.Clock
	if clk == nil {
		clk = clock.RealClock{}
	}
	required := g.Required
	if required == nil {
		required = Required
	}
	poll, logEvery := g.PollInterval, g.LogInterval
	if poll <= 0 {
		poll = 2 * time.Second
	}
	if logEvery <= 0 {
		logEvery = 30 * time.Second
	}
	logf := g.Log
	if logf == nil {
		logf = func(string) {}
	}
	found := g.Found
	if found == nil {
		found = func(bool) {}
	}

	var lastLog time.Time
	waited := false
	for {
		missing, err := Missing(required, g.Served)
		if err == nil && len(missing) == 0 {
			found(true)
			if waited {
				logf("cert-manager CRDs found; starting")
			}
			return nil
		}
		found(false)
		waited = true
		if now := clk.Now(); lastLog.IsZero() || now.Sub(lastLog) >= logEvery {
			lastLog = now
			if err != nil {
				logf("cannot tell whether the cert-manager CRDs are installed, retrying: " + err.Error())
			} else {
				logf(Message(missing))
			}
		}
		t := clk.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C():
		}
	}
}

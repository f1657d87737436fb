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

package localenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	netcfg "knative.dev/networking/pkg/config"

	"knative.dev/net-certmanager/test/manifests"
)

// What of Serving's release localenv installs, as a user applying
// serving-crds.yaml and serving-core.yaml would, minus what cannot run here.

const (
	servingModule = "knative.dev/serving"
	cachingModule = "knative.dev/caching"

	// ConfigNetwork and ConfigDomain are Serving's ConfigMaps that localenv
	// sets up for TLS on external domains.
	ConfigNetwork = "config-network"
	ConfigDomain  = "config-domain"
)

// Serving's release includes these CRDs from its dependencies (symbolic
// links in Serving's repository, which module zips leave out).
var (
	servingNetworkingCRDs = []string{"ingress.yaml", "serverlessservice.yaml", "domain-claim.yaml"}
	servingCachingCRDs    = []string{"image.yaml"}
)

// servingCoreDirs are the directories of Serving's config/core applied. Left
// out: deployments/ (no kubelet: the activator, autoscaler, webhook and
// controller Deployments and their Services; the controller runs as a
// process instead), webhooks/ (Serving's webhook does not run: the tests
// set its defaults in their objects, see README), and 999-cache.yaml (the
// queue-proxy image cache, for nodes).
var servingCoreDirs = []string{".", "200-roles", "configmaps"}

// bootstrapConfigMaps are created by bootstrapYAML with settings both
// controllers share; Serving's copies are not applied over them.
var bootstrapConfigMaps = map[string]bool{
	"config-logging":         true,
	"config-observability":   true,
	"config-leader-election": true,
}

func (m servingModules) dir(module string) (string, error) {
	switch module {
	case servingModule:
		return moduleDirAt(module, m.serving)
	case networkingModule:
		return moduleDirAt(module, m.networking)
	case cachingModule:
		return moduleDirAt(module, m.caching)
	}
	return "", fmt.Errorf("no version of %s", module)
}

// crdPaths are Serving's CRDs (serving-crds.yaml) but the Knative
// Certificate, which localenv always installs.
func (m servingModules) crdPaths() ([]string, error) {
	servingDir, err := m.dir(servingModule)
	if err != nil {
		return nil, err
	}
	paths, err := filepath.Glob(filepath.Join(servingDir, "config", "core", "300-resources", "*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no CRDs in %s/config/core/300-resources", servingDir)
	}
	for module, files := range map[string][]string{networkingModule: servingNetworkingCRDs, cachingModule: servingCachingCRDs} {
		dir, err := m.dir(module)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			p := filepath.Join(dir, "config", f)
			if _, err := os.Stat(p); err != nil {
				return nil, err
			}
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	return paths, nil
}

// coreObjects reads Serving's config/core (servingCoreDirs) and networking's
// config-network, leaves out what applyDir skips, the bootstrap ConfigMaps
// and the CRDs (installed with the control plane), and sets config-network
// and config-domain up.
func (s *ServingEnv) coreObjects() ([]*unstructured.Unstructured, error) {
	servingDir, err := s.modules.dir(servingModule)
	if err != nil {
		return nil, err
	}
	netDir, err := s.modules.dir(networkingModule)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, d := range servingCoreDirs {
		f, err := filepath.Glob(filepath.Join(servingDir, "config", "core", d, "*.yaml"))
		if err != nil {
			return nil, err
		}
		files = append(files, f...)
	}
	files = append(files, filepath.Join(netDir, "config", "config-network.yaml"))
	var objs []*unstructured.Unstructured
	for _, f := range files {
		if filepath.Base(f) == "999-cache.yaml" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		docs, err := manifests.Decode(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		objs = append(objs, docs...)
	}
	return selectServingObjects(objs, servingConfig{class: s.opts.CertificateClass, domain: s.opts.Domain})
}

// servingConfig is what localenv sets in Serving's ConfigMaps.
type servingConfig struct {
	class, domain string
}

// networkData is config-network for TLS on external domains with the
// minimal ingress; ClusterDomainClaims are created by Serving, so that a
// DomainMapping needs nothing else.
func (c servingConfig) networkData() map[string]string {
	return map[string]string{
		netcfg.ExternalDomainTLSKey:             "Enabled",
		netcfg.DefaultCertificateClassKey:       c.class,
		netcfg.DefaultIngressClassKey:           IngressClass,
		netcfg.AutocreateClusterDomainClaimsKey: "true",
	}
}

// selectServingObjects drops what localenv does not apply and sets
// config-network's and config-domain's data (keeping their _example).
func selectServingObjects(objs []*unstructured.Unstructured, c servingConfig) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for _, u := range objs {
		kind, name := u.GetKind(), u.GetName()
		if SkippedKinds[kind] || kind == "CustomResourceDefinition" ||
			(kind == "ConfigMap" && bootstrapConfigMaps[name]) {
			continue
		}
		var set map[string]string
		switch {
		case kind == "ConfigMap" && name == ConfigNetwork:
			set = c.networkData()
		case kind == "ConfigMap" && name == ConfigDomain:
			set = map[string]string{c.domain: ""}
		}
		for k, v := range set {
			if err := unstructured.SetNestedField(u.Object, v, "data", k); err != nil {
				return nil, fmt.Errorf("%s %s: %w", kind, name, err)
			}
		}
		out = append(out, u)
	}
	return out, nil
}

// applyServingCore applies Serving's core objects and aggregates its
// ClusterRoles (Serving's controller is bound to an aggregated one).
func (e *Env) applyServingCore(ctx context.Context, ap *applier) error {
	objs, err := e.Serving.coreObjects()
	if err != nil {
		return err
	}
	if err := ap.applyObjects(ctx, "Serving "+e.Serving.Version+" config/core", objs); err != nil {
		return err
	}
	if err := ap.aggregateClusterRoles(ctx); err != nil {
		return err
	}
	e.step("applied %d objects of Serving %s's config/core and config-network (certificate-class %s, ingress-class %s, domain %s)",
		len(objs), e.Serving.Version, e.Serving.opts.CertificateClass, IngressClass, e.Serving.opts.Domain)
	return nil
}

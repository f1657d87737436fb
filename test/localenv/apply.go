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
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"

	"knative.dev/net-certmanager/test/manifests"
)

// SkippedKinds are not applied from config/: the controller runs as a local
// process, and there is no kubelet or webhook server to serve the rest.
var SkippedKinds = map[string]bool{
	"Deployment":                     true,
	"PodDisruptionBudget":            true,
	"HorizontalPodAutoscaler":        true,
	"ValidatingWebhookConfiguration": true,
	"MutatingWebhookConfiguration":   true,
}

type applier struct {
	dyn    dynamic.Interface
	kube   kubernetes.Interface
	mapper *restmapper.DeferredDiscoveryRESTMapper
	// applyWebhooks applies webhook configurations despite SkippedKinds.
	applyWebhooks bool
}

func newApplier(cfg *rest.Config, dyn dynamic.Interface) (*applier, error) {
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &applier{dyn: dyn, kube: kube, mapper: restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))}, nil
}

// kindOrder applies Namespaces and CRDs before everything else.
func kindOrder(kind string) int {
	switch kind {
	case "Namespace":
		return 0
	case "CustomResourceDefinition":
		return 1
	default:
		return 2
	}
}

func (a *applier) applyYAML(ctx context.Context, source string, data []byte) error {
	objs, err := manifests.Decode(data)
	if err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}
	return a.applyObjects(ctx, source, objs)
}

func (a *applier) applyObjects(ctx context.Context, source string, objs []*unstructured.Unstructured) error {
	sort.SliceStable(objs, func(i, j int) bool { return kindOrder(objs[i].GetKind()) < kindOrder(objs[j].GetKind()) })
	for _, u := range objs {
		if err := a.apply(ctx, u); err != nil {
			return fmt.Errorf("%s: applying %s %s/%s: %w", source, u.GetKind(), u.GetNamespace(), u.GetName(), err)
		}
	}
	return nil
}

func (a *applier) apply(ctx context.Context, u *unstructured.Unstructured) error {
	gvk := u.GroupVersionKind()
	mapping, err := a.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		a.mapper.Reset()
		mapping, err = a.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	}
	if err != nil {
		return err
	}
	var ri dynamic.ResourceInterface = a.dyn.Resource(mapping.Resource)
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		ns := u.GetNamespace()
		if ns == "" {
			ns = metav1.NamespaceDefault
			u.SetNamespace(ns)
		}
		ri = a.dyn.Resource(mapping.Resource).Namespace(ns)
	}
	_, err = ri.Apply(ctx, u.GetName(), u, metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
	if gvk.Kind == "CustomResourceDefinition" {
		a.mapper.Reset()
	}
	return err
}

// applyDir applies every YAML document under dir (recursively, in file-name
// order, leaving out OptionalDir) except SkippedKinds. It returns how many
// objects it applied and the kinds it skipped.
func (a *applier) applyDir(ctx context.Context, dir string) (int, map[string]int, error) {
	files, err := manifests.Load(dir)
	if err != nil {
		return 0, nil, err
	}
	var objs []*unstructured.Unstructured
	skipped := map[string]int{}
	for _, f := range files {
		// Like `kubectl apply -f config/`, leave out the optional files;
		// the self-signed chain among them is applied on its own.
		if f.Optional() {
			continue
		}
		for _, u := range f.Objects {
			if a.skips(u.GetKind()) {
				skipped[u.GetKind()]++
				continue
			}
			objs = append(objs, u)
		}
	}
	return len(objs), skipped, a.applyObjects(ctx, dir, objs)
}

// aggregateClusterRoles does once what kube-controller-manager's
// clusterrole-aggregation controller does continuously (there is no
// kube-controller-manager here): fill in the rules of every ClusterRole with
// an aggregationRule.
func (a *applier) aggregateClusterRoles(ctx context.Context) error {
	roles, err := a.kube.RbacV1().ClusterRoles().List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for i := range roles.Items {
		agg := &roles.Items[i]
		if agg.AggregationRule == nil {
			continue
		}
		var rules []rbacv1.PolicyRule
		for _, sel := range agg.AggregationRule.ClusterRoleSelectors {
			s, err := metav1.LabelSelectorAsSelector(&sel)
			if err != nil {
				return err
			}
			for j := range roles.Items {
				r := &roles.Items[j]
				if r.Name != agg.Name && s.Matches(labels.Set(r.Labels)) {
					rules = append(rules, r.Rules...)
				}
			}
		}
		agg.Rules = rules
		if _, err := a.kube.RbacV1().ClusterRoles().Update(ctx, agg, metav1.UpdateOptions{FieldManager: FieldManager}); err != nil {
			return fmt.Errorf("aggregating ClusterRole %s: %w", agg.Name, err)
		}
	}
	return nil
}

// bootstrapYAML creates the namespaces and the ConfigMaps a knative.dev/pkg
// sharedmain controller reads in SYSTEM_NAMESPACE.
func bootstrapYAML() []byte {
	return []byte(`apiVersion: v1
kind: Namespace
metadata:
  name: ` + ClusterResourceNamespace + `
---
apiVersion: v1
kind: Namespace
metadata:
  name: ` + SystemNamespace + `
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: config-logging
  namespace: ` + SystemNamespace + `
data:
  zap-logger-config: |
    {
      "level": "info",
      "development": false,
      "outputPaths": ["stdout"],
      "errorOutputPaths": ["stderr"],
      "encoding": "json",
      "encoderConfig": {
        "timeKey": "timestamp",
        "levelKey": "severity",
        "nameKey": "logger",
        "callerKey": "caller",
        "messageKey": "message",
        "stacktraceKey": "stacktrace",
        "lineEnding": "",
        "levelEncoder": "",
        "timeEncoder": "iso8601",
        "durationEncoder": "",
        "callerEncoder": ""
      }
    }
  loglevel.controller: "info"
  loglevel.net-certmanager-controller: "info"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: config-observability
  namespace: ` + SystemNamespace + `
data:
  metrics-protocol: none
  tracing-protocol: none
  runtime-profiling: disabled
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: config-leader-election
  namespace: ` + SystemNamespace + `
data:
  # Short, so a restarted controller takes over quickly.
  lease-duration: "15s"
  renew-deadline: "10s"
  retry-period: "2s"
  buckets: "1"
`)
}

// OptionalDir, under ConfigDir, holds manifests that a plain
// `kubectl apply -f config/` does not install.
const OptionalDir = manifests.OptionalDir

// ConfigCertManagerFile, relative to ConfigDir, is config-certmanager for a
// Knative Serving that has none. Serving ships and owns config-certmanager,
// so our release leaves it out; there is no Serving here, so localenv
// applies this file where Serving's install would have created it.
const ConfigCertManagerFile = OptionalDir + "/300-config-certmanager-if-serving-has-none.yaml"

// applyOptionalFile applies file, relative to configDir, if it exists there
// (a config directory without it declares config-certmanager elsewhere).
func (a *applier) applyOptionalFile(ctx context.Context, configDir, file string) error {
	if configDir == "" {
		return nil
	}
	path := filepath.Join(configDir, file)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return a.applyYAML(ctx, path, data)
}

// SelfSignedChainFile, relative to ConfigDir, is the shipped optional
// self-signed CA chain. localenv applies this file rather than a copy of it,
// so that the tests prove what users install.
const SelfSignedChainFile = OptionalDir + "/100-selfsigned-issuer.yaml"

// selfSignedChain reads SelfSignedChainFile from configDir and checks that it
// declares the chain localenv waits for, with the CA in cert-manager's
// cluster resource namespace. It returns the file's path and objects.
func selfSignedChain(configDir string) (string, []*unstructured.Unstructured, error) {
	path := filepath.Join(configDir, SelfSignedChainFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return "", nil, fmt.Errorf("the self-signed CA chain: %w", err)
	}
	objs, err := manifests.Decode(data)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", path, err)
	}
	want := map[string]string{
		"ClusterIssuer/" + SelfSignedClusterIssuer: "",
		"ClusterIssuer/" + CAClusterIssuer:         "",
		"Certificate/" + CACertificate:             ClusterResourceNamespace,
	}
	for _, u := range objs {
		key := u.GetKind() + "/" + u.GetName()
		ns, ok := want[key]
		if !ok {
			continue
		}
		if u.GetNamespace() != ns {
			return "", nil, fmt.Errorf("%s: %s is in namespace %q, want %q (cert-manager's cluster resource namespace)", path, key, u.GetNamespace(), ns)
		}
		delete(want, key)
	}
	if len(want) > 0 {
		return "", nil, fmt.Errorf("%s: missing %v", path, want)
	}
	return path, objs, nil
}

// issuersYAML is the Pebble ACME issuer.
func issuersYAML(pebbleDir string, pebbleCA []byte) []byte {
	return []byte(`apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: ` + ACMEClusterIssuer + `
spec:
  acme:
    server: ` + pebbleDir + `
    caBundle: ` + base64.StdEncoding.EncodeToString(pebbleCA) + `
    privateKeySecretRef:
      name: ` + ACMEClusterIssuer + `-account-key
    solvers:
    - http01:
        ingress:
          ingressClassName: ` + ACMEIngressClass + `
`)
}

var (
	clusterIssuerGVR = schema.GroupVersionResource{Group: "cert-manager.io", Version: "v1", Resource: "clusterissuers"}
	certificateGVR   = schema.GroupVersionResource{Group: "cert-manager.io", Version: "v1", Resource: "certificates"}
)

// readyCondition returns the status and message of the Ready condition.
func readyCondition(u *unstructured.Unstructured) (string, string) {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if !ok || m["type"] != "Ready" {
			continue
		}
		status, _ := m["status"].(string)
		msg, _ := m["message"].(string)
		return status, msg
	}
	return "Unknown", "no Ready condition yet"
}

func waitIssuersReady(ctx context.Context, dyn dynamic.Interface, timeout time.Duration) error {
	type target struct {
		ri   dynamic.ResourceInterface
		kind string
		name string
	}
	targets := []target{
		{dyn.Resource(clusterIssuerGVR), "ClusterIssuer", SelfSignedClusterIssuer},
		{dyn.Resource(certificateGVR).Namespace(ClusterResourceNamespace), "Certificate", CACertificate},
		{dyn.Resource(clusterIssuerGVR), "ClusterIssuer", CAClusterIssuer},
		{dyn.Resource(clusterIssuerGVR), "ClusterIssuer", ACMEClusterIssuer},
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for _, t := range targets {
		var last string
		for {
			u, err := t.ri.Get(ctx, t.name, metav1.GetOptions{})
			if err == nil {
				status, msg := readyCondition(u)
				if status == "True" {
					break
				}
				last = msg
			} else {
				last = err.Error()
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("%s %s not Ready: %s", t.kind, t.name, last)
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	return nil
}

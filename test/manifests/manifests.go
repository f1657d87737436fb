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

// Package manifests reads the YAML under config/ the way an install does, for
// tests that check the shipped manifests: statically (RBAC, labels) and on a
// real control plane (test/e2e).
package manifests

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// OptionalDir, under config/, holds files a plain install leaves out (the
// self-signed chain, the trust-bundle example, and config-certmanager for a
// Serving that has none).
const OptionalDir = "optional"

// ConfigCertManagerFile, under config/, is config-certmanager for a Knative
// Serving without one. Serving ships and owns it; the release leaves it out.
const ConfigCertManagerFile = OptionalDir + "/300-config-certmanager-if-serving-has-none.yaml"

// ServingConfigCertManagerLabels are the labels of Knative Serving's own
// config-certmanager (config/core/configmaps/certmanager.yaml in
// knative.dev/serving v0.50.0 and v0.51.0), its version label aside. Our
// webhook must select a ConfigMap that carries them, and
// ConfigCertManagerFile carries them too.
var ServingConfigCertManagerLabels = map[string]string{
	"app.kubernetes.io/name":                      "knative-serving",
	"app.kubernetes.io/component":                 "controller",
	"networking.knative.dev/certificate-provider": "cert-manager",
}

// KnativeLabels are on every object of config/ but Serving's
// config-certmanager: Knative's labels for a part of Serving (the part of
// Knative is knative-serving, the component the extension's name, the
// value Serving's config webhook lists for net-certmanager), so that what
// selects Serving's objects by label selects ours too. hack/release.sh
// sets the version; the `app` label tells the controller's objects from
// the webhook's.
var KnativeLabels = map[string]string{
	"app.kubernetes.io/name":                      "knative-serving",
	"app.kubernetes.io/component":                 "net-certmanager",
	"app.kubernetes.io/version":                   "devel",
	"networking.knative.dev/certificate-provider": "cert-manager",
}

// File is one YAML file and the objects it declares, in order.
type File struct {
	// Path is relative to the config directory, with forward slashes.
	Path    string
	Objects []*unstructured.Unstructured
}

// Optional reports whether the file is under OptionalDir.
func (f File) Optional() bool {
	return strings.HasPrefix(f.Path, OptionalDir+"/")
}

// ConfigDir returns the repository's config/ directory, found from this
// source file, so that tests work from any package directory.
func ConfigDir() (string, error) {
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("cannot locate test/manifests")
	}
	dir := filepath.Join(filepath.Dir(self), "..", "..", "config")
	if _, err := os.Stat(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// Load reads every .yaml/.yml file under dir, recursively, sorted by path.
func Load(dir string) ([]File, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			paths = append(paths, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	if len(paths) == 0 {
		return nil, fmt.Errorf("no YAML files under %s", dir)
	}
	files := make([]File, 0, len(paths))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return nil, err
		}
		objs, err := Decode(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", rel, err)
		}
		files = append(files, File{Path: filepath.ToSlash(rel), Objects: objs})
	}
	return files, nil
}

// Decode splits a multi-document YAML (or JSON) stream into objects, as
// kubectl reads it: empty documents are skipped and a List stands for its
// items. An object without apiVersion or kind is an error.
func Decode(data []byte) ([]*unstructured.Unstructured, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var objs []*unstructured.Unstructured
	for i := 0; ; i++ {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return objs, nil
			}
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if len(m) == 0 {
			continue
		}
		inDoc := []any{m}
		if m["kind"] == "List" {
			inDoc, _, _ = unstructured.NestedSlice(m, "items")
		}
		for _, o := range inDoc {
			om, _ := o.(map[string]any)
			u := &unstructured.Unstructured{Object: om}
			if u.GetAPIVersion() == "" || u.GetKind() == "" {
				return nil, fmt.Errorf("document %d: no apiVersion or kind", i)
			}
			objs = append(objs, u)
		}
	}
}

// All returns the objects of files, in order.
func All(files []File) []*unstructured.Unstructured {
	var objs []*unstructured.Unstructured
	for _, f := range files {
		objs = append(objs, f.Objects...)
	}
	return objs
}

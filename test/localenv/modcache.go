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
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"unicode"
)

// Modules whose files (CRDs) are read from the Go module cache. Their
// versions are the ones this module requires (see go.mod).
const (
	certManagerModule = "github.com/cert-manager/cert-manager"
	networkingModule  = "knative.dev/networking"
)

// moduleDir returns the module-cache directory of the version of module that
// this program was built with, downloading it with `go mod download` if the
// cache does not hold it.
func moduleDir(module string) (string, error) {
	if version := builtVersion(module); version != "" {
		return moduleDirAt(module, version)
	}
	// Test binaries may carry no dependency list: ask the go command in this
	// source directory.
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("cannot determine the version of %s", module)
	}
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", module)
	cmd.Dir = filepath.Dir(file)
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go list -m %s: %w", module, err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return goModDownloadIn(filepath.Dir(file), module)
	}
	return dir, nil
}

// moduleDirAt returns the module-cache directory of module@version,
// downloading it if the cache does not hold it.
func moduleDirAt(module, version string) (string, error) {
	if cache := goModCache(); cache != "" {
		dir := filepath.Join(cache, escapePath(module)+"@"+escapePath(version))
		if _, err := os.Stat(dir); err == nil {
			return dir, nil
		}
	}
	return goModDownload(module + "@" + version)
}

func builtVersion(module string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, d := range bi.Deps {
		if d.Path == module {
			if d.Replace != nil {
				if d.Replace.Version == "" {
					return "" // a directory replacement; not in the cache
				}
				return d.Replace.Version
			}
			return d.Version
		}
	}
	return ""
}

func goModCache() string {
	if c := os.Getenv("GOMODCACHE"); c != "" {
		return c
	}
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		if c := strings.TrimSpace(string(out)); c != "" {
			return c
		}
	}
	if p := os.Getenv("GOPATH"); p != "" {
		return filepath.Join(filepath.SplitList(p)[0], "pkg", "mod")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, "go", "pkg", "mod")
	}
	return ""
}

func goModDownload(modVersion string) (string, error) {
	return goModDownloadIn(os.TempDir(), modVersion)
}

func goModDownloadIn(dir, modVersion string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", modVersion)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s: %w: %s", modVersion, err, stderr.String())
	}
	var m struct{ Dir, Error string }
	if err := json.Unmarshal(out, &m); err != nil {
		return "", fmt.Errorf("go mod download %s: %w", modVersion, err)
	}
	if m.Error != "" || m.Dir == "" {
		return "", fmt.Errorf("go mod download %s: %s", modVersion, m.Error)
	}
	return m.Dir, nil
}

// escapePath applies the module cache's case encoding: every upper-case
// letter becomes '!' followed by its lower-case form.
func escapePath(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// crdPaths returns the CRD files to install: the Knative Certificate CRD and
// all of cert-manager's CRDs.
func crdPaths() ([]string, error) {
	netDir, err := moduleDir(networkingModule)
	if err != nil {
		return nil, err
	}
	cmDir, err := moduleDir(certManagerModule)
	if err != nil {
		return nil, err
	}
	paths := []string{filepath.Join(netDir, "config", "certificate.yaml")}
	cmCRDs, err := filepath.Glob(filepath.Join(cmDir, "deploy", "crds", "*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(cmCRDs) == 0 {
		return nil, fmt.Errorf("no CRDs in %s/deploy/crds", cmDir)
	}
	for _, p := range append([]string{paths[0]}, cmCRDs...) {
		if _, err := os.Stat(p); err != nil {
			return nil, err
		}
	}
	return append(paths, cmCRDs...), nil
}

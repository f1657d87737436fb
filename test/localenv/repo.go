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
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// DefaultAssetsDir returns $KUBEBUILDER_ASSETS, or else runs
// hack/build-localenv-tools.sh of the repository containing the working
// directory (or this source file) and returns its last output line.
func DefaultAssetsDir() (string, error) {
	if d := os.Getenv("KUBEBUILDER_ASSETS"); d != "" {
		return d, nil
	}
	dir, err := runToolsScript()
	if err != nil {
		return "", fmt.Errorf("no --assets / KUBEBUILDER_ASSETS: %w", err)
	}
	return dir, nil
}

// runToolsScript runs the repository's hack/build-localenv-tools.sh with
// args, its progress on stderr, and returns its last output line.
func runToolsScript(args ...string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", fmt.Errorf("running hack/build-localenv-tools.sh %v: %w", args, err)
	}
	cmd := exec.Command(filepath.Join(root, "hack", "build-localenv-tools.sh"), args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("hack/build-localenv-tools.sh %v: %w", args, err)
	}
	lines := splitLines(string(out))
	if len(lines) == 0 {
		return "", fmt.Errorf("hack/build-localenv-tools.sh %v printed nothing", args)
	}
	return lines[len(lines)-1], nil
}

// RepoRoot finds the net-certmanager repository: the nearest directory above
// the working directory, or else above this source file, that has
// hack/build-localenv-tools.sh.
func RepoRoot() (string, error) {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		starts = append(starts, filepath.Dir(file))
	}
	for _, dir := range starts {
		for {
			if _, err := os.Stat(filepath.Join(dir, "hack", "build-localenv-tools.sh")); err == nil {
				return dir, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", errors.New("cannot find the repository root (hack/build-localenv-tools.sh)")
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

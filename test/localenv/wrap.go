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
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// envtest starts etcd and kube-apiserver in their own process groups and
// without a parent-death signal, so they would outlive a localenv process
// that is killed with SIGKILL. To prevent that, envtest is pointed at a
// directory of symlinks to our own executable. Started under the name of a
// control-plane binary, and with the environment below set, the executable
// asks the kernel to SIGKILL it when its parent dies and then execs the real
// binary; the parent-death signal survives execve.
const (
	wrapRealDirEnv   = "LOCALENV_WRAP_REAL_DIR"
	wrapParentPIDEnv = "LOCALENV_WRAP_PARENT_PID"
)

var wrappedBinaries = []string{"etcd", "kube-apiserver"}

func init() {
	execWrappedIfRequested()
}

func execWrappedIfRequested() {
	realDir := os.Getenv(wrapRealDirEnv)
	if realDir == "" {
		return
	}
	name := filepath.Base(os.Args[0])
	known := false
	for _, b := range wrappedBinaries {
		known = known || name == b
	}
	if !known {
		return
	}
	// The parent-death signal is a per-thread attribute; set it and exec on
	// the same thread.
	runtime.LockOSThread()
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0); err != nil {
		fmt.Fprintf(os.Stderr, "localenv wrapper: prctl(PR_SET_PDEATHSIG): %v\n", err)
		os.Exit(1)
	}
	// The parent may have died before prctl took effect.
	if want := os.Getenv(wrapParentPIDEnv); want != "" && want != strconv.Itoa(os.Getppid()) {
		fmt.Fprintf(os.Stderr, "localenv wrapper: parent %s is gone\n", want)
		os.Exit(1)
	}
	env := make([]string, 0, len(os.Environ()))
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, wrapRealDirEnv+"=") || strings.HasPrefix(kv, wrapParentPIDEnv+"=") {
			continue
		}
		env = append(env, kv)
	}
	bin := filepath.Join(realDir, name)
	err := unix.Exec(bin, append([]string{bin}, os.Args[1:]...), env)
	fmt.Fprintf(os.Stderr, "localenv wrapper: exec %s: %v\n", bin, err)
	os.Exit(127)
}

// makeWrapperDir creates dir/etcd and dir/kube-apiserver as symlinks to the
// running executable and sets the environment that makes them exec the real
// binaries from realDir (see execWrappedIfRequested).
func makeWrapperDir(dir, realDir string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	for _, b := range wrappedBinaries {
		if _, err := os.Stat(filepath.Join(realDir, b)); err != nil {
			return fmt.Errorf("control-plane binary missing: %w", err)
		}
		if err := os.Symlink(self, filepath.Join(dir, b)); err != nil {
			return err
		}
	}
	if err := os.Setenv(wrapRealDirEnv, realDir); err != nil {
		return err
	}
	return os.Setenv(wrapParentPIDEnv, strconv.Itoa(os.Getpid()))
}

// childEnv returns the environment for children that are not control-plane
// binaries.
func childEnv(extra ...string) []string {
	env := make([]string, 0, len(os.Environ())+len(extra))
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, wrapRealDirEnv+"=") || strings.HasPrefix(kv, wrapParentPIDEnv+"=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

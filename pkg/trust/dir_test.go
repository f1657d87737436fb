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

package trust

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// writeAtomically mimics the kubelet's atomic writer: files are symlinks
// into ..data, which is itself a symlink swapped to a new timestamped
// directory on every update.
func writeAtomically(t *testing.T, dir, version string, files map[string][]byte) {
	t.Helper()
	ts := filepath.Join(dir, "..v"+version)
	if err := os.MkdirAll(ts, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(ts, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tmp := filepath.Join(dir, "..data_tmp")
	if err := os.Symlink("..v"+version, tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name()[0] == '.' {
			continue
		}
		if _, ok := files[e.Name()]; !ok {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
	for name := range files {
		link := filepath.Join(dir, name)
		if _, err := os.Lstat(link); err == nil {
			continue
		}
		if err := os.Symlink(filepath.Join("..data", name), link); err != nil {
			t.Fatal(err)
		}
	}
}

func TestDirSourceMountedVolume(t *testing.T) {
	ca1, ca2, ca3 := validCA(t, "ca1"), validCA(t, "ca2"), validCA(t, "ca3")
	dir := t.TempDir()
	writeAtomically(t, dir, "1", map[string][]byte{"ca.crt": ca1.pem})
	p := NewPool()
	d := NewDirSource(p, dir)
	if err := d.Scan(); err != nil {
		t.Fatal(err)
	}
	wantCNs(t, p.Current(), "ca1")

	writeAtomically(t, dir, "2", map[string][]byte{"ca.crt": cat(ca1.pem, ca2.pem), "extra.pem": ca3.pem})
	if err := d.Scan(); err != nil {
		t.Fatal(err)
	}
	wantCNs(t, p.Current(), "ca1", "ca2", "ca3")

	// A key removed from the ConfigMap: its file goes away.
	writeAtomically(t, dir, "3", map[string][]byte{"ca.crt": ca2.pem})
	if err := d.Scan(); err != nil {
		t.Fatal(err)
	}
	wantCNs(t, p.Current(), "ca2")
}

func TestDirSourcePlainFilesAndSubdirs(t *testing.T) {
	ca1, ca2 := validCA(t, "ca1"), validCA(t, "ca2")
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	must(t, os.WriteFile(filepath.Join(dir, "a.pem"), ca1.pem, 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "sub", "b.pem"), cat([]byte("garbage\n"), ca2.pem), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, ".hidden.pem"), validCA(t, "hidden").pem, 0o644))
	must(t, os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, "dangling.pem")))
	p := NewPool()
	d := NewDirSource(p, dir)
	must(t, d.Scan())
	wantCNs(t, p.Current(), "ca1", "ca2")

	// The directory disappears: the last good bundle stays in force.
	must(t, os.RemoveAll(dir))
	if err := d.Scan(); err == nil {
		t.Error("Scan of a missing directory: no error")
	}
	wantCNs(t, p.Current(), "ca1", "ca2")
}

func TestWatchDirPolls(t *testing.T) {
	ca1, ca2 := validCA(t, "ca1"), validCA(t, "ca2")
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "ca.pem"), ca1.pem, 0o644))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := NewPool()
	must(t, WatchDir(ctx, p, dir, 20*time.Millisecond))
	wantCNs(t, p.Current(), "ca1")
	must(t, os.WriteFile(filepath.Join(dir, "ca.pem"), ca2.pem, 0o644))
	eventually(t, p, "ca2")
	must(t, os.Remove(filepath.Join(dir, "ca.pem")))
	eventually(t, p)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

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
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.uber.org/zap"
)

// DefaultPollInterval is how often files are read again when no interval
// is given. Kubernetes refreshes mounted ConfigMaps about once a minute.
const DefaultPollInterval = 10 * time.Second

// minPollInterval keeps a mistaken interval from turning polling into a
// busy loop.
const minPollInterval = 10 * time.Millisecond

// DirSource polls the PEM files under a directory into a pool.
type DirSource struct {
	dir    string
	pool   *Pool
	logger *zap.SugaredLogger
}

// DirSourceName is the Pool source that holds the files under dir.
func DirSourceName(dir string) string { return "dir/" + dir }

// NewDirSource returns a source for the files under dir. Call Scan or Run.
func NewDirSource(pool *Pool, dir string) *DirSource {
	return &DirSource{dir: dir, pool: pool, logger: pool.logger}
}

// Scan reads every regular file under the directory (following symlinks
// to files, as mounted ConfigMaps use) and sets them as the source's
// entries. Hidden entries, such as the ..data directory of a mounted
// volume, are skipped: the visible symlinks point into them. If the
// directory cannot be read, the last good entries stay in force.
func (d *DirSource) Scan() error {
	entries, err := ReadDirEntries(d.dir)
	if err != nil {
		d.logger.Warnw("Cannot read the trust bundle directory; keeping the last good bundle", "dir", d.dir, zap.Error(err))
		return err
	}
	d.pool.Set(DirSourceName(d.dir), entries)
	return nil
}

// Run scans at once and then every interval until ctx is done.
func (d *DirSource) Run(ctx context.Context, interval time.Duration) {
	_ = d.Scan()
	d.poll(ctx, interval)
}

func (d *DirSource) poll(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = DefaultPollInterval
	}
	t := time.NewTicker(max(interval, minPollInterval))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_ = d.Scan()
		}
	}
}

// WatchDir scans dir into pool once, then polls it every interval in a
// goroutine until ctx is done. The error is the first scan's; polling goes
// on regardless, so a directory that appears later is picked up.
func WatchDir(ctx context.Context, pool *Pool, dir string, interval time.Duration) error {
	d := NewDirSource(pool, dir)
	err := d.Scan()
	go d.poll(ctx, interval)
	return err
}

// ReadDirEntries returns the contents of the regular files under dir, keyed
// by their slash-separated path relative to dir.
func ReadDirEntries(dir string) (map[string][]byte, error) {
	entries := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != dir && strings.HasPrefix(de.Name(), ".") {
			if de.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if de.IsDir() {
			return nil
		}
		fi, err := os.Stat(path) // follows symlinks
		if err != nil {
			// A dangling symlink during a volume update: skip it this round.
			return nil
		}
		if !fi.Mode().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		entries[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		return nil, err
	}
	return entries, nil
}

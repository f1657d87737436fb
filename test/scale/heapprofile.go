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

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// heapProfile saves the controller's heap profile in the -heap-profiles
// directory after the phase's RSS is read, to see what the RSS holds:
// heap-<phase>.pb.gz for `go tool pprof`, and heap-<phase>.txt, the text
// form that ends with the Go runtime's memory statistics (heap in use,
// idle, released to the OS; stacks). A failure is reported, not fatal.
func (h *harness) heapProfile(ctx context.Context, phase string) {
	if h.o.heapProfiles == "" {
		return
	}
	url := fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/heap", h.ctrl.profilingPort)
	path := filepath.Join(h.o.heapProfiles, "heap-"+phase)
	err := fetchTo(ctx, url, path+".pb.gz")
	if err == nil {
		err = fetchTo(ctx, url+"?debug=1", path+".txt")
	}
	if err != nil {
		h.r.set(phase+"_heap_profile_error", err.Error())
		return
	}
	h.r.set(phase+"_heap_profile", path+".pb.gz")
}

// fetchTo writes the body of a GET of url to path, made only on a 200.
func fetchTo(ctx context.Context, url, path string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return get(ctx, url, func(body io.Reader) error {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, body)
		return errors.Join(err, f.Close())
	})
}

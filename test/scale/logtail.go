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
	"encoding/json"
	"os"
	"strings"
	"sync"
	"time"
)

// logTail follows a controller log and counts "Reconcile succeeded" lines
// of the harness' KCerts.
type logTail struct {
	path string

	mu      sync.Mutex
	off     int64
	partial []byte
	total   int
	keys    map[string]bool
	// ownedFilled is when the controller logged its owned caches filled.
	ownedFilled time.Time
}

func newLogTail(path string) *logTail { return &logTail{path: path, keys: map[string]bool{}} }

func (t *logTail) read() {
	f, err := os.Open(t.path)
	if err != nil {
		return
	}
	defer f.Close()
	if _, err := f.Seek(t.off, 0); err != nil {
		return
	}
	buf := make([]byte, 1<<20)
	for {
		n, err := f.Read(buf)
		if n > 0 {
			t.off += int64(n)
			data := append(t.partial, buf[:n]...)
			lines := strings.Split(string(data), "\n")
			t.partial = []byte(lines[len(lines)-1])
			for _, line := range lines[:len(lines)-1] {
				if k, ok := reconciledKey(line); ok && strings.HasPrefix(k, "scale-") {
					t.total++
					t.keys[k] = true
				} else if at, ok := ownedCachesFilled(line); ok {
					t.ownedFilled = at
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// reconciledKey returns the KCert key of a "Reconcile succeeded" log line.
func reconciledKey(line string) (string, bool) {
	if !strings.Contains(line, "Reconcile succeeded") {
		return "", false
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		return "", false
	}
	if m["message"] != "Reconcile succeeded" {
		return "", false
	}
	k, ok := m["knative.dev/key"].(string)
	return k, ok
}

// ownedCachesFilled returns the time of the controller's line saying that
// its owned caches (requests, orders, challenges, solver Services) filled.
func ownedCachesFilled(line string) (time.Time, bool) {
	if !strings.Contains(line, "Caches of CertificateRequests") {
		return time.Time{}, false
	}
	var m struct {
		Timestamp time.Time `json:"timestamp"`
	}
	if err := json.Unmarshal([]byte(line), &m); err != nil || m.Timestamp.IsZero() {
		return time.Time{}, false
	}
	return m.Timestamp, true
}

// ownedCachesFilledAt is when the owned caches filled; zero: not yet.
func (t *logTail) ownedCachesFilledAt() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.read()
	return t.ownedFilled
}

func (t *logTail) succeeded() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.read()
	return t.total
}

func (t *logTail) distinct() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.read()
	return len(t.keys)
}

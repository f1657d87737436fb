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
	"crypto/tls"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// While the bundle flips between [CA1, CA2] and [CA2, CA1] and the served
// key pair flips between CA1 and CA2 leaves, every handshake succeeds: each
// one sees a whole pool and a whole pair, never a half-swapped state. Run
// with -race, this also checks that readers and writers share no
// unsynchronised memory.
func TestConcurrentSwapsUnderHandshakes(t *testing.T) {
	ca1, ca2 := validCA(t, "ca1"), validCA(t, "ca2")
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	c1, k1, _ := ca1.leaf(t, "rot.example.com")
	c2, k2, _ := ca2.leaf(t, "rot.example.com")
	must(t, os.WriteFile(certFile, c1, 0o600))
	must(t, os.WriteFile(keyFile, k1, 0o600))
	keys, err := NewKeyPairReloader(certFile, keyFile, nil)
	must(t, err)

	p := NewPool()
	both := [][]byte{cat(ca1.pem, ca2.pem), cat(ca2.pem, ca1.pem)}
	p.Set("s", map[string][]byte{"k": both[0]})
	addr := serve(t, p.ServerConfig(nil, keys, false))
	client := p.ClientConfig(&tls.Config{ServerName: "rot.example.com"})

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	var swaps atomic.Int64
	// Bundle writer: alternates between two orders of the same two CAs.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			p.Set("s", map[string][]byte{"k": both[i%2]})
			swaps.Add(1)
		}
	}()
	// Key-pair writer: swaps the served pair through the files. Files are
	// replaced by rename so the reader never sees a torn file.
	wg.Add(1)
	go func() {
		defer wg.Done()
		pairs := [][2][]byte{{c2, k2}, {c1, k1}}
		for i := 0; ctx.Err() == nil; i++ {
			pr := pairs[i%2]
			writeRename(t, certFile, pr[0])
			writeRename(t, keyFile, pr[1])
			_, _ = keys.Reload()
			time.Sleep(time.Millisecond)
		}
	}()
	var ok, failed atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if err := handshake(addr, client); err != nil {
					failed.Add(1)
					t.Errorf("handshake: %v", err)
					return
				}
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	t.Logf("%d handshakes, %d failed, %d pool swaps, %d key-pair reloads", ok.Load()+failed.Load(), failed.Load(), swaps.Load(), keys.Reloads())
	if ok.Load() == 0 || swaps.Load() < 2 {
		t.Errorf("the test did not exercise anything: %d handshakes, %d swaps", ok.Load(), swaps.Load())
	}
}

func writeRename(t *testing.T, path string, data []byte) {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		t.Error(err)
		return
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Error(err)
	}
}

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
	"crypto/tls"
	"strings"
	"testing"
	"time"
)

func cns(s *Snapshot) []string {
	var out []string
	for _, c := range s.Certificates {
		out = append(out, c.Subject.CommonName)
	}
	return out
}

func wantCNs(t *testing.T, s *Snapshot, want ...string) {
	t.Helper()
	got := cns(s)
	if len(got) != len(want) {
		t.Fatalf("pool = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("pool = %v, want %v", got, want)
		}
	}
}

func TestPoolSources(t *testing.T) {
	ca1, ca2, ca3 := validCA(t, "ca1"), validCA(t, "ca2"), validCA(t, "ca3")
	p := NewPool()
	wantCNs(t, p.Current())
	if p.Current().Generation != 1 {
		t.Errorf("initial generation = %d, want 1", p.Current().Generation)
	}

	p.Set("b", map[string][]byte{"bundle/ca.pem": cat(ca1.pem, ca2.pem)})
	p.Set("a", map[string][]byte{"x/y": ca3.pem, "x/z": ca1.pem}) // ca1 twice: kept once
	wantCNs(t, p.Current(), "ca3", "ca1", "ca2")
	gen := p.Current().Generation

	// The same entries again publish nothing new.
	p.Set("a", map[string][]byte{"x/y": ca3.pem, "x/z": ca1.pem})
	if p.Current().Generation != gen {
		t.Errorf("unchanged Set published generation %d, want %d", p.Current().Generation, gen)
	}

	// A key removed: its CAs leave unless another key has them.
	p.Set("a", map[string][]byte{"x/z": ca1.pem})
	wantCNs(t, p.Current(), "ca1", "ca2")

	// A source removed.
	p.Set("b", nil)
	wantCNs(t, p.Current(), "ca1")
	p.Set("a", map[string][]byte{})
	wantCNs(t, p.Current())

	if !(p.Current().Generation > gen) {
		t.Error("generation did not grow")
	}
}

func TestPoolSetCopiesEntries(t *testing.T) {
	ca1 := validCA(t, "ca1")
	data := append([]byte(nil), ca1.pem...)
	p := NewPool()
	p.Set("s", map[string][]byte{"k": data})
	for i := range data {
		data[i] = 'x'
	}
	p.Refresh()
	wantCNs(t, p.Current(), "ca1")
}

func TestPoolRefreshDropsExpired(t *testing.T) {
	now := time.Now()
	soon := newTestCA(t, "soon", now.Add(-time.Hour), now.Add(time.Hour))
	later := validCA(t, "later")
	clock := now
	p := NewPool(WithClock(func() time.Time { return clock }))
	p.Set("s", map[string][]byte{"k": cat(soon.pem, later.pem)})
	wantCNs(t, p.Current(), "soon", "later")
	clock = now.Add(2 * time.Hour)
	p.Refresh()
	wantCNs(t, p.Current(), "later")
}

func TestPoolOnChange(t *testing.T) {
	ca1 := validCA(t, "ca1")
	p := NewPool()
	var got []int
	p.OnChange(func(s *Snapshot) { got = append(got, len(s.Certificates)) })
	p.Set("s", map[string][]byte{"k": ca1.pem})
	p.Set("s", map[string][]byte{"k": ca1.pem})
	p.Set("s", nil)
	if len(got) != 2 || got[0] != 1 || got[1] != 0 {
		t.Errorf("OnChange saw %v, want [1 0]", got)
	}
	if p.Current().Contains(ca1.cert) {
		t.Error("ca1 still trusted after its source was removed")
	}
}

// A CA whose notBefore is still ahead of the pool's clock (a few seconds
// of skew during a rotation) is kept, and verifies from its notBefore on,
// with no change to the bundle.
func TestPoolKeepsACANotValidYet(t *testing.T) {
	now := time.Now()
	next := newTestCA(t, "next", now.Add(time.Minute), now.Add(24*time.Hour))
	_, _, pair := next.leaf(t, "myapp.example.com")
	addr := serve(t, &tls.Config{Certificates: []tls.Certificate{pair}})
	clock := now
	p := NewPool(WithClock(func() time.Time { return clock }))
	p.Set("s", map[string][]byte{"k": next.pem})
	wantCNs(t, p.Current(), "next")

	client := p.ClientConfig(&tls.Config{ServerName: "myapp.example.com"})
	if err := handshake(addr, client); err == nil || !strings.Contains(err.Error(), "not yet valid") {
		t.Errorf("before the CA's notBefore: err = %v, want a validity error", err)
	}
	gen := p.Current().Generation
	clock = now.Add(2 * time.Minute)
	if err := handshake(addr, client); err != nil {
		t.Errorf("after the CA's notBefore: %v", err)
	}
	if p.Current().Generation != gen {
		t.Error("the pool was rebuilt; the CA should verify without a rebuild")
	}
}

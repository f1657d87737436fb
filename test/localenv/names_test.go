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
	"context"
	"testing"

	"github.com/miekg/dns"

	cmdnsutil "github.com/cert-manager/cert-manager/pkg/issuer/acme/dns/util"
)

func TestAnswer(t *testing.T) {
	zones := []string{TestDNSZone, "Example.COM"}
	tests := []struct {
		name, qname string
		qtype       uint16
		wantRcode   int
		wantAnswer  string // the first answer, "" for none
		wantNs      bool   // an SOA in the authority section
	}{
		{"A in the test zone", "app.ns.example.test.", dns.TypeA, dns.RcodeSuccess, "app.ns.example.test.\t5\tIN\tA\t127.0.0.1", false},
		{"A, not fully qualified, upper case", "APP.example.com", dns.TypeA, dns.RcodeSuccess, "APP.example.com\t5\tIN\tA\t127.0.0.1", false},
		{"SOA at the apex", "test.", dns.TypeSOA, dns.RcodeSuccess, "test.\t5\tIN\tSOA\tns.test. hostmaster.test. 1 60 60 60 5", false},
		{"SOA below the apex: no data", "_acme-challenge.x.other-zone.test.", dns.TypeSOA, dns.RcodeSuccess, "", true},
		{"AAAA: no data", "app.example.test.", dns.TypeAAAA, dns.RcodeSuccess, "", true},
		{"outside the zones", "example.org.", dns.TypeA, dns.RcodeNameError, "", false},
		{"a zone's name as a suffix only", "notest.", dns.TypeA, dns.RcodeNameError, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := new(dns.Msg)
			req.SetQuestion(tc.qname, tc.qtype)
			got := answer(req, zones)
			if got.Rcode != tc.wantRcode || got.Id != req.Id || !got.Response {
				t.Errorf("rcode %s id %d response %v, want %s id %d response", dns.RcodeToString[got.Rcode], got.Id, got.Response,
					dns.RcodeToString[tc.wantRcode], req.Id)
			}
			first := ""
			if len(got.Answer) > 0 {
				first = got.Answer[0].String()
			}
			if first != tc.wantAnswer {
				t.Errorf("answer %q, want %q", first, tc.wantAnswer)
			}
			if hasSOA := len(got.Ns) == 1 && got.Ns[0].Header().Rrtype == dns.TypeSOA; hasSOA != tc.wantNs {
				t.Errorf("authority %v, want an SOA: %v", got.Ns, tc.wantNs)
			}
		})
	}
	if got := answer(new(dns.Msg), zones); got.Rcode != dns.RcodeFormatError {
		t.Errorf("no question: rcode %s, want FORMERR", dns.RcodeToString[got.Rcode])
	}
}

// The server answers over UDP, and cert-manager's own zone discovery (the
// call that panics without nameservers) finds the zone through it.
func TestNameServer(t *testing.T) {
	ns, err := startNameServer([]string{TestDNSZone})
	if err != nil {
		t.Fatal(err)
	}
	defer ns.stop()
	req := new(dns.Msg)
	req.SetQuestion("app.ns.example.test.", dns.TypeA)
	for _, network := range []string{"udp", "tcp"} {
		in, _, err := (&dns.Client{Net: network}).Exchange(req, ns.Addr)
		if err != nil {
			t.Fatalf("%s: %v", network, err)
		}
		if len(in.Answer) != 1 || in.Answer[0].(*dns.A).A.String() != "127.0.0.1" {
			t.Errorf("%s: answer %v, want 127.0.0.1", network, in.Answer)
		}
	}
	zone, err := cmdnsutil.FindZoneByFqdn(context.Background(), "_acme-challenge.x.other-zone.test.", []string{ns.Addr})
	if err != nil || zone != TestDNSZone {
		t.Errorf("FindZoneByFqdn = %q, %v; want %q", zone, err, TestDNSZone)
	}
}

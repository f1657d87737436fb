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
	"net"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// Names that resolve: Pebble's HTTP-01 validation and cert-manager's DNS
// lookups (DNS-01 zone discovery, the HTTP-01 self-check's resolver) ask a
// tiny DNS server on loopback (UDP and TCP), which answers every name in its zones with
// loopback, where the minimal ingress listens. Without any nameserver
// cert-manager v1.20.3 panics on its first DNS-01 Challenge (a nil pointer in
// FindZoneByFqdn), so the server runs in every environment.

// TestDNSZone is the zone the name server always answers for: the TLD
// reserved for testing (RFC 2606), which holds DefaultServingDomain.
const TestDNSZone = "test."

// nameTTL is short: the answers never change, but nothing should cache them
// beyond the environment's life.
const nameTTL = 5

// nameServer is the tiny DNS server; Addr is its "127.0.0.1:port", served
// over UDP (cert-manager) and TCP (Pebble).
type nameServer struct {
	Addr    string
	zones   []string
	servers []*dns.Server
}

// startNameServer serves zones (fully qualified, e.g. "test.") on a free
// loopback port, UDP and TCP, until stop.
func startNameServer(zones []string) (*nameServer, error) {
	pc, ln, err := listenUDPAndTCP()
	if err != nil {
		return nil, err
	}
	ns := &nameServer{Addr: pc.LocalAddr().String(), zones: zones}
	handler := dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) {
		_ = w.WriteMsg(answer(req, ns.zones))
	})
	for _, srv := range []*dns.Server{{PacketConn: pc, Handler: handler}, {Listener: ln, Handler: handler}} {
		started := make(chan struct{})
		srv.NotifyStartedFunc = func() { close(started) }
		go func() { _ = srv.ActivateAndServe() }()
		select {
		case <-started:
			ns.servers = append(ns.servers, srv)
		case <-time.After(5 * time.Second):
			ns.stop()
			_, _ = pc.Close(), ln.Close()
			return nil, context.DeadlineExceeded
		}
	}
	return ns, nil
}

// listenUDPAndTCP opens a free loopback UDP port and the same TCP port,
// trying a few ports in case the TCP one is taken.
func listenUDPAndTCP() (net.PacketConn, net.Listener, error) {
	var lastErr error
	for range 10 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return nil, nil, err
		}
		ln, err := net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, ln, nil
		}
		_ = pc.Close()
		lastErr = err
	}
	return nil, nil, lastErr
}

func (ns *nameServer) stop() {
	for _, srv := range ns.servers {
		_ = srv.Shutdown()
	}
}

// answer is the reply to req: within zones an authoritative answer (A:
// 127.0.0.1 for every name, SOA at a zone's apex, no data otherwise),
// outside them NXDOMAIN.
func answer(req *dns.Msg, zones []string) *dns.Msg {
	m := new(dns.Msg)
	m.SetReply(req)
	if len(req.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		return m
	}
	q := req.Question[0]
	name := strings.ToLower(dns.Fqdn(q.Name))
	zone, ok := zoneOf(name, zones)
	if !ok {
		m.Rcode = dns.RcodeNameError
		return m
	}
	m.Authoritative = true
	hdr := dns.RR_Header{Name: q.Name, Class: dns.ClassINET, Rrtype: q.Qtype, Ttl: nameTTL}
	switch {
	case q.Qtype == dns.TypeA:
		m.Answer = append(m.Answer, &dns.A{Hdr: hdr, A: net.IPv4(127, 0, 0, 1)})
	case q.Qtype == dns.TypeSOA && name == zone:
		m.Answer = append(m.Answer, soa(zone))
	default:
		m.Ns = append(m.Ns, soa(zone))
	}
	return m
}

// zoneOf is the zone that holds name (both fully qualified, lower case).
func zoneOf(name string, zones []string) (string, bool) {
	for _, z := range zones {
		z = strings.ToLower(dns.Fqdn(z))
		if name == z || strings.HasSuffix(name, "."+z) {
			return z, true
		}
	}
	return "", false
}

func soa(zone string) *dns.SOA {
	return &dns.SOA{
		Hdr: dns.RR_Header{Name: zone, Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: nameTTL},
		Ns:  "ns." + zone, Mbox: "hostmaster." + zone, Serial: 1,
		Refresh: 60, Retry: 60, Expire: 60, Minttl: nameTTL,
	}
}

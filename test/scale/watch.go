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
	"fmt"
	"strings"
	"sync"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	cminformers "github.com/cert-manager/cert-manager/pkg/client/informers/externalversions"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netinformers "knative.dev/networking/pkg/client/informers/externalversions"
	"knative.dev/pkg/apis"

	"knative.dev/net-certmanager/test/localenv"
)

func key(m metav1.Object) string { return m.GetNamespace() + "/" + m.GetName() }

func (h *harness) startWatches(ctx context.Context) {
	cmf := cminformers.NewSharedInformerFactory(h.cm, 0)
	onCert := func(obj any) {
		c, ok := obj.(*cmv1.Certificate)
		if !ok || !strings.HasPrefix(c.Namespace, "scale-") {
			return
		}
		now := time.Now()
		k := key(c)
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.cmSeen[k]; !ok {
			h.cmSeen[k] = now
		}
		h.cmIssuer[k] = c.Spec.IssuerRef.Name
		if c.Status.Revision != nil {
			h.cmRevision[k] = *c.Status.Revision
		}
		for _, cond := range c.Status.Conditions {
			if cond.Type == cmv1.CertificateConditionReady && cond.Status == cmmeta.ConditionTrue {
				if _, ok := h.cmReady[k]; !ok {
					h.cmReady[k] = now
				}
			}
		}
	}
	_, _ = cmf.Certmanager().V1().Certificates().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: onCert, UpdateFunc: func(_, obj any) { onCert(obj) },
	})
	nf := netinformers.NewSharedInformerFactory(h.net, 0)
	onKCert := func(obj any) {
		c, ok := obj.(*v1alpha1.Certificate)
		// Only the controller's KCerts: the write floor's is of no class it serves.
		if !ok || c.Annotations[networking.CertificateClassAnnotationKey] != localenv.CertificateClass {
			return
		}
		st := kcertState{ready: c.Status.GetCondition(v1alpha1.CertificateConditionReady).IsTrue(),
			renewing: c.Status.GetCondition("Renewing") != nil}
		if c.Status.NotAfter != nil {
			st.notAfter = c.Status.NotAfter.Time
		}
		now := time.Now()
		h.mu.Lock()
		defer h.mu.Unlock()
		h.kcertNow[key(c)] = st
		for _, t := range []apis.ConditionType{v1alpha1.CertificateConditionReady, "Renewing"} {
			cond := c.Status.GetCondition(t)
			if cond == nil {
				continue
			}
			r := string(cond.Status) + "/" + cond.Reason
			if t != v1alpha1.CertificateConditionReady {
				r = string(t) + " " + r
			}
			h.reasonSeen[seenReason{key(c), r}] = true
		}
		if !st.ready {
			return
		}
		if _, ok := h.kcertReady[key(c)]; !ok {
			h.kcertReady[key(c)] = now
		}
	}
	_, _ = nf.Networking().V1alpha1().Certificates().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: onKCert, UpdateFunc: func(_, obj any) { onKCert(obj) },
	})
	cmf.Start(ctx.Done())
	nf.Start(ctx.Done())
	cmf.WaitForCacheSync(ctx.Done())
	nf.WaitForCacheSync(ctx.Done())
}

func countNS[V any](m map[string]V, ns string) int {
	n := 0
	for k := range m {
		if strings.HasPrefix(k, ns+"/") {
			n++
		}
	}
	return n
}

func (h *harness) countReady(ns string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return countNS(h.kcertReady, ns)
}

func (h *harness) countCM(ns string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return countNS(h.cmSeen, ns)
}

// waitFor polls cond every 50 ms until it holds or the phase timeout passes.
func (h *harness) waitFor(ctx context.Context, what string, cond func() bool) error {
	deadline := time.Now().Add(h.o.timeout)
	for !cond() {
		if h.ctrl != nil && h.ctrl.exited() {
			return fmt.Errorf("the controller exited while waiting for %s (log %s)", what, h.ctrl.log)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %v waiting for %s", h.o.timeout, what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return nil
}

// quiet waits until the controller has made no write (leases aside) for
// the given time, so that a phase starts from rest.
func (h *harness) quiet(ctx context.Context, d time.Duration) error {
	last, since := h.proxy.snapshot().writes(leases), time.Now()
	return h.waitFor(ctx, "the controller to be quiet", func() bool {
		if w := h.proxy.snapshot().writes(leases); w != last {
			last, since = w, time.Now()
		}
		return time.Since(since) >= d
	})
}

// parallel runs f(0..n-1) on workers goroutines and returns the first error.
func parallel(n, workers int, f func(i int) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  = make(chan int)
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

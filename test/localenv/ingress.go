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
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netclient "knative.dev/networking/pkg/client/clientset/versioned"
	netinformers "knative.dev/networking/pkg/client/informers/externalversions"
	netlisters "knative.dev/networking/pkg/client/listers/networking/v1alpha1"
)

// ingressUserAgent names the minimal ingress's writes (KIngress status) in
// the apiserver's audit log and managedFields.
const ingressUserAgent = "localenv-ingress"

// localIngress is a minimal KIngress implementation for a kubelet-less
// environment: it marks the KIngresses of IngressClass that it can route
// Ready, and serves HTTP and HTTPS on loopback, routing by Host and path to
// the backend Service. Like the apiserver's webhook calls, a Service is
// reached through the egress proxy's routes (Env.RouteService): the Service's
// ClusterIP:port maps to a local process. A request without a KIngress rule
// gets 404, one whose Service has no local process 502.
type localIngress struct {
	kube   kubernetes.Interface
	net    netclient.Interface
	egress *EgressProxy
	log    io.Writer

	lister netlisters.IngressLister
	table  atomic.Pointer[routeTable]
	kick   chan struct{}

	httpLn, httpsLn net.Listener
	servers         []*http.Server
	cancel          context.CancelFunc
	done            chan struct{}
}

// startIngress watches KIngresses with cfg's credentials and serves HTTP on
// httpLn (opened before Pebble starts, which must know its port) and HTTPS
// on a free loopback port. It closes httpLn on error.
func startIngress(cfg *rest.Config, egress *EgressProxy, httpLn net.Listener, log io.Writer) (_ *localIngress, err error) {
	cfg = rest.CopyConfig(cfg)
	cfg.UserAgent = ingressUserAgent
	li := &localIngress{egress: egress, log: log, kick: make(chan struct{}, 1), done: make(chan struct{}), httpLn: httpLn}
	if li.kube, err = kubernetes.NewForConfig(cfg); err != nil {
		_ = httpLn.Close()
		return nil, err
	}
	if li.net, err = netclient.NewForConfig(cfg); err != nil {
		_ = httpLn.Close()
		return nil, err
	}
	li.table.Store(&routeTable{})
	if li.httpsLn, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		_ = li.httpLn.Close()
		return nil, err
	}

	ctx, cancel := context.WithCancel(context.Background())
	li.cancel = cancel
	factory := netinformers.NewSharedInformerFactory(li.net, 0)
	inf := factory.Networking().V1alpha1().Ingresses()
	li.lister = inf.Lister()
	if _, err := inf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { li.trigger() },
		UpdateFunc: func(any, any) { li.trigger() },
		DeleteFunc: func(any) { li.trigger() },
	}); err != nil {
		li.stop()
		return nil, err
	}
	factory.Start(ctx.Done())
	go li.syncLoop(ctx, inf.Informer().HasSynced)

	plain := &http.Server{Handler: li, ReadHeaderTimeout: 10 * time.Second, ErrorLog: nil}
	secure := &http.Server{Handler: li, ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: li.certificate}}
	li.servers = []*http.Server{plain, secure}
	go func() { _ = plain.Serve(li.httpLn) }()
	go func() { _ = secure.ServeTLS(li.httpsLn, "", "") }()
	return li, nil
}

// HTTPAddr and HTTPSAddr are the loopback addresses of the listeners.
func (li *localIngress) HTTPAddr() string  { return li.httpLn.Addr().String() }
func (li *localIngress) HTTPSAddr() string { return li.httpsLn.Addr().String() }

func (li *localIngress) stop() {
	for _, s := range li.servers {
		_ = s.Close()
	}
	if li.servers == nil {
		_ = li.httpLn.Close()
		_ = li.httpsLn.Close()
	}
	if li.cancel != nil {
		li.cancel()
		<-li.done
	}
}

func (li *localIngress) trigger() {
	select {
	case li.kick <- struct{}{}:
	default:
	}
}

// syncLoop rebuilds the route table and writes KIngress status after every
// change, coalescing bursts; a failed pass is retried after a second.
func (li *localIngress) syncLoop(ctx context.Context, synced cache.InformerSynced) {
	defer close(li.done)
	if !cache.WaitForCacheSync(ctx.Done(), synced) {
		return
	}
	li.trigger()
	for {
		select {
		case <-ctx.Done():
			return
		case <-li.kick:
		}
		if err := li.sync(ctx); err != nil && ctx.Err() == nil {
			fmt.Fprintf(li.log, "ingress: %v (retrying)\n", err)
			time.AfterFunc(time.Second, li.trigger)
		}
	}
}

func (li *localIngress) sync(ctx context.Context) error {
	all, err := li.lister.List(labels.Everything())
	if err != nil {
		return err
	}
	table := buildRouteTable(all)
	li.table.Store(&table)
	var errs []error
	for _, ing := range all {
		if !hasIngressClass(ing) || ing.DeletionTimestamp != nil || statusCurrent(ing) {
			continue
		}
		update := ing.DeepCopy()
		update.Status = readyStatus(ing)
		if _, err := li.net.NetworkingV1alpha1().Ingresses(ing.Namespace).UpdateStatus(ctx, update, metav1.UpdateOptions{}); err != nil {
			errs = append(errs, fmt.Errorf("status of KIngress %s/%s: %w", ing.Namespace, ing.Name, err))
			continue
		}
		ready := "Ready"
		if err := routable(ing); err != nil {
			ready = "not routable: " + err.Error()
		}
		fmt.Fprintf(li.log, "ingress: KIngress %s/%s generation %d: %s\n", ing.Namespace, ing.Name, ing.Generation, ready)
	}
	return errors.Join(errs...)
}

// ServeHTTP routes a request by Host and path to the local process behind
// the backend Service.
func (li *localIngress) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route, ok := li.table.Load().match(r.Host, r.URL.Path)
	if !ok {
		http.Error(w, fmt.Sprintf("localenv ingress: no KIngress rule for host %q path %q", requestHost(r.Host), r.URL.Path), http.StatusNotFound)
		return
	}
	to, err := li.backendAddress(r.Context(), route.backend)
	if err != nil {
		fmt.Fprintf(li.log, "ingress: %s%s: %v\n", requestHost(r.Host), r.URL.Path, err)
		http.Error(w, "localenv ingress: "+err.Error(), http.StatusBadGateway)
		return
	}
	proto := "http"
	if r.TLS != nil {
		proto = "https"
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(&url.URL{Scheme: "http", Host: to})
			pr.Out.Host = pr.In.Host
			if route.rewriteHost != "" {
				pr.Out.Host = route.rewriteHost
			}
			pr.SetXForwarded()
			pr.Out.Header.Set("X-Forwarded-Proto", proto)
			for k, v := range route.headers {
				pr.Out.Header.Set(k, v)
			}
		},
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			http.Error(w, "localenv ingress: "+err.Error(), http.StatusBadGateway)
		},
	}
	proxy.ServeHTTP(w, r)
}

// backendAddress is the local address behind a KIngress backend: the
// Service's ClusterIP:port, looked up in the egress proxy's routes.
func (li *localIngress) backendAddress(ctx context.Context, b v1alpha1.IngressBackend) (string, error) {
	svc, err := li.kube.CoreV1().Services(b.ServiceNamespace).Get(ctx, b.ServiceName, metav1.GetOptions{})
	if err != nil {
		return "", fmt.Errorf("backend Service %s/%s: %w", b.ServiceNamespace, b.ServiceName, err)
	}
	port, err := servicePortNumber(svc.Spec.Ports, b.ServicePort)
	if err != nil {
		return "", fmt.Errorf("backend Service %s/%s: %w", b.ServiceNamespace, b.ServiceName, err)
	}
	from, err := serviceAddress(svc, port)
	if err != nil {
		return "", fmt.Errorf("backend Service %s/%s: %w", b.ServiceNamespace, b.ServiceName, err)
	}
	to, ok := li.egress.route(from)
	if !ok {
		return "", fmt.Errorf("no local process serves Service %s/%s port %d (Env.RouteService)", b.ServiceNamespace, b.ServiceName, port)
	}
	return to, nil
}

// certificate serves the TLS Secret a KIngress names for the server name.
func (li *localIngress) certificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	ref, ok := li.table.Load().tlsSecret(hello.ServerName)
	if !ok {
		return nil, fmt.Errorf("no KIngress TLS for %q", hello.ServerName)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	sec, err := li.kube.CoreV1().Secrets(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	cert, err := tls.X509KeyPair(sec.Data[corev1.TLSCertKey], sec.Data[corev1.TLSPrivateKeyKey])
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", ref, err)
	}
	return &cert, nil
}

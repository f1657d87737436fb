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
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// The Serving demo: a DomainMapping of a plain Kubernetes Service. Serving
// resolves the Service to its cluster DNS name, so no Revision (and no
// kubelet) is needed, and with TLS for external domains on it creates a KCert
// and a KIngress. localenv serves the Service itself ("hello", below).

const (
	// ServingDemoNamespace holds the hello Service.
	ServingDemoNamespace = "serving-demo"
	// ServingDemoService is a plain Service whose port 80 localenv routes to
	// its built-in hello server (Env.RouteService).
	ServingDemoService = "hello"
)

// DomainMappingGVR is Serving's DomainMapping resource.
var DomainMappingGVR = schema.GroupVersionResource{Group: "serving.knative.dev", Version: "v1beta1", Resource: "domainmappings"}

// startHelloBackend creates ServingDemoNamespace/ServingDemoService and
// serves it on loopback: every request gets a line naming the host it was
// sent to.
func (e *Env) startHelloBackend(ctx context.Context) (*http.Server, error) {
	kube, err := kubernetes.NewForConfig(e.AdminConfig)
	if err != nil {
		return nil, err
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ServingDemoNamespace}}
	if _, err := kube.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return nil, err
	}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: ServingDemoService, Namespace: ServingDemoNamespace},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 80}}},
	}
	if _, err := kube.CoreV1().Services(ServingDemoNamespace).Create(ctx, svc, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from localenv: %s %s for %s (sent to %s)\n", r.Method, r.URL.Path,
			r.Header.Get("K-Original-Host"), r.Host)
	})}
	go func() { _ = srv.Serve(ln) }()
	if err := e.RouteService(ctx, ServingDemoNamespace, ServingDemoService, 80, ln.Addr().String()); err != nil {
		_ = srv.Close()
		return nil, err
	}
	return srv, nil
}

// RunServingDemo maps host (a name under the Serving domain) to the hello
// Service with a DomainMapping, waits until it is Ready with an https URL,
// then sends a request through the minimal ingress at httpsAddr, checking
// the certificate against the CA of CAClusterIssuer.
func RunServingDemo(ctx context.Context, cfg *rest.Config, host, httpsAddr string, timeout time.Duration, out io.Writer) error {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	dm := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "serving.knative.dev/v1beta1",
		"kind":       "DomainMapping",
		"metadata":   map[string]any{"name": host, "namespace": ServingDemoNamespace},
		// Namespace given: Serving's webhook, which defaults it, does not run.
		"spec": map[string]any{"ref": map[string]any{
			"apiVersion": "v1", "kind": "Service", "name": ServingDemoService, "namespace": ServingDemoNamespace}},
	}}
	dms := dyn.Resource(DomainMappingGVR).Namespace(ServingDemoNamespace)
	if _, err := dms.Create(ctx, dm, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating DomainMapping %s: %w", host, err)
	}
	fmt.Fprintf(out, "created DomainMapping %s/%s -> Service %s; waiting up to %v for Ready...\n", ServingDemoNamespace, host, ServingDemoService, timeout)
	start := time.Now()
	var url, summary string
	for {
		got, err := dms.Get(ctx, host, metav1.GetOptions{})
		if err != nil {
			return err
		}
		url, _, _ = unstructured.NestedString(got.Object, "status", "url")
		ready, msg := readyCondition(got)
		summary = fmt.Sprintf("url %q, Ready %s (%s)", url, ready, msg)
		if ready == "True" && strings.HasPrefix(url, "https://") {
			break
		}
		if time.Since(start) > timeout {
			return fmt.Errorf("the DomainMapping %s is not Ready after %v: %s", host, timeout, summary)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	fmt.Fprintf(out, "DomainMapping Ready after %.1fs: %s\n", time.Since(start).Seconds(), url)

	caSecret, err := kube.CoreV1().Secrets(ClusterResourceNamespace).Get(ctx, CACertificate, metav1.GetOptions{})
	if err != nil {
		return err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caSecret.Data[corev1.TLSCertKey]) {
		return errors.New("no CA certificate in " + CACertificate)
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{ServerName: host, RootCAs: roots, MinVersion: tls.VersionTLS12},
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+httpsAddr+"/", nil)
	if err != nil {
		return err
	}
	req.Host = host // the ingress routes by Host; the connection goes to its address
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s through the minimal ingress at %s: %w", url, httpsAddr, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	leaf := resp.TLS.PeerCertificates[0]
	fmt.Fprintf(out, "GET %s (via %s): %s, certificate %v issued by %v, valid until %s\n%s",
		url, httpsAddr, resp.Status, leaf.DNSNames, leaf.Issuer.CommonName, leaf.NotAfter.UTC().Format(time.RFC3339), body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}

// IngressHTTPSAddress reads the minimal ingress's HTTPS address from a work
// directory (IngressHTTPSAddressFile).
func IngressHTTPSAddress(workDir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(workDir, IngressHTTPSAddressFile))
	if err != nil {
		return "", fmt.Errorf("no minimal ingress (was localenv started with --serving?): %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

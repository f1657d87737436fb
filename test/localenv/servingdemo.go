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
	"encoding/base64"
	"encoding/json"
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
	netclient "knative.dev/networking/pkg/client/clientset/versioned"
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

// RunServingDemo shows the auto-TLS loop over HTTP-01, as a user would set
// it up: it points config-certmanager's issuerRef at ACMEClusterIssuer (the
// local Pebble), maps host (a name under the Serving domain) to the hello
// Service with a DomainMapping, reports the challenge our controller
// publishes and waits until the DomainMapping is Ready with an https URL,
// then requests it through the minimal ingress, checking the certificate
// against Pebble's issuing CA. workDir is the environment's (the ingress
// address, Pebble's management URL and the solvers' request log are there).
func RunServingDemo(ctx context.Context, cfg *rest.Config, workDir, host string, timeout time.Duration, out io.Writer) error {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	net, err := netclient.NewForConfig(cfg)
	if err != nil {
		return err
	}
	httpsAddr, err := IngressHTTPSAddress(workDir)
	if err != nil {
		return err
	}
	if err := setIssuerRef(ctx, kube, "kind: ClusterIssuer\nname: "+ACMEClusterIssuer+"\n"); err != nil {
		return err
	}
	fmt.Fprintf(out, "config-certmanager issuerRef: ClusterIssuer %s (ACME on the local Pebble, HTTP-01)\n", ACMEClusterIssuer)
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
	published := false
	for {
		if kc, err := net.NetworkingV1alpha1().Certificates(ServingDemoNamespace).Get(ctx, host, metav1.GetOptions{}); err == nil && !published && len(kc.Status.HTTP01Challenges) > 0 {
			published = true
			ch := kc.Status.HTTP01Challenges[0]
			fmt.Fprintf(out, "%5.1fs KCert %s lists HTTP-01 challenge %s -> Service %s/%s:%s (Serving routes it on the KIngress)\n",
				time.Since(start).Seconds(), host, ch.URL.String(), ch.ServiceNamespace, ch.ServiceName, ch.ServicePort.String())
		}
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
	fmt.Fprintf(out, "%5.1fs DomainMapping Ready: %s\n", time.Since(start).Seconds(), url)
	if err := reportSolverRequests(workDir, host, out); err != nil {
		return err
	}

	roots, err := pebbleRoots(ctx, dyn, workDir)
	if err != nil {
		return err
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
	fmt.Fprintf(out, "GET %s (via %s): %s, certificate %v issued by %q (chains to Pebble's root), valid until %s\n%s",
		url, httpsAddr, resp.Status, leaf.DNSNames, leaf.Issuer.CommonName, leaf.NotAfter.UTC().Format(time.RFC3339), body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}

// setIssuerRef sets config-certmanager's issuerRef.
func setIssuerRef(ctx context.Context, kube kubernetes.Interface, ref string) error {
	cms := kube.CoreV1().ConfigMaps(SystemNamespace)
	cm, err := cms.Get(ctx, "config-certmanager", metav1.GetOptions{})
	if err != nil {
		return err
	}
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
	cm.Data["issuerRef"] = ref
	_, err = cms.Update(ctx, cm, metav1.UpdateOptions{})
	return err
}

// reportSolverRequests prints who the solvers answered for host.
func reportSolverRequests(workDir, host string, out io.Writer) error {
	b, err := os.ReadFile(filepath.Join(workDir, ACMESolverRequestsFile))
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r SolverRequest
		if json.Unmarshal([]byte(line), &r) == nil && r.Host == host && r.Answered {
			counts[strings.Fields(r.UserAgent + " ?")[0]]++
		}
	}
	fmt.Fprintf(out, "      cert-manager's solver answered the challenge: %v (Pebble's validation and cert-manager's self-check, through the minimal ingress)\n", counts)
	return nil
}

// pebbleRoots fetches Pebble's root from its management endpoint, trusted
// with the ACME ClusterIssuer's caBundle.
func pebbleRoots(ctx context.Context, dyn dynamic.Interface, workDir string) (*x509.CertPool, error) {
	b, err := os.ReadFile(filepath.Join(workDir, PebbleManagementURLFile))
	if err != nil {
		return nil, err
	}
	ci, err := dyn.Resource(clusterIssuerGVR).Get(ctx, ACMEClusterIssuer, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	bundle, _, _ := unstructured.NestedString(ci.Object, "spec", "acme", "caBundle")
	trustPEM, err := base64.StdEncoding.DecodeString(bundle)
	if err != nil {
		return nil, fmt.Errorf("caBundle of %s: %w", ACMEClusterIssuer, err)
	}
	trust := x509.NewCertPool()
	trust.AppendCertsFromPEM(trustPEM)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: trust, MinVersion: tls.VersionTLS12}}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSpace(string(b))+"/roots/0", nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("Pebble's root: %w", err)
	}
	defer resp.Body.Close()
	rootPEM, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	roots := x509.NewCertPool()
	if resp.StatusCode != http.StatusOK || !roots.AppendCertsFromPEM(rootPEM) {
		return nil, errors.New("Pebble's management endpoint gave no root: " + resp.Status)
	}
	return roots, nil
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

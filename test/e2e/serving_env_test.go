//go:build e2e

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

package e2e

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"
)

// The Serving tests (serving_test.go) run Knative Serving's real controller
// next to ours, in an environment of their own (localenv --serving).
// hack/e2e-local.sh passes these; without them the tests are skipped.
var (
	servingControllerBinary = flag.String("serving-controller-binary", "", "Knative Serving's controller (hack/build-localenv-tools.sh --serving), for the Serving tests")
	webhookBinary           = flag.String("webhook-binary", "", "webhook binary, for the tests that run it in an environment of their own")
)

const (
	// servingUser and controllerUser are the identities Serving's controller
	// and ours write with (localenv impersonates their ServiceAccounts).
	servingUser    = "system:serviceaccount:" + systemNamespace + ":controller"
	controllerUser = "system:serviceaccount:" + systemNamespace + ":net-certmanager-controller"
	// servingDomain is the domain of the DomainMappings.
	servingDomain = "example.test"
	// localenvIngressClass is localenv's minimal KIngress implementation.
	localenvIngressClass = "localenv.ingress.networking.knative.dev"
	configNetwork        = "config-network"
)

var domainMappingGVR = schema.GroupVersionResource{Group: "serving.knative.dev", Version: "v1beta1", Resource: "domainmappings"}

// servingEnv is a localenv with Knative Serving's controller, the minimal
// ingress, our webhook and no controller of ours (tests start it with the
// class they need).
type servingEnv struct {
	*opsEnv
	dyn dynamic.Interface
	// auditLog is kube-apiserver's audit log of Certificate and KIngress
	// writes; ingressHTTPS the minimal ingress's TLS listener.
	auditLog, ingressHTTPS string
}

func startServingEnv(t *testing.T) *servingEnv {
	t.Helper()
	if *servingControllerBinary == "" || *webhookBinary == "" {
		t.Skip("needs -serving-controller-binary and -webhook-binary (hack/e2e-local.sh passes them)")
	}
	e := startOpsEnv(t, false, "--serving-controller", *servingControllerBinary, "--run-webhook", *webhookBinary)
	cfg, err := clientcmd.BuildConfigFromFlags("", filepath.Join(e.dir, "kubeconfig"))
	if err != nil {
		t.Fatal(err)
	}
	addr, err := os.ReadFile(filepath.Join(e.dir, "ingress-https-address"))
	if err != nil {
		t.Fatal("minimal ingress address:", err)
	}
	return &servingEnv{
		opsEnv:       e,
		dyn:          dynamic.NewForConfigOrDie(cfg),
		auditLog:     filepath.Join(e.dir, "logs", "audit.log"),
		ingressHTTPS: strings.TrimSpace(string(addr)),
	}
}

// setNetworkClass points config-network's certificate-class at class.
func (s *servingEnv) setNetworkClass(t *testing.T, class string) {
	t.Helper()
	s.setConfigMap(t, configNetwork, map[string]string{netcfg.DefaultCertificateClassKey: class})
}

// domainMapping creates a plain Kubernetes Service "hello" in ns and a
// DomainMapping of host hello.<ns>.<servingDomain> to it (Serving resolves
// a Service reference to its cluster DNS name: no Revision needed), and
// returns the host, which names the DomainMapping, its KCert and KIngress.
func (s *servingEnv) domainMapping(t *testing.T, ns string) string {
	t.Helper()
	host := "hello." + ns + "." + servingDomain
	s.helloService(t, ns)
	s.mapDomain(t, ns, host, nil)
	return host
}

// helloService creates the plain Service "hello" in ns.
func (s *servingEnv) helloService(t *testing.T, ns string) {
	t.Helper()
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "hello", Namespace: ns},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 80}}},
	}
	if _, err := s.c.kube.CoreV1().Services(ns).Create(context.Background(), svc, metav1.CreateOptions{}); err != nil {
		t.Fatal("create Service:", err)
	}
}

// mapDomain creates a DomainMapping of host to the Service "hello" of ns,
// with annotations.
func (s *servingEnv) mapDomain(t *testing.T, ns, host string, annotations map[string]string) {
	t.Helper()
	meta := map[string]any{"name": host, "namespace": ns}
	if len(annotations) > 0 {
		a := map[string]any{}
		for k, v := range annotations {
			a[k] = v
		}
		meta["annotations"] = a
	}
	dm := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "serving.knative.dev/v1beta1",
		"kind":       "DomainMapping",
		"metadata":   meta,
		// The namespace is explicit: Serving's webhook, which would default
		// it, does not run here.
		"spec": map[string]any{"ref": map[string]any{"apiVersion": "v1", "kind": "Service", "name": "hello", "namespace": ns}},
	}}
	if _, err := s.dyn.Resource(domainMappingGVR).Namespace(ns).Create(context.Background(), dm, metav1.CreateOptions{}); err != nil {
		t.Fatal("create DomainMapping:", err)
	}
}

// readyOverHTTPS says whether a DomainMapping of host is Ready with an https
// URL and a provisioned certificate.
func readyOverHTTPS(dm *unstructured.Unstructured, host string) bool {
	url, _, _ := unstructured.NestedString(dm.Object, "status", "url")
	ready, _ := condition(dm, "Ready")
	cert, _ := condition(dm, "CertificateProvisioned")
	return url == "https://"+host && ready == "True" && cert == "True"
}

// waitObject polls get until done says so, and fails the test saying what it
// waited for and the last status seen otherwise.
func waitObject[T any](t *testing.T, what string, get func(context.Context) (T, error), done func(T) bool, status func(T) any) T {
	t.Helper()
	var last T
	seen := false
	err := wait.PollUntilContextTimeout(context.Background(), pollInterval, readyTimeout, true, func(ctx context.Context) (bool, error) {
		obj, err := get(ctx)
		if err != nil {
			return false, nil
		}
		last, seen = obj, true
		return done(obj), nil
	})
	if err != nil {
		var st any
		if seen {
			st = status(last)
		}
		t.Fatalf("%s; last status: %+v", what, st)
	}
	return last
}

// waitDomainMapping polls a DomainMapping until done says so.
func (s *servingEnv) waitDomainMapping(t *testing.T, ns, name, what string, done func(*unstructured.Unstructured) bool) *unstructured.Unstructured {
	t.Helper()
	return waitObject(t, fmt.Sprintf("DomainMapping %s/%s never became %s", ns, name, what),
		func(ctx context.Context) (*unstructured.Unstructured, error) {
			return s.dyn.Resource(domainMappingGVR).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
		}, done, func(u *unstructured.Unstructured) any { return u.Object["status"] })
}

// condition returns the status and reason of a condition of an
// unstructured object's status.
func condition(u *unstructured.Unstructured, condType string) (string, string) {
	status, reason, _ := conditionMessage(u, condType)
	return status, reason
}

// waitKIngress polls a KIngress until done says so.
func (s *servingEnv) waitKIngress(t *testing.T, ns, name, what string, done func(*v1alpha1.Ingress) bool) *v1alpha1.Ingress {
	t.Helper()
	return waitObject(t, fmt.Sprintf("KIngress %s/%s never became %s", ns, name, what),
		func(ctx context.Context) (*v1alpha1.Ingress, error) {
			return s.c.net.NetworkingV1alpha1().Ingresses(ns).Get(ctx, name, metav1.GetOptions{})
		}, done, func(ing *v1alpha1.Ingress) any { return ing.Status })
}

// stop ends a controller process started by startController (before the
// environment's test ends, which stops it anyway).
func (p *ctrlProc) stop(t *testing.T) {
	t.Helper()
	if err := p.proc.Stop(20 * time.Second); err != nil {
		t.Errorf("%s: %v", p.name, err)
	}
}

// stuckKCert creates a cluster-local KCert of class: with config-certmanager's
// clusterLocalIssuerRef naming an issuer that does not exist, it can never be
// issued.
func (s *servingEnv) stuckKCert(t *testing.T, ns, class string) *v1alpha1.Certificate {
	t.Helper()
	kc := &v1alpha1.Certificate{
		ObjectMeta: metav1.ObjectMeta{
			Name:        "stuck",
			Namespace:   ns,
			Annotations: map[string]string{networking.CertificateClassAnnotationKey: class},
			Labels:      map[string]string{networking.CertificateTypeLabelKey: string(netcfg.CertificateClusterLocalDomain)},
		},
		Spec: v1alpha1.CertificateSpec{DNSNames: []string{"stuck." + ns + ".svc.cluster.local"}, SecretName: "stuck-tls"},
	}
	kc, err := s.c.net.NetworkingV1alpha1().Certificates(ns).Create(context.Background(), kc, metav1.CreateOptions{})
	if err != nil {
		t.Fatal("create KCert:", err)
	}
	return kc
}

func describe(counts map[string]int) string {
	if len(counts) == 0 {
		return "none"
	}
	var b strings.Builder
	for who, n := range counts {
		fmt.Fprintf(&b, "%s: %d; ", who, n)
	}
	return strings.TrimSuffix(b.String(), "; ")
}

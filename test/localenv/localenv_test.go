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
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	cmacme "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	cmclient "github.com/cert-manager/cert-manager/pkg/client/clientset/versioned"
	authnv1 "k8s.io/api/authentication/v1"
	authzv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	netclient "knative.dev/networking/pkg/client/clientset/versioned"
)

// TestLocalEnv starts the environment in-process and checks the control
// plane, RBAC, the CRDs, cert-manager issuing from the CA ClusterIssuer,
// Pebble/ACME HTTP-01 objects and a clean teardown. With
// LOCALENV_CONTROLLER_BINARY set it also runs that controller and the demo.
//
// It needs etcd and kube-apiserver: $KUBEBUILDER_ASSETS, or else it runs
// hack/build-localenv-tools.sh (a cold build takes long).
func TestLocalEnv(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a control plane")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	started := time.Now()
	// ConfigDir defaults to the repository's config/.
	env, err := Start(ctx, Options{
		WorkDir:          t.TempDir(),
		ControllerBinary: os.Getenv("LOCALENV_CONTROLLER_BINARY"),
		Progress:         testWriter{t},
	})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			_ = env.Stop()
		}
	}()
	t.Logf("started in %v", time.Since(started))

	admin := kubernetes.NewForConfigOrDie(env.AdminConfig)
	cm := cmclient.NewForConfigOrDie(env.AdminConfig)

	t.Run("kubeconfigs", func(t *testing.T) {
		for _, p := range []string{env.AdminKubeconfig, env.ControllerKubeconfig} {
			cfg, err := clientcmd.BuildConfigFromFlags("", p)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := kubernetes.NewForConfigOrDie(cfg).Discovery().ServerVersion(); err != nil {
				t.Errorf("%s: %v", p, err)
			}
		}
		if _, err := os.Stat(env.ReadyFile); err != nil {
			t.Errorf("ready file: %v", err)
		}
	})

	t.Run("egress-proxy-webhook", func(t *testing.T) { testEgressWebhook(ctx, t, env) })

	t.Run("rbac", func(t *testing.T) {
		// A user without bindings is denied: RBAC is enforced.
		nobody := rest.CopyConfig(env.AdminConfig)
		nobody.Impersonate = rest.ImpersonationConfig{UserName: "system:serviceaccount:default:nobody", Groups: []string{"system:authenticated"}}
		_, err := kubernetes.NewForConfigOrDie(nobody).CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
		if !apierrors.IsForbidden(err) {
			t.Errorf("listing namespaces without bindings: got %v, want Forbidden", err)
		}
		// The controller's identity may do its job, and not more.
		ctrl := kubernetes.NewForConfigOrDie(env.ControllerConfig)
		for _, c := range []struct {
			attrs authzv1.ResourceAttributes
			want  bool
		}{
			{authzv1.ResourceAttributes{Verb: "watch", Group: "networking.internal.knative.dev", Resource: "certificates"}, true},
			{authzv1.ResourceAttributes{Verb: "create", Group: "cert-manager.io", Resource: "certificates", Namespace: "default"}, true},
			{authzv1.ResourceAttributes{Verb: "update", Group: "coordination.k8s.io", Resource: "leases", Namespace: SystemNamespace}, true},
			{authzv1.ResourceAttributes{Verb: "delete", Resource: "namespaces"}, false},
		} {
			r, err := ctrl.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authzv1.SelfSubjectAccessReview{
				Spec: authzv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &c.attrs},
			}, metav1.CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Status.Allowed != c.want {
				t.Errorf("%s %s.%s: allowed=%v, want %v", c.attrs.Verb, c.attrs.Resource, c.attrs.Group, r.Status.Allowed, c.want)
			}
		}
		who, err := ctrl.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authnv1.SelfSubjectReview{}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if who.Status.UserInfo.Username != ControllerUser {
			t.Errorf("controller kubeconfig is %q, want %q", who.Status.UserInfo.Username, ControllerUser)
		}
	})

	t.Run("crds", func(t *testing.T) {
		if _, err := netclient.NewForConfigOrDie(env.ControllerConfig).NetworkingV1alpha1().Certificates("").List(ctx, metav1.ListOptions{}); err != nil {
			t.Errorf("listing KCerts as the controller: %v", err)
		}
		for _, name := range []string{"config-logging", "config-observability", "config-leader-election"} {
			if _, err := admin.CoreV1().ConfigMaps(SystemNamespace).Get(ctx, name, metav1.GetOptions{}); err != nil {
				t.Error(err)
			}
		}
	})

	ns := "localenv-test"
	if _, err := admin.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	t.Run("ca-issuer", func(t *testing.T) {
		start := time.Now()
		cert := &cmv1.Certificate{
			ObjectMeta: metav1.ObjectMeta{Name: "plain", Namespace: ns},
			Spec: cmv1.CertificateSpec{
				SecretName: "plain-tls",
				DNSNames:   []string{"plain." + ns + ".svc.cluster.local"},
				IssuerRef:  cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: CAClusterIssuer},
			},
		}
		if _, err := cm.CertmanagerV1().Certificates(ns).Create(ctx, cert, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 30*time.Second, "Certificate plain Ready", func() (bool, string) {
			c, err := cm.CertmanagerV1().Certificates(ns).Get(ctx, "plain", metav1.GetOptions{})
			if err != nil {
				return false, err.Error()
			}
			for _, cond := range c.Status.Conditions {
				if cond.Type == cmv1.CertificateConditionReady {
					return cond.Status == cmmeta.ConditionTrue, cond.Message
				}
			}
			return false, "no Ready condition"
		})
		t.Logf("Ready after %v", time.Since(start))
		s, err := admin.CoreV1().Secrets(ns).Get(ctx, "plain-tls", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		leaf, ca := parseCert(t, s.Data["tls.crt"]), parseCert(t, s.Data["ca.crt"])
		if err := leaf.CheckSignatureFrom(ca); err != nil {
			t.Errorf("leaf not signed by the CA: %v", err)
		}
		if ca.Subject.CommonName != "knative.dev" {
			t.Errorf("CA common name %q, want knative.dev", ca.Subject.CommonName)
		}
	})

	t.Run("acme-http01", func(t *testing.T) {
		cert := &cmv1.Certificate{
			ObjectMeta: metav1.ObjectMeta{Name: "acme", Namespace: ns},
			Spec: cmv1.CertificateSpec{
				SecretName: "acme-tls",
				DNSNames:   []string{"acme.localenv.example.com"},
				IssuerRef:  cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: ACMEClusterIssuer},
			},
		}
		if _, err := cm.CertmanagerV1().Certificates(ns).Create(ctx, cert, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		var challenge *cmacme.Challenge
		waitFor(t, 30*time.Second, "Order and Challenge", func() (bool, string) {
			orders, err := cm.AcmeV1().Orders(ns).List(ctx, metav1.ListOptions{})
			if err != nil || len(orders.Items) == 0 {
				return false, "no Order"
			}
			chs, err := cm.AcmeV1().Challenges(ns).List(ctx, metav1.ListOptions{})
			if err != nil || len(chs.Items) == 0 {
				return false, "no Challenge"
			}
			challenge = &chs.Items[0]
			return true, ""
		})
		if challenge.Spec.Type != cmacme.ACMEChallengeTypeHTTP01 || !strings.HasPrefix(challenge.Spec.URL, env.PebbleDirectoryURL[:strings.LastIndex(env.PebbleDirectoryURL, "/")]) {
			t.Errorf("challenge type %q url %q, want http-01 at Pebble", challenge.Spec.Type, challenge.Spec.URL)
		}
		waitFor(t, 30*time.Second, "solver Service, Pod and Ingress", func() (bool, string) {
			sel := metav1.ListOptions{LabelSelector: cmacme.DomainLabelKey}
			svcs, err := admin.CoreV1().Services(ns).List(ctx, sel)
			if err != nil || len(svcs.Items) == 0 {
				return false, "no solver Service"
			}
			pods, err := admin.CoreV1().Pods(ns).List(ctx, sel)
			if err != nil || len(pods.Items) == 0 {
				return false, "no solver Pod"
			}
			ings, err := admin.NetworkingV1().Ingresses(ns).List(ctx, sel)
			if err != nil || len(ings.Items) == 0 {
				return false, "no solver Ingress"
			}
			if cls := ings.Items[0].Spec.IngressClassName; cls == nil || *cls != ACMEIngressClass {
				return false, "solver Ingress has the wrong class"
			}
			return true, ""
		})
	})

	if env.ControllerPID != 0 {
		t.Run("demo", func(t *testing.T) {
			var out strings.Builder
			if err := RunDemo(ctx, env.AdminConfig, "demo", time.Minute, &out); err != nil {
				t.Errorf("%v\n%s", err, out.String())
			}
			t.Log("\n" + out.String())
		})
	}

	stopped = true
	if err := env.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
	if kids := childProcesses(t); len(kids) > 0 {
		t.Errorf("processes left after Stop: %v", kids)
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func waitFor(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, msg := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s: %s", timeout, what, msg)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func parseCert(t *testing.T, data []byte) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatal("no PEM certificate")
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// childProcesses lists the live (non-zombie) children of this process.
func childProcesses(t *testing.T) []string {
	t.Helper()
	me := strconv.Itoa(os.Getpid())
	entries, _ := os.ReadDir("/proc")
	var kids []string
	for _, e := range entries {
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		s := string(stat)
		fields := strings.Fields(s[strings.LastIndex(s, ")")+1:])
		if len(fields) > 1 && fields[1] == me && fields[0] != "Z" {
			kids = append(kids, e.Name()+" "+s[strings.Index(s, "(")+1:strings.LastIndex(s, ")")])
		}
	}
	return kids
}

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
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	pkgtest "knative.dev/pkg/test"

	"knative.dev/net-certmanager/pkg/kncm"
	"knative.dev/net-certmanager/pkg/trust"
)

var (
	pluginOnce sync.Once
	pluginBin  string
	pluginErr  error
)

// plugin builds cmd/kn-certmanager once per test binary: the e2e drives
// the real command line, with the admin kubeconfig, as an operator would.
func plugin(t *testing.T) string {
	t.Helper()
	pluginOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kn-certmanager-e2e")
		if err != nil {
			pluginErr = err
			return
		}
		pluginBin = filepath.Join(dir, "kn-certmanager")
		out, err := exec.Command("go", "build", "-o", pluginBin, "knative.dev/net-certmanager/cmd/kn-certmanager").CombinedOutput()
		if err != nil {
			pluginErr = fmt.Errorf("go build kn-certmanager: %v\n%s", err, out)
		}
	})
	if pluginErr != nil {
		t.Fatal(pluginErr)
	}
	return pluginBin
}

// runPlugin runs kn-certmanager and returns its stdout and exit code.
func runPlugin(t *testing.T, args ...string) (string, int) {
	t.Helper()
	args = append(args, "--kubeconfig", pkgtest.Flags.Kubeconfig)
	cmd := exec.Command(plugin(t), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		if exit.ExitCode() == 2 {
			t.Fatalf("kn-certmanager %v: %s", args, stderr.String())
		}
		return stdout.String(), exit.ExitCode()
	case err != nil:
		t.Fatalf("kn-certmanager %v: %v", args, err)
	}
	return stdout.String(), 0
}

func rotationStatus(t *testing.T, ns string, grace time.Duration) kncm.RotationReport {
	t.Helper()
	out, code := runPlugin(t, "rotation", "status", "-n", ns, "--grace", grace.String(), "-o", "json")
	var r kncm.RotationReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("rotation status (exit %d): %v\n%s", code, err, out)
	}
	// Exit 0 exactly when the verdict is "safe to remove the old CA".
	if want := map[bool]int{true: 0, false: 1}[r.SafeToRemoveOldCA]; code != want {
		t.Fatalf("rotation status exit %d, want %d for safe=%v", code, want, r.SafeToRemoveOldCA)
	}
	return r
}

// caPEM returns the CA certificate of a CA Secret made by newCAIssuer.
func (c *clients) caPEM(t *testing.T, secret string) []byte {
	t.Helper()
	s, err := c.kube.CoreV1().Secrets(certManagerNamespace).Get(context.Background(), secret, metav1.GetOptions{})
	if err != nil {
		t.Fatal("get CA Secret:", err)
	}
	return s.Data[corev1.TLSCertKey]
}

// setBundle creates or replaces the trust-bundle ConfigMap of ns.
func (c *clients) setBundle(t *testing.T, ns string, pems ...[]byte) {
	t.Helper()
	ctx := context.Background()
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "knative-bundle", Labels: map[string]string{trust.TrustBundleLabel: "true"}},
		Data:       map[string]string{"cacerts.pem": string(bytes.Join(pems, nil))},
	}
	cms := c.kube.CoreV1().ConfigMaps(ns)
	if _, err := cms.Update(ctx, cm, metav1.UpdateOptions{}); apierrs.IsNotFound(err) {
		_, err = cms.Create(ctx, cm, metav1.CreateOptions{})
		if err != nil {
			t.Fatal("create trust bundle:", err)
		}
	} else if err != nil {
		t.Fatal("update trust bundle:", err)
	}
}

// pointIssuerAt switches a CA ClusterIssuer to another CA Secret: the
// guide's "reconfigure your ClusterIssuers to use the new CA".
func (c *clients) pointIssuerAt(t *testing.T, issuer, secret string) {
	t.Helper()
	ctx := context.Background()
	ci, err := c.cm.CertmanagerV1().ClusterIssuers().Get(ctx, issuer, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ci.Spec.CA.SecretName = secret
	if _, err := c.cm.CertmanagerV1().ClusterIssuers().Update(ctx, ci, metav1.UpdateOptions{}); err != nil {
		t.Fatal("update ClusterIssuer:", err)
	}
}

func (c *clients) newClusterIssuer(t *testing.T, name, secret string) {
	t.Helper()
	ci := &cmv1.ClusterIssuer{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       cmv1.IssuerSpec{IssuerConfig: cmv1.IssuerConfig{CA: &cmv1.CAIssuer{SecretName: secret}}},
	}
	if _, err := c.cm.CertmanagerV1().ClusterIssuers().Create(context.Background(), ci, metav1.CreateOptions{}); err != nil {
		t.Fatal("create ClusterIssuer:", err)
	}
	waitIssuerReady(t, "ClusterIssuer "+name, func(ctx context.Context) (cmv1.GenericIssuer, error) {
		return c.cm.CertmanagerV1().ClusterIssuers().Get(ctx, name, metav1.GetOptions{})
	})
}

// tlsServer serves a KCert's Secret on loopback through the pkg/trust
// key-pair reloader. The Secret is copied to files whenever it changes,
// as the kubelet refreshes a mounted Secret; the reloader polls them.
type tlsServer struct {
	addr     string
	reloader *trust.KeyPairReloader
}

func (c *clients) startTLSServer(ctx context.Context, t *testing.T, ns, secretName string) *tlsServer {
	t.Helper()
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	sync := func() error {
		s, err := c.kube.CoreV1().Secrets(ns).Get(ctx, secretName, metav1.GetOptions{})
		if err != nil {
			return err
		}
		for path, data := range map[string][]byte{certFile: s.Data[corev1.TLSCertKey], keyFile: s.Data[corev1.TLSPrivateKeyKey]} {
			if old, _ := os.ReadFile(path); bytes.Equal(old, data) {
				continue
			}
			if err := os.WriteFile(path+".tmp", data, 0o600); err != nil {
				return err
			}
			if err := os.Rename(path+".tmp", path); err != nil {
				return err
			}
		}
		return nil
	}
	if err := sync(); err != nil {
		t.Fatal("copy the Secret:", err)
	}
	reloader, err := trust.NewKeyPairReloader(certFile, keyFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	go reloader.Run(ctx, 100*time.Millisecond)
	go func() {
		for ctx.Err() == nil {
			_ = sync()
			time.Sleep(200 * time.Millisecond)
		}
	}()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", trust.NewPool().ServerConfig(nil, reloader, false))
	if err != nil {
		t.Fatal(err)
	}
	go func() { <-ctx.Done(); ln.Close() }()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
				_ = conn.(*tls.Conn).Handshake()
			}()
		}
	}()
	return &tlsServer{addr: ln.Addr().String(), reloader: reloader}
}

// tlsClient handshakes with a server continuously, trusting what
// pkg/trust's pool holds from the namespace's trust bundles.
type tlsClient struct {
	pool          *trust.Pool
	total, failed atomic.Int64
	mu            sync.Mutex
	firstErrors   []string
	done          chan struct{}
}

const handshakeEvery = 20 * time.Millisecond // about 50 per second

func (c *clients) startTLSClient(ctx context.Context, t *testing.T, ns, addr, serverName string) *tlsClient {
	t.Helper()
	pool := trust.NewPool()
	if err := trust.WatchConfigMaps(ctx, c.kube, pool, ns); err != nil {
		t.Fatal(err)
	}
	cl := &tlsClient{pool: pool, done: make(chan struct{})}
	cfg := pool.ClientConfig(&tls.Config{ServerName: serverName, MinVersion: tls.VersionTLS12})
	go func() {
		defer close(cl.done)
		dialer := &net.Dialer{Timeout: 30 * time.Second}
		for ctx.Err() == nil {
			conn, err := tls.DialWithDialer(dialer, "tcp", addr, cfg)
			if ctx.Err() != nil {
				return
			}
			cl.total.Add(1)
			if err != nil {
				cl.failed.Add(1)
				cl.mu.Lock()
				if len(cl.firstErrors) < 3 {
					cl.firstErrors = append(cl.firstErrors, time.Now().UTC().Format("15:04:05.000")+" "+err.Error())
				}
				cl.mu.Unlock()
			} else {
				conn.Close()
			}
			time.Sleep(handshakeEvery)
		}
	}()
	return cl
}

func (cl *tlsClient) errors() string {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return strings.Join(cl.firstErrors, "\n")
}

// waitFor polls cond every pollInterval for up to timeout.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), pollInterval, timeout, true, func(context.Context) (bool, error) {
		return cond(), nil
	})
	if err != nil {
		t.Fatalf("timed out after %s waiting for %s", timeout, what)
	}
}

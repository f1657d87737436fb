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
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	cmclient "github.com/cert-manager/cert-manager/pkg/client/clientset/versioned"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netclient "knative.dev/networking/pkg/client/clientset/versioned"
	netcfg "knative.dev/networking/pkg/config"
	"knative.dev/pkg/apis"

	"knative.dev/net-certmanager/pkg/certclass"
	"knative.dev/net-certmanager/pkg/issuerconfig"
)

// CertificateClass is the class the controller serves by default; the KCerts
// made here carry it. TestCertificateClassIsShipped ties it to config/.
const CertificateClass = certclass.Default

// DemoCertificates returns the three demo KCerts for namespace ns: one of
// each certificate type, all of CertificateClass.
func DemoCertificates(ns string) []*v1alpha1.Certificate {
	mk := func(name string, certType netcfg.CertificateType, dnsNames ...string) *v1alpha1.Certificate {
		return &v1alpha1.Certificate{
			ObjectMeta: metav1.ObjectMeta{
				Name:      name,
				Namespace: ns,
				Annotations: map[string]string{
					networking.CertificateClassAnnotationKey: CertificateClass,
				},
				Labels: map[string]string{networking.CertificateTypeLabelKey: string(certType)},
			},
			Spec: v1alpha1.CertificateSpec{DNSNames: dnsNames, SecretName: name + "-tls"},
		}
	}
	return []*v1alpha1.Certificate{
		mk("demo-external-domain", netcfg.CertificateExternalDomain,
			"myapp."+ns+".example.com"),
		mk("demo-cluster-local-domain", netcfg.CertificateClusterLocalDomain,
			"myapp."+ns, "myapp."+ns+".svc", "myapp."+ns+".svc.cluster.local"),
		mk("demo-system-internal", netcfg.CertificateSystemInternal,
			"kn-routing", "kn-user-"+ns, "data-plane.knative.dev"),
	}
}

// RunDemo creates namespace ns (if missing) and the DemoCertificates, waits
// up to timeout for all of them to be Ready=True, and prints a table to out.
// It returns an error if not all became ready.
func RunDemo(ctx context.Context, cfg *rest.Config, ns string, timeout time.Duration, out io.Writer) error {
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	net, err := netclient.NewForConfig(cfg)
	if err != nil {
		return err
	}
	cm, err := cmclient.NewForConfig(cfg)
	if err != nil {
		return err
	}
	if _, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	certs := DemoCertificates(ns)
	for _, c := range certs {
		if _, err := net.NetworkingV1alpha1().Certificates(ns).Create(ctx, c, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating KCert %s/%s: %w", ns, c.Name, err)
		}
	}
	fmt.Fprintf(out, "created %d KCerts in namespace %s; waiting up to %v for Ready=True...\n", len(certs), ns, timeout)

	start := time.Now()
	deadline := start.Add(timeout)
	var current []*v1alpha1.Certificate
	for {
		current = current[:0]
		ready := 0
		for _, c := range certs {
			got, err := net.NetworkingV1alpha1().Certificates(ns).Get(ctx, c.Name, metav1.GetOptions{})
			if err != nil {
				return err
			}
			current = append(current, got)
			if got.IsReady() {
				ready++
			}
		}
		if ready == len(certs) {
			fmt.Fprintf(out, "all %d KCerts Ready after %.1fs\n", ready, time.Since(start).Seconds())
			printTable(ctx, cm, current, out)
			return nil
		}
		if time.Now().After(deadline) {
			printTable(ctx, cm, current, out)
			return fmt.Errorf("%d of %d KCerts Ready after %v", ready, len(certs), timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func printTable(ctx context.Context, cm cmclient.Interface, certs []*v1alpha1.Certificate, out io.Writer) {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTYPE\tISSUER\tSANS\tNOT AFTER\tREADY")
	for _, c := range certs {
		certType := c.Labels[networking.CertificateTypeLabelKey]
		issuer := "-"
		if cmc, err := cm.CertmanagerV1().Certificates(c.Namespace).Get(ctx, c.Name, metav1.GetOptions{}); err == nil {
			issuer = issuerconfig.String(cmc.Spec.IssuerRef)
		}
		notAfter := "-"
		if c.Status.NotAfter != nil {
			notAfter = c.Status.NotAfter.UTC().Format(time.RFC3339)
		}
		ready := "Unknown"
		if cond := c.Status.GetCondition(apis.ConditionReady); cond != nil {
			ready = string(cond.Status)
			if cond.Status != corev1.ConditionTrue && cond.Reason != "" {
				ready += " (" + cond.Reason + ")"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.Name, certType, issuer, strings.Join(c.Spec.DNSNames, ","), notAfter, ready)
	}
	_ = tw.Flush()
}

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

package kncm

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// KCertStatus is the whole chain of one KCert, from Knative's side down to
// the issued certificate, as cmctl status certificate shows a Certificate.
// Each part is nil when the object does not exist (yet).
type KCertStatus struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Class is the KCert's class; ControllerClass the one our controller
	// serves, and ClassSource where that was read.
	Class           string      `json:"class"`
	ControllerClass string      `json:"controllerClass"`
	ClassSource     string      `json:"classSource"`
	Type            string      `json:"type"`
	Ready           bool        `json:"ready"`
	Conditions      []Condition `json:"conditions,omitempty"`
	NotAfter        *time.Time  `json:"notAfter,omitempty"`
	// HTTP01Challenges are the challenges the KCert publishes to the ingress.
	HTTP01Challenges []string `json:"http01Challenges,omitempty"`

	Issuer      *IssuerStatus      `json:"issuer,omitempty"`
	Certificate *CertificateStatus `json:"certificate,omitempty"`
	Request     *RequestStatus     `json:"certificateRequest,omitempty"`
	Order       *OrderStatus       `json:"order,omitempty"`
	Challenges  []ChallengeStatus  `json:"challenges,omitempty"`
	Secret      *SecretStatus      `json:"secret,omitempty"`
	// Stuck is the step the newest issuance waits at (resources.StuckStep).
	Stuck *StuckStatus `json:"stuck,omitempty"`
}

// Condition is one condition of any object in the chain.
type Condition struct {
	Type    string `json:"type"`
	Status  string `json:"status"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}

// IssuerStatus is the issuer the KCert's Certificate is (to be) signed by.
type IssuerStatus struct {
	// Key is the config-certmanager key that chose Configured for the
	// KCert's type; ConfigError says why it could not be read.
	Key         string `json:"key,omitempty"`
	Configured  string `json:"configured,omitempty"`
	ConfigError string `json:"configError,omitempty"`
	// Name is the issuer looked up: the one the Certificate names, else
	// the configured one.
	Name     string `json:"name"`
	External bool   `json:"external,omitempty"`
	Found    bool   `json:"found"`
	Ready    bool   `json:"ready"`
	Message  string `json:"message,omitempty"`
}

// CertificateStatus is the cert-manager Certificate of the KCert's name.
type CertificateStatus struct {
	Name string `json:"name"`
	// NotControlled says the KCert does not control it: someone else's.
	NotControlled bool         `json:"notControlled,omitempty"`
	IssuerRef     string       `json:"issuerRef"`
	SecretName    string       `json:"secretName"`
	Conditions    []Condition  `json:"conditions,omitempty"`
	Revision      *int         `json:"revision,omitempty"`
	NotAfter      *metav1.Time `json:"notAfter,omitempty"`
	RenewalTime   *metav1.Time `json:"renewalTime,omitempty"`
}

// RequestStatus is the CertificateRequest of the newest revision.
type RequestStatus struct {
	Name       string      `json:"name"`
	Revision   string      `json:"revision,omitempty"`
	Conditions []Condition `json:"conditions,omitempty"`
}

// OrderStatus is the ACME Order of that request.
type OrderStatus struct {
	Name   string `json:"name"`
	State  string `json:"state,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// ChallengeStatus is one ACME Challenge of that Order.
type ChallengeStatus struct {
	Name      string `json:"name"`
	Type      string `json:"type"`
	DNSName   string `json:"dnsName"`
	State     string `json:"state,omitempty"`
	Presented bool   `json:"presented"`
	Reason    string `json:"reason,omitempty"`
}

// SecretStatus is the certificate the Secret holds, or why it is unreadable.
type SecretStatus struct {
	Name     string     `json:"name"`
	Error    string     `json:"error,omitempty"`
	Subject  string     `json:"subject,omitempty"`
	DNSNames []string   `json:"dnsNames,omitempty"`
	Issuer   string     `json:"issuer,omitempty"`
	NotAfter *time.Time `json:"notAfter,omitempty"`
}

// StuckStatus is resources.Stuck, for output.
type StuckStatus struct {
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

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

package certclass

// Default is the networking.knative.dev/certificate.class
// of the KCerts the controller serves unless configured otherwise. It is our
// own, not Knative's default (cert-manager.certificate.networking.knative.dev):
// Knative Serving's built-in cert-manager reconciler serves that one whenever
// a TLS feature is on, and two controllers on one class fight over every
// KCert. Serving is pointed at this class in config-network (see README).
const Default = "net-certmanager.certificate.networking.knative.dev"

// The controller's flag and environment variable that set the class it
// serves; the flag wins.
const (
	Flag = "certificate-class"
	Env  = "CERTIFICATE_CLASS"
)

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

// +k8s:deepcopy-gen=package

// Package issuerconfig is the schema of the config-certmanager ConfigMap:
// its three issuer references and their keys, the strict parser, the choice
// of a reference by certificate type, and whether an issuer suits the
// certificates its key selects it for. It also holds the one reading of a
// cert-manager issuer reference (external or not, its kind, how it is
// named), built on cert-manager's own group and kind constants.
//
// The controller, the validation webhook and the kn-certmanager plugin all
// read config-certmanager through this package; the controller's hot-reload
// store is its own, in pkg/reconciler/certificate/config.
package issuerconfig

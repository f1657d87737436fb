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

// Package kncm is the logic of the kn-certmanager plugin: it reads what the
// cluster holds about Knative certificates, cert-manager issuers and trust
// bundles into an Inventory (Load), and turns it into the doctor's checks
// (Doctor), the CA rotation checklist (Rotation) and the list of
// certificates to re-issue (RenewTargets, or SelectKCerts by name or
// label; Renew triggers them as cmctl renew does). Everything but the
// readers and Renew is a pure function of what was read and a time, so it
// is tested with tables. Rotation first gathers where each certificate and
// bundle stands, then judges each step with a small named function
// (rotation_steps.go), in the manner of cert-manager's certificate policy
// checks.
//
// StatusReader walks one KCert's chain for the status command, as cmctl
// status certificate does, reusing the controller's own walk
// (resources.StuckStep over listed objects). CheckAPI proves cert-manager's
// API end to end with a dry-run create, as cmctl check api does.
//
// Issued chains are read from cert-manager CertificateRequests
// (status.certificate and status.ca), never from the certificates' Secrets.
// The Secrets read are those of CA issuers, for their CA certificate, and,
// by status alone, the Secret of the one KCert it shows.
package kncm

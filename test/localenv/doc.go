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

// Package localenv runs a local, kubelet-less Kubernetes control plane for
// developing and testing net-certmanager: etcd and kube-apiserver (envtest,
// RBAC enforced), the Knative Certificate and cert-manager CRDs, cert-manager's
// controllers and a Pebble ACME server in-process, the repository's config/
// with the self-signed CA chain of ClusterIssuers it ships as optional, and
// optionally the webhook and controller binaries as child processes
// impersonating their ServiceAccounts. A tiny DNS server answers the test
// names with loopback. With Serving, Knative Serving's controller and a
// minimal KIngress implementation run too, and HTTP-01 works for real:
// cert-manager's solver runs in process for every solver Pod, reached only
// through the KIngress rules Serving writes; a stand-in for
// kube-controller-manager, the kubelet and Serving's autoscaler writes the
// status of Revisions' Deployments and PodAutoscalers, so Revisions (and
// Routes to them) become Ready.
package localenv

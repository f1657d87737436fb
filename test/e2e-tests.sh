#!/usr/bin/env bash

# Copyright 2026 The Knative Authors
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

# The e2e and conformance suites on a real cluster, in knative.dev/hack's e2e
# flow: `initialize` creates a kind cluster with kubetest2 (or uses the current
# kubeconfig context with --run-tests), knative_setup installs cert-manager, the
# issuers and net-certmanager, the suites run, and a failure dumps the cluster's
# state. Teardown is opt-in (--teardown), as everywhere in Knative.
#
# Needs: docker, kind and kubetest2 (or a cluster with --run-tests), kubectl,
# ko (KO_DOCKER_REPO, e.g. kind.local), go and internet access. It cannot run
# where there is no Docker engine; hack/e2e-local.sh runs the same suites there.
#
# Usage: test/e2e-tests.sh [--run-tests] [--teardown] [--cloud-provider kind|gke] [knative.dev/hack flags]

# The hooks and checks below are called by knative.dev/hack and wait_for.
# shellcheck disable=SC2317
# shellcheck source=vendor/knative.dev/hack/e2e-tests.sh
source "$(dirname "${BASH_SOURCE[0]}")/../vendor/knative.dev/hack/e2e-tests.sh"

readonly CERT_MANAGER_VERSION="${CERT_MANAGER_VERSION:-v1.20.3}"
readonly PEBBLE_IMAGE="${PEBBLE_IMAGE:-ghcr.io/letsencrypt/pebble:2.10.3}"
readonly SYSTEM_NAMESPACE=knative-serving
readonly API_WAIT_SECONDS=300

# wait_for NAME COMMAND... retries COMMAND every 2 s for API_WAIT_SECONDS.
function wait_for() {
  local what="$1"
  shift
  local i
  for ((i = 0; i < API_WAIT_SECONDS / 2; i++)); do
    if "$@" >/dev/null 2>&1; then
      echo "- ${what}: ready"
      return 0
    fi
    sleep 2
  done
  echo "- ${what}: not ready after ${API_WAIT_SECONDS}s; last attempt:" >&2
  "$@" >&2
  return 1
}

# cert_manager_api_works proves cert-manager's API end to end, as `cmctl check
# api` does: a server-side dry-run create of a Certificate passes its webhook.
function cert_manager_api_works() {
  kubectl create --dry-run=server -f - <<YAML
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: e2e-api-check, namespace: cert-manager}
spec:
  secretName: e2e-api-check
  dnsNames: [api-check.example.com]
  issuerRef: {kind: ClusterIssuer, name: e2e-api-check}
YAML
}

# our_webhook_answers: a dry-run change of config-certmanager with an unknown
# key is refused, which only our validation webhook does.
function our_webhook_answers() {
  ! kubectl -n "${SYSTEM_NAMESPACE}" patch configmap config-certmanager --dry-run=server \
    --type merge -p '{"data":{"e2e-webhook-probe":"x"}}' 2>/dev/null
}

function install_cert_manager() {
  subheader "cert-manager ${CERT_MANAGER_VERSION}"
  kubectl apply -f "https://github.com/cert-manager/cert-manager/releases/download/${CERT_MANAGER_VERSION}/cert-manager.yaml" || return 1
  kubectl -n cert-manager wait --for=condition=Available deployment --all --timeout="${API_WAIT_SECONDS}s" || return 1
  wait_for "cert-manager's API (dry-run create through its webhook)" cert_manager_api_works
}

# install_serving_prerequisites: what net-certmanager needs of Serving, the
# Certificate CRD and Serving's ConfigMaps, from the Go modules we build with.
function install_serving_prerequisites() {
  subheader "Knative Certificate CRD and Serving's ConfigMaps"
  local networking_dir cm
  networking_dir="$(GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' knative.dev/networking)" || return 1
  kubectl apply -f "${networking_dir}/config/certificate.yaml" || return 1
  kubectl create namespace "${SYSTEM_NAMESPACE}" --dry-run=client -o yaml | kubectl apply -f - || return 1
  for cm in config-logging config-observability config-leader-election; do
    kubectl -n "${SYSTEM_NAMESPACE}" create configmap "${cm}" --dry-run=client -o yaml | kubectl apply -f - || return 1
  done
  kubectl apply -f config/optional/300-config-certmanager-if-serving-has-none.yaml
}

function install_issuers() {
  subheader "The self-signed CA chain (config/optional) and a Pebble ACME issuer"
  kubectl apply -f config/optional/100-selfsigned-issuer.yaml || return 1
  kubectl apply -f - <<YAML || return 1
apiVersion: apps/v1
kind: Deployment
metadata: {name: pebble, namespace: cert-manager}
spec:
  selector: {matchLabels: {app: pebble}}
  template:
    metadata: {labels: {app: pebble}}
    spec:
      containers:
        - name: pebble
          image: ${PEBBLE_IMAGE}
          env: [{name: PEBBLE_VA_NOSLEEP, value: "1"}]
          ports: [{containerPort: 14000}]
---
apiVersion: v1
kind: Service
metadata: {name: pebble, namespace: cert-manager}
spec:
  selector: {app: pebble}
  ports: [{port: 14000}]
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: pebble-http01}
spec:
  acme:
    server: https://pebble.cert-manager.svc:14000/dir
    # Pebble's own test CA signs its directory; not a public one.
    skipTLSVerify: true
    privateKeySecretRef: {name: pebble-http01-account}
    solvers: [{http01: {ingress: {}}}]
YAML
  kubectl -n cert-manager wait --for=condition=Available deployment/pebble --timeout="${API_WAIT_SECONDS}s" || return 1
  kubectl wait --for=condition=Ready clusterissuer --all --timeout="${API_WAIT_SECONDS}s"
}

function install_net_certmanager() {
  subheader "net-certmanager (ko apply -f config/)"
  ko apply -f config/ || return 1
  kubectl -n "${SYSTEM_NAMESPACE}" wait --for=condition=Available \
    deployment/net-certmanager-controller deployment/net-certmanager-webhook --timeout="${API_WAIT_SECONDS}s" || return 1
  wait_for "our validation webhook" our_webhook_answers
}

# knative_setup and knative_teardown are knative.dev/hack's hooks.
function knative_setup() {
  install_cert_manager && install_serving_prerequisites && install_issuers && install_net_certmanager
}

function knative_teardown() {
  ko delete --ignore-not-found -f config/
  kubectl delete --ignore-not-found -f config/optional/100-selfsigned-issuer.yaml
}

# A kind cluster unless the caller names another provider (later flags win).
initialize --cloud-provider kind "$@"

go_test_e2e -timeout=30m ./test/e2e/... || fail_test
success

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

# The e2e and conformance suites on a kind cluster, for machines with Docker.
# It creates a kind cluster, installs a pinned cert-manager release and a
# Pebble ACME server, applies config/ with ko, and runs the same suites that
# hack/e2e-local.sh runs on the container-free local environment.
#
# Needs: docker, kind, kubectl, ko (KO_DOCKER_REPO=kind.local), go, and
# internet access. It cannot run where there is no Docker engine; use
# hack/e2e-local.sh there.
#
# Usage: test/e2e-tests.sh [--keep-cluster] [go test flags...]

set -o errexit
set -o nounset
set -o pipefail

REPO_ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT_DIR
readonly CLUSTER_NAME="${CLUSTER_NAME:-net-certmanager-e2e}"
readonly CERT_MANAGER_VERSION="${CERT_MANAGER_VERSION:-v1.20.3}"
readonly PEBBLE_IMAGE="${PEBBLE_IMAGE:-ghcr.io/letsencrypt/pebble:2.10.3}"
KEEP_CLUSTER=0

function header() { echo; echo "=== $* ($(date -u +%H:%M:%S))"; }
function abort() { echo "ERROR: $*" >&2; exit 1; }

function check_tools() {
  local tool
  for tool in docker kind kubectl ko go; do
    command -v "${tool}" >/dev/null || abort "${tool} is required (see README, 'For Docker users')"
  done
  docker info >/dev/null 2>&1 || abort "no Docker engine answers"
}

function create_cluster() {
  header "Creating kind cluster ${CLUSTER_NAME}"
  kind create cluster --name "${CLUSTER_NAME}" --wait 120s
  export KO_DOCKER_REPO=kind.local KIND_CLUSTER_NAME="${CLUSTER_NAME}"
}

function install_cert_manager() {
  header "Installing cert-manager ${CERT_MANAGER_VERSION}"
  kubectl apply -f "https://github.com/cert-manager/cert-manager/releases/download/${CERT_MANAGER_VERSION}/cert-manager.yaml"
  kubectl -n cert-manager wait --for=condition=Available deployment --all --timeout=300s
}

function install_knative_prerequisites() {
  header "Installing the Knative Certificate CRD and knative-serving ConfigMaps"
  local networking_dir
  (cd "${REPO_ROOT_DIR}" && GOFLAGS=-mod=mod go mod download knative.dev/networking)
  networking_dir="$(cd "${REPO_ROOT_DIR}" && GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' knative.dev/networking)"
  kubectl apply -f "${networking_dir}/config/certificate.yaml"
  kubectl create namespace knative-serving --dry-run=client -o yaml | kubectl apply -f -
  local cm
  for cm in config-logging config-observability config-leader-election; do
    kubectl -n knative-serving create configmap "${cm}" --dry-run=client -o yaml | kubectl apply -f -
  done
  # Serving's config-certmanager, which our release does not ship.
  kubectl apply -f "${REPO_ROOT_DIR}/config/optional/300-config-certmanager-if-serving-has-none.yaml"
}

function install_issuers() {
  header "Installing the self-signed CA chain and a Pebble ACME issuer"
  kubectl apply -f - <<YAML
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: cluster-selfsigned-issuer
spec:
  selfSigned: {}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: knative-selfsigned-ca
  namespace: cert-manager
spec:
  secretName: knative-selfsigned-ca
  commonName: knative.dev
  isCA: true
  usages: ["cert sign", "crl sign"]
  issuerRef:
    kind: ClusterIssuer
    name: cluster-selfsigned-issuer
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: knative-selfsigned-issuer
spec:
  ca:
    secretName: knative-selfsigned-ca
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: pebble
  namespace: cert-manager
spec:
  selector:
    matchLabels: {app: pebble}
  template:
    metadata:
      labels: {app: pebble}
    spec:
      containers:
        - name: pebble
          image: ${PEBBLE_IMAGE}
          env:
            - {name: PEBBLE_VA_NOSLEEP, value: "1"}
          ports:
            - containerPort: 14000
---
apiVersion: v1
kind: Service
metadata:
  name: pebble
  namespace: cert-manager
spec:
  selector: {app: pebble}
  ports:
    - port: 14000
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: pebble-http01
spec:
  acme:
    server: https://pebble.cert-manager.svc:14000/dir
    # Pebble's test CA is not a public one; the suites only check the
    # challenges, never a finished ACME issuance.
    skipTLSVerify: true
    privateKeySecretRef:
      name: pebble-http01-account
    solvers:
      - http01:
          ingress: {}
YAML
  kubectl -n cert-manager wait --for=condition=Available deployment/pebble --timeout=300s
  kubectl wait --for=condition=Ready clusterissuer --all --timeout=300s
}

function install_net_certmanager() {
  header "Installing net-certmanager with ko"
  (cd "${REPO_ROOT_DIR}" && ko apply -f config/)
  kubectl -n knative-serving wait --for=condition=Available deployment/net-certmanager-controller --timeout=300s
}

function run_tests() {
  header "Running the e2e and conformance suites"
  (cd "${REPO_ROOT_DIR}" && go test -tags e2e -count=1 -timeout 30m -v "$@" ./test/e2e/...)
}

function teardown() {
  if [[ ${KEEP_CLUSTER} -eq 0 ]]; then
    header "Deleting kind cluster ${CLUSTER_NAME}"
    kind delete cluster --name "${CLUSTER_NAME}" || true
  fi
}

if [[ "${1:-}" == "--keep-cluster" ]]; then
  KEEP_CLUSTER=1
  shift
fi
check_tools
create_cluster
trap teardown EXIT
install_cert_manager
install_knative_prerequisites
install_issuers
install_net_certmanager
run_tests "$@"

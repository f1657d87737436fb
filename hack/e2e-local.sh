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

# Runs the e2e and conformance suites (test/e2e, build tag e2e) against a
# fresh local environment: etcd, kube-apiserver, cert-manager and Pebble on
# loopback (test/localenv), with the controller and the validation webhook
# running as their own ServiceAccounts (the apiserver reaches the webhook
# through localenv's egress proxy). Everything it starts is stopped when it exits, however it
# exits. Extra arguments go to `go test` (e.g. -run TestConformance).

set -o errexit
set -o nounset
set -o pipefail

REPO_ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${REPO_ROOT_DIR}"

step() { echo; echo "=== $* ($(date -u +%H:%M:%S))"; }

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/net-certmanager-e2e.XXXXXX")"
BIN_DIR="${WORK_DIR}/bin"
mkdir -p "${BIN_DIR}"
LOCALENV_PID=""

cleanup() {
  local rc=$?
  if [[ -n "${LOCALENV_PID}" ]] && kill -0 "${LOCALENV_PID}" 2>/dev/null; then
    echo "=== stopping localenv (pid ${LOCALENV_PID})"
    kill -TERM "${LOCALENV_PID}" 2>/dev/null || true
    # localenv stops cert-manager, the controller, kube-apiserver and etcd.
    for _ in $(seq 1 60); do
      kill -0 "${LOCALENV_PID}" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL "${LOCALENV_PID}" 2>/dev/null || true
    wait "${LOCALENV_PID}" 2>/dev/null || true
  fi
  if [[ ${rc} -ne 0 && -d "${WORK_DIR}/logs" ]]; then
    for log in "${WORK_DIR}"/logs/*.log; do
      echo "----- last lines of ${log##*/}"
      tail -n 40 "${log}"
    done
  fi
  rm -rf "${WORK_DIR}"
  exit ${rc}
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "etcd and kube-apiserver (built from Go modules, cached)"
ASSETS="$(./hack/build-localenv-tools.sh)"

step "Knative Serving's controller, for the Serving tests (built from its Go module, cached)"
SERVING_CONTROLLER="$(./hack/build-localenv-tools.sh --serving | tail -n1)"

step "localenv, alerteval, controller, webhook and kn-certmanager binaries"
(cd test/localenv && GOFLAGS=-mod=mod GOWORK=off go build -o "${BIN_DIR}/localenv" ./cmd/localenv)
# The documented alert rules' evaluator: Prometheus' PromQL engine, in a
# module of its own (cold: about 3.5 min with the module downloads).
(cd test/alertrules && GOFLAGS=-mod=mod GOWORK=off go build -o "${BIN_DIR}/alerteval" ./cmd/alerteval)
go build -o "${BIN_DIR}/controller" ./cmd/controller
go build -o "${BIN_DIR}/webhook" ./cmd/webhook
go build -o "${BIN_DIR}/kn-certmanager" ./cmd/kn-certmanager

# The install and uninstall test applies the release; hack/test.sh renders
# it before and passes it in RELEASE_YAML.
if [[ -z "${RELEASE_YAML:-}" ]]; then
  step "hack/release.sh (offline render of config/ with ko, for the install test)"
  OUTPUT_DIR="${WORK_DIR}/release" ./hack/release.sh
  RELEASE_YAML="${WORK_DIR}/release/net-certmanager.yaml"
fi

step "starting localenv"
"${BIN_DIR}/localenv" up --assets "${ASSETS}" --work-dir "${WORK_DIR}" --exit-with-parent \
  --run-controller "${BIN_DIR}/controller" --run-webhook "${BIN_DIR}/webhook" >"${WORK_DIR}/localenv.out" 2>"${WORK_DIR}/localenv.err" &
LOCALENV_PID=$!
for _ in $(seq 1 600); do
  [[ -f "${WORK_DIR}/ready" ]] && break
  if ! kill -0 "${LOCALENV_PID}" 2>/dev/null; then
    cat "${WORK_DIR}/localenv.err" >&2
    echo "localenv exited before it was ready" >&2
    exit 1
  fi
  sleep 0.5
done
[[ -f "${WORK_DIR}/ready" ]] || { cat "${WORK_DIR}/localenv.err" >&2; echo "localenv not ready after 5 min" >&2; exit 1; }
cat "${WORK_DIR}/localenv.out"

step "e2e and conformance suites"
# The operations tests (ops_test.go) and the Serving tests (serving_test.go)
# start environments and controllers of their own. -parallel 4: the parallel
# tests (TestOperations, in its own environment, and the two cases of
# TestStuckRequest, which mostly wait) all run at once after the sequential
# ones, on 2 cores too.
go test -tags e2e -count=1 -timeout 30m -v -parallel 4 "$@" ./test/e2e/... -args -kubeconfig "${WORK_DIR}/kubeconfig" \
  -localenv-binary "${BIN_DIR}/localenv" -controller-binary "${BIN_DIR}/controller" -localenv-assets "${ASSETS}" \
  -webhook-binary "${BIN_DIR}/webhook" -serving-controller-binary "${SERVING_CONTROLLER}" \
  -kn-certmanager-binary "${BIN_DIR}/kn-certmanager" -release-yaml "${RELEASE_YAML}" \
  -alerteval-binary "${BIN_DIR}/alerteval"

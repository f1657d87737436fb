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

# The project's test command (see docs/development.md): build, vet, format,
# generated code, the unit tests with the race detector and coverage, then
# the local environment's own test and the e2e and conformance suites on a
# fresh local control plane (hack/e2e-local.sh). E2E=0 skips the last two.

set -o errexit
set -o nounset
set -o pipefail

REPO_ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${REPO_ROOT_DIR}"

step() { echo; echo "=== $* ($(date -u +%H:%M:%S))"; }

step "go build ./..."
go build ./...

step "go vet ./... (and the e2e suite)"
go vet ./...
go vet -tags e2e ./test/...

step "gofmt (hand-written code)"
unformatted=$(gofmt -l cmd pkg test hack 2>/dev/null | grep -v '^pkg/client/' | grep -v 'zz_generated' || true)
if [[ -n "${unformatted}" ]]; then
  echo "gofmt would change:" >&2
  echo "${unformatted}" >&2
  exit 1
fi

step "shell scripts: bash -n, and shellcheck where installed"
mapfile -t scripts < <(git ls-files '*.sh' .ci/run | grep -v '^vendor/')
for script in "${scripts[@]}"; do bash -n "${script}"; done
if command -v shellcheck >/dev/null; then
  shellcheck -x "${scripts[@]}"
else
  echo "shellcheck is not installed (Debian: apt-get install shellcheck); only bash -n ran"
fi

step "hack/verify-codegen.sh"
./hack/verify-codegen.sh

step "hack/update-checksums.sh --verify (config/ _example checksums)"
./hack/update-checksums.sh --verify

step "unit tests (race detector, coverage)"
COVER_DIR="$(mktemp -d)"
trap 'rm -rf "${COVER_DIR}"' EXIT
go test -race -count=1 -coverprofile="${COVER_DIR}/cover.out" \
  -coverpkg=./pkg/reconciler/certificate/... ./pkg/... ./cmd/... ./test/manifests/...
# Generated deepcopy code is not ours to cover.
grep -v zz_generated "${COVER_DIR}/cover.out" >"${COVER_DIR}/cover.ours.out"
echo "coverage of pkg/reconciler/certificate/...: $(go tool cover -func="${COVER_DIR}/cover.ours.out" | awk '/^total:/ {print $3}')"

if [[ "${E2E:-1}" == "0" ]]; then
  echo "E2E=0: skipping the local environment and the e2e suites"
  exit 0
fi

step "etcd and kube-apiserver from Go modules (cold: 6-17 min on 2 cores; cached after)"
ASSETS="$(./hack/build-localenv-tools.sh)"

step "localenv's own test (control plane, RBAC, cert-manager, Pebble)"
(cd test/localenv && GOFLAGS=-mod=mod GOWORK=off KUBEBUILDER_ASSETS="${ASSETS}" go vet ./... && \
  GOFLAGS=-mod=mod GOWORK=off KUBEBUILDER_ASSETS="${ASSETS}" go test -count=1 -timeout 15m ./...)

step "test/alertrules: docs/operating.md's alert rules validate and evaluate with Prometheus' PromQL engine"
(cd test/alertrules && GOFLAGS=-mod=mod GOWORK=off go vet ./... && GOFLAGS=-mod=mod GOWORK=off go test -count=1 ./...)

step "hack/release.sh (offline render of config/ with ko; cold: builds ko)"
OUTPUT_DIR="${COVER_DIR}/release" ./hack/release.sh

step "e2e and conformance suites on a fresh localenv"
RELEASE_YAML="${COVER_DIR}/release/net-certmanager.yaml" ./hack/e2e-local.sh

step "scale harness at N=50 on a fresh localenv (the zero-writes check is a gate; timings are not)"
(cd test/scale && GOFLAGS=-mod=mod GOWORK=off go vet ./... && GOFLAGS=-mod=mod GOWORK=off go test -count=1 ./...)
./hack/bench-scale.sh 50 -unrelated 500 -trickle 5

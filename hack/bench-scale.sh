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

# The scale harness (test/scale, see BENCHMARKS.md): a fresh local control
# plane with cert-manager's CA issuer, N Knative Certificates of mixed types,
# and the controller behind a request-counting proxy.
#
#   hack/bench-scale.sh N [bench-scale flags...]   e.g. hack/bench-scale.sh 1000 -qps 50 -burst 100
#
# It exits non-zero if the controller writes anything on a no-op resync or
# on a restart (the zero-writes gate), or if a phase times out. Results are
# printed and, with -out FILE, written as JSON.

set -o errexit
set -o nounset
set -o pipefail

REPO_ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${REPO_ROOT_DIR}"

if [[ $# -lt 1 || ! "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 N [bench-scale flags...]" >&2
  exit 2
fi
N="$1"
shift

BIN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/net-certmanager-bench.XXXXXX")"
trap 'rm -rf "${BIN_DIR}"' EXIT

ASSETS="$(./hack/build-localenv-tools.sh)"
go build -o "${BIN_DIR}/controller" ./cmd/controller
(cd test/scale && GOFLAGS=-mod=mod GOWORK=off go build -o "${BIN_DIR}/bench-scale" .)

echo "=== bench-scale N=${N} ($(date -u +%FT%TZ); load $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs)"
KUBEBUILDER_ASSETS="${ASSETS}" "${BIN_DIR}/bench-scale" -n "${N}" -controller "${BIN_DIR}/controller" \
  -config-dir "${REPO_ROOT_DIR}/config" "$@"

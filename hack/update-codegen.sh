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

# Regenerates the knative injection layer over cert-manager's own clientset,
# and the deepcopy functions of our config types.
#
# knative.dev/hack's library.sh is deliberately not sourced: it runs
# `go run knative.dev/toolbox/modscope@latest` while being sourced, and the
# module proxy refuses every knative.dev/toolbox version. Everything here
# needs only the module cache (or the proxy).

set -o errexit
set -o nounset
set -o pipefail

REPO_ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${REPO_ROOT_DIR}"

# The generators are pinned by hack/tools.go; -mod=mod lets `go run` and
# `go list -m` read them from the module cache rather than vendor/, whose
# modules.txt does not list the generators' own transitive packages.
export GOFLAGS="-mod=mod"
BOILERPLATE="${REPO_ROOT_DIR}/hack/boilerplate/boilerplate.go.txt"
# `go list -m` names a module's directory only once it is downloaded.
go mod download knative.dev/pkg
KNATIVE_PKG_DIR="$(go list -m -f '{{.Dir}}' knative.dev/pkg)"
[[ -d "${KNATIVE_PKG_DIR}" ]] || { echo "knative.dev/pkg is not in the module cache" >&2; exit 1; }

echo "=== Knative injection for cert-manager (certmanager:v1 acme:v1)"
# generate-knative.sh clears only its output package path relative to the
# module, so stale files of a removed kind are cleared here.
rm -rf pkg/client/certmanager/injection
OUTPUT_PKG="knative.dev/net-certmanager/pkg/client/certmanager/injection" \
  bash "${KNATIVE_PKG_DIR}/hack/generate-knative.sh" "injection" \
  github.com/cert-manager/cert-manager/pkg/client \
  github.com/cert-manager/cert-manager/pkg/apis \
  "certmanager:v1 acme:v1" \
  --go-header-file "${BOILERPLATE}"

echo "=== deepcopy for pkg/issuerconfig"
go run k8s.io/code-generator/cmd/deepcopy-gen \
  --output-file zz_generated.deepcopy.go \
  --go-header-file "${BOILERPLATE}" \
  knative.dev/net-certmanager/pkg/issuerconfig

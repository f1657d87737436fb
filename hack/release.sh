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

# Renders config/ into release YAML with ko (v0.19.1, pinned in
# hack/release-tools/go.mod): every `image: ko://...` becomes an image
# reference by digest.
#
#   hack/release.sh                 offline (the default): no registry, no push
#   KO_DOCKER_REPO=ghcr.io/me/net-certmanager hack/release.sh --push
#                                   a real release: ko's default base image,
#                                   images pushed to KO_DOCKER_REPO
#
# Offline, the images are still built (so the binaries compile for
# linux/amd64), on a minimal empty base image that hack/release-tools/kobase
# writes into ko's on-disk cache (KOCACHE) and names by digest, which ko then
# never pulls; they are not pushed, and the YAML names them under the
# placeholder registry registry.invalid (RFC 2606), which no cluster can pull.
#
# Outputs, in ${OUTPUT_DIR:-release/}:
#   net-certmanager.yaml                   config/ without config/optional/ (what `kubectl apply -Rf config/` installs);
#                                          no config-certmanager: Knative Serving ships and owns it
#   net-certmanager-selfsigned-issuer.yaml config/optional/100-selfsigned-issuer.yaml
#   config-certmanager-if-serving-has-none.yaml
#                                          config/optional/300-config-certmanager-if-serving-has-none.yaml,
#                                          only for a Serving without config-certmanager
# VERSION (default devel) replaces the app.kubernetes.io/version label.

set -o errexit
set -o nounset
set -o pipefail

REPO_ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${REPO_ROOT_DIR}"

PUSH=0
case "${1:-}" in
  "") ;;
  --push) PUSH=1 ;;
  *) echo "usage: [KO_DOCKER_REPO=...] [VERSION=...] [OUTPUT_DIR=...] $0 [--push]" >&2; exit 2 ;;
esac

VERSION="${VERSION:-devel}"
OUTPUT_DIR="${OUTPUT_DIR:-${REPO_ROOT_DIR}/release}"
CACHE_DIR="${XDG_CACHE_HOME:-${HOME}/.cache}/net-certmanager"
BIN_DIR="${CACHE_DIR}/bin"
mkdir -p "${OUTPUT_DIR}" "${BIN_DIR}"

step() { echo "=== $* ($(date -u +%H:%M:%S))" >&2; }

step "ko (hack/release-tools/go.mod)"
KO="${BIN_DIR}/ko-$(awk '$1 == "github.com/google/ko" {print $2}' hack/release-tools/go.mod)"
if [[ ! -x "${KO}" ]]; then
  (cd hack/release-tools && GOWORK=off GOFLAGS=-mod=mod go build -o "${KO}" github.com/google/ko)
fi

KO_FLAGS=(--base-import-paths)
if [[ ${PUSH} -eq 1 ]]; then
  if [[ -z "${KO_DOCKER_REPO:-}" ]]; then
    echo "--push needs KO_DOCKER_REPO, e.g. ghcr.io/you/net-certmanager" >&2
    exit 2
  fi
  # ko's default base image (or .ko.yaml / KO_DEFAULTBASEIMAGE), pulled.
else
  export KO_DOCKER_REPO="${KO_DOCKER_REPO:-registry.invalid/net-certmanager}"
  export KOCACHE="${CACHE_DIR}/ko"
  step "minimal base image in ${KOCACHE}/img (offline)"
  BASE_DIGEST="$(cd hack/release-tools && GOWORK=off GOFLAGS=-mod=mod go run ./kobase "${KOCACHE}/img")"
  export KO_DEFAULTBASEIMAGE="registry.invalid/net-certmanager/base@${BASE_DIGEST}"
  KO_FLAGS+=(--push=false)
fi

# render OUT FILE...: ko resolve, the version label, and checks.
render() {
  local out="$1"; shift
  local args=()
  for f in "$@"; do args+=(-f "${f}"); done
  step "ko resolve ${*} -> ${out}"
  "${KO}" resolve "${KO_FLAGS[@]}" "${args[@]}" >"${out}.tmp"
  sed -i "s#app.kubernetes.io/version: devel#app.kubernetes.io/version: \"${VERSION}\"#" "${out}.tmp"
  if grep -n 'ko://' "${out}.tmp" >&2; then
    echo "${out}: unresolved ko:// references" >&2
    exit 1
  fi
  mv "${out}.tmp" "${out}"
  echo "${out}: $(wc -c <"${out}") bytes; $(grep -E '^kind:' "${out}" | sort | uniq -c | awk '{printf "%s%s %s", sep, $1, $3; sep=", "}')"
  grep -E '^ +image:' "${out}" | sed 's/^ *//' | sort -u || true
}

mapfile -t CONFIG < <(find config -name '*.yaml' -not -path 'config/optional/*' | sort)
render "${OUTPUT_DIR}/net-certmanager.yaml" "${CONFIG[@]}"
render "${OUTPUT_DIR}/net-certmanager-selfsigned-issuer.yaml" config/optional/100-selfsigned-issuer.yaml
render "${OUTPUT_DIR}/config-certmanager-if-serving-has-none.yaml" config/optional/300-config-certmanager-if-serving-has-none.yaml
if grep -qE '^  name: config-certmanager$' "${OUTPUT_DIR}/net-certmanager.yaml"; then
  echo "${OUTPUT_DIR}/net-certmanager.yaml contains config-certmanager, which Knative Serving owns" >&2
  exit 1
fi

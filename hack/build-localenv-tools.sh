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

# Builds kube-apiserver, etcd and kubectl from their Go modules (no prebuilt
# binaries) into a versioned cache directory usable as envtest's KUBEBUILDER_ASSETS;
# with --serving, Knative Serving's controller instead (localenv --serving).
#
# The versions come from the nested modules:
#   test/localenv/tools/go.mod          (k8s.io/kubernetes)
#   test/localenv/tools/etcd/go.mod     (go.etcd.io/etcd/server/v3)
#   test/localenv/tools/serving/go.mod  (knative.dev/serving)
# so bumping one changes the cache directory and triggers a rebuild.
#
# Usage:
#   hack/build-localenv-tools.sh              build if needed, print the dir
#   hack/build-localenv-tools.sh --print-dir  only print the dir (no build)
#   hack/build-localenv-tools.sh --serving    build Serving's controller if
#                                             needed, print the binary's path
#
# Progress goes to stderr; the LAST line on stdout is the directory holding
# the binaries (or, with --serving, the serving-controller binary), e.g.:
#   export KUBEBUILDER_ASSETS="$(hack/build-localenv-tools.sh | tail -n1)"
#
# Cache root: ${NET_CERTMANAGER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/net-certmanager}
# A cold kube-apiserver build takes ~10-17 min on 2 cores (~2 GB RAM); etcd
# ~1.5 min; kubectl 2-8 min; Serving's controller (--serving) ~8.5 min (470 CPU-seconds, 1 GB).

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly TOOLS_DIR="${REPO_ROOT}/test/localenv/tools"
readonly ETCD_DIR="${TOOLS_DIR}/etcd"
readonly SERVING_DIR="${TOOLS_DIR}/serving"
readonly CACHE_ROOT="${NET_CERTMANAGER_CACHE:-${XDG_CACHE_HOME:-${HOME}/.cache}/net-certmanager}"

START_SECONDS="$(date +%s)"
readonly START_SECONDS

log() {
  local now
  now="$(date +%s)"
  printf '[%s +%ds] %s\n' "$(date -u +%H:%M:%S)" "$((now - START_SECONDS))" "$*" >&2
}

die() {
  log "ERROR: $*"
  exit 1
}

# required_version MODFILE MODULE prints the version MODULE is required at in
# MODFILE (single-line or block require).
required_version() {
  local modfile="$1" module="$2" version
  version="$(awk -v m="${module}" '
    /^require[ \t]*\(/ { inreq = 1; next }
    inreq && /^\)/ { inreq = 0; next }
    inreq && $1 == m { print $2; exit }
    /^require[ \t]/ && $2 == m { print $3; exit }
  ' "${modfile}")"
  [[ -n "${version}" ]] || die "no requirement on ${module} in ${modfile}"
  echo "${version}"
}

K8S_VERSION="$(required_version "${TOOLS_DIR}/go.mod" k8s.io/kubernetes)"
ETCD_VERSION="$(required_version "${ETCD_DIR}/go.mod" go.etcd.io/etcd/server/v3)"
SERVING_VERSION="$(required_version "${SERVING_DIR}/go.mod" knative.dev/serving)"
readonly K8S_VERSION ETCD_VERSION SERVING_VERSION
BIN_DIR="${CACHE_ROOT}/bin/k8s-${K8S_VERSION}-etcd-${ETCD_VERSION}"
SERVING=0

case "${1:-}" in
  "") ;;
  --print-dir)
    echo "${BIN_DIR}"
    exit 0
    ;;
  --serving)
    SERVING=1
    BIN_DIR="${CACHE_ROOT}/bin/serving-${SERVING_VERSION}"
    ;;
  -h|--help)
    awk '/^# Builds/ { p = 1 } /^set -euo/ { exit } p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *) die "unknown argument: $1 (expected --print-dir, --serving or nothing)" ;;
esac

command -v go >/dev/null || die "go is not on PATH"

# Nested modules: -mod=mod so a vendor/ directory in a parent never
# interferes, no workspace, no VCS stamping, static binaries.
export GOFLAGS="-mod=mod -buildvcs=false"
export GOWORK=off
export CGO_ENABLED=0

# is_good BINARY EXPECTED succeeds if BINARY runs `--version` and prints
# EXPECTED or, for EXPECTED "mod MODULE VERSION", if Go's build information
# in BINARY says it was built from that module version, as its main module or
# a dependency (Serving's controller has no --version).
is_good() {
  local bin="$1" expected="$2" version_args="${3:---version}" out
  [[ -x "${bin}" ]] || return 1
  if [[ "${expected}" == "mod "* ]]; then
    out="$(go version -m "${bin}" 2>&1)" || return 1
    awk -v m="$(cut -d' ' -f2 <<<"${expected}")" -v v="$(cut -d' ' -f3 <<<"${expected}")" \
      '($1 == "mod" || $1 == "dep") && $2 == m && $3 == v { found = 1 } END { exit !found }' <<<"${out}"
    return
  fi
  # shellcheck disable=SC2086  # version_args is a word list
  out="$("${bin}" ${version_args} 2>&1)" || return 1
  [[ "${out}" == *"${expected}"* ]]
}

TMP_BIN=""
BUILD_PID=""
cleanup() {
  if [[ -n "${BUILD_PID}" ]]; then
    kill "${BUILD_PID}" 2>/dev/null || true
    wait "${BUILD_PID}" 2>/dev/null || true
  fi
  if [[ -n "${TMP_BIN}" ]]; then
    rm -f "${TMP_BIN}"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# build NAME VERSION EXPECTED MODDIR PKG LDFLAGS NOTE [VERSION_ARGS] builds PKG
# inside MODDIR into ${BIN_DIR}/NAME unless a working binary is already there
# (one that prints EXPECTED when run with VERSION_ARGS, default --version). The binary is
# built to a temporary file in the same directory, checked, then renamed into
# place, so an interrupted build never leaves a partial binary behind.
build() {
  local name="$1" version="$2" expected="$3" moddir="$4" pkg="$5" ldflags="$6" note="$7" version_args="${8:-}"
  local dest="${BIN_DIR}/${name}"
  if is_good "${dest}" "${expected}" "${version_args}"; then
    log "cached: ${dest}"
    return 0
  fi
  local started
  started="$(date +%s)"
  log "building ${name} ${version} (${note})..."
  TMP_BIN="$(mktemp "${BIN_DIR}/.${name}.XXXXXX")"
  # In the background, so that a signal to this script is handled at once
  # (the EXIT trap stops the build and removes the temporary file).
  (cd "${moddir}" && exec go build -trimpath -ldflags "${ldflags}" -o "${TMP_BIN}" "${pkg}") &
  BUILD_PID=$!
  wait "${BUILD_PID}" || die "building ${name} ${version} failed"
  BUILD_PID=""
  is_good "${TMP_BIN}" "${expected}" "${version_args}" \
    || die "built ${name} does not report ${expected}"
  chmod 0755 "${TMP_BIN}"
  mv -f "${TMP_BIN}" "${dest}"
  TMP_BIN=""
  log "built ${dest} in $(($(date +%s) - started))s ($(du -h "${dest}" | cut -f1))"
}

mkdir -p "${BIN_DIR}"

# Serialize concurrent runs so two callers do not both spend the cold build.
if command -v flock >/dev/null; then
  exec 9>"${BIN_DIR}/.lock"
  if ! flock -n 9; then
    log "another build into ${BIN_DIR} is running; waiting for it..."
    flock 9
  fi
  # Holding the lock: any temp file left is from a build that was killed too
  # hard to clean up after itself.
  rm -f "${BIN_DIR}"/.etcd.* "${BIN_DIR}"/.kube-apiserver.* "${BIN_DIR}"/.kubectl.* "${BIN_DIR}"/.serving-controller.*
fi

# Serving's own cmd/controller (it registers the cert-manager informers its
# certificate reconciler needs), under its own binary name: client-go puts
# that name in the User-Agent, so its writes differ from ours in managedFields
# and the audit log.
if [[ "${SERVING}" == 1 ]]; then
  build serving-controller "${SERVING_VERSION}" "mod knative.dev/serving ${SERVING_VERSION}" "${SERVING_DIR}" \
    knative.dev/serving/cmd/controller "-s -w" "cold build takes ~8.5 min on 2 cores"
  log "done: ${BIN_DIR}/serving-controller"
  echo "${BIN_DIR}/serving-controller"
  exit 0
fi

# etcd first: it is quick, and its failure shows up before the long build.
build etcd "${ETCD_VERSION}" "etcd Version: ${ETCD_VERSION#v}" "${ETCD_DIR}" \
  . "-s -w" "cold build takes ~1.5 min on 2 cores"

k8s_build_ldflags() {
  local minor build_date
  minor="$(cut -d. -f2 <<<"${K8S_VERSION}")"
  # Use the release's tag time as build date, so the binary is reproducible.
  build_date="$(cd "${TOOLS_DIR}" && go list -m \
    -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' k8s.io/kubernetes)"
  : "${build_date:=2026-01-01T00:00:00Z}"
  local flags="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X ${pkg}.gitVersion=${K8S_VERSION}"
    flags+=" -X ${pkg}.gitMajor=$(cut -d. -f1 <<<"${K8S_VERSION#v}")"
    flags+=" -X ${pkg}.gitMinor=${minor}"
    # The module zip carries no commit; use a fixed placeholder.
    flags+=" -X ${pkg}.gitCommit=0000000000000000000000000000000000000000"
    flags+=" -X ${pkg}.gitTreeState=clean"
    flags+=" -X ${pkg}.buildDate=${build_date}"
  done
  echo "${flags}"
}

build kube-apiserver "${K8S_VERSION}" "Kubernetes ${K8S_VERSION}" "${TOOLS_DIR}" \
  k8s.io/kubernetes/cmd/kube-apiserver "$(k8s_build_ldflags)" \
  "cold build takes ~10-17 min on 2 cores"

# kubectl of the same release, for the user of hack/local-up.sh and the e2e
# that runs the integration guide's commands.
build kubectl "${K8S_VERSION}" "Client Version: ${K8S_VERSION}" "${TOOLS_DIR}" \
  k8s.io/kubernetes/cmd/kubectl "$(k8s_build_ldflags)" \
  "cold build takes ~2-8 min on 2 cores" "version --client"

log "done: ${BIN_DIR}"
echo "${BIN_DIR}"

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

# Runs net-certmanager locally, without a cluster or containers:
#   - etcd + kube-apiserver (RBAC on), built from source by
#     hack/build-localenv-tools.sh,
#   - the Knative Certificate and cert-manager CRDs, cert-manager's controllers
#     and a Pebble ACME server (in the localenv process, test/localenv),
#   - config/ applied (minus the Deployment), a self-signed CA ClusterIssuer
#     knative-selfsigned-issuer and an ACME ClusterIssuer pebble-http01,
#   - the controller (./cmd/controller) and the validation webhook
#     (./cmd/webhook) as local processes impersonating their ServiceAccounts;
#     the apiserver reaches the webhook through localenv's egress proxy,
# then creates one demo KCert of each certificate type, waits until they are
# Ready and prints them. <work-dir>/bin holds kubectl (built from source, of
# the apiserver's release, pointing at this environment) and kn-certmanager.
# Everything stays up until Ctrl-C.
#
# With --serving, Knative Serving's real controller runs too (built from its
# Go module once, ~8.5 min on 2 cores), with Serving's CRDs and ConfigMaps,
# TLS for external domains on, config-network pointing at our certificate
# class and a minimal KIngress implementation on loopback; the demo is then a
# DomainMapping of a plain Service whose certificate the local Pebble issues
# over HTTP-01 (through Serving's KIngress and cert-manager's solver), Ready
# with an https URL, and a request to it through the minimal ingress.
#
# Usage:
#   hack/local-up.sh [--serving] [--no-demo] [--no-controller] [--work-dir DIR]
#
#   --serving        run Knative Serving's controller too (see above)
#   --no-demo        do not create the demo KCerts (or DomainMapping)
#   --no-controller  do not start the controller or the webhook (run the
#                    controller yourself with the printed controller kubeconfig)
#   --work-dir DIR   kubeconfigs, logs and binaries (default <repo>/.localenv,
#                    which ignores itself in git)
#
# Kubeconfigs: <work-dir>/kubeconfig (admin) and
# <work-dir>/kubeconfig-controller (the controller's ServiceAccount),
# <work-dir>/kubeconfig-webhook (the webhook's).
# Logs: <work-dir>/logs/{controller,webhook,egress-proxy,cert-manager,pebble,kube-apiserver,etcd}.log

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT

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

usage() {
  awk '/^# Runs/ { p = 1 } /^set -euo/ { exit } p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

DEMO=1
CONTROLLER=1
SERVING=0
WORK_DIR="${REPO_ROOT}/.localenv"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --serving) SERVING=1 ;;
    --no-demo) DEMO=0 ;;
    --no-controller) CONTROLLER=0 ;;
    --work-dir)
      [[ $# -ge 2 ]] || die "--work-dir needs a value"
      WORK_DIR="$2"
      shift
      ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done
if [[ "${DEMO}" == 1 && "${CONTROLLER}" == 0 ]]; then
  log "--no-controller: skipping the demo, nothing would reconcile it"
  DEMO=0
fi

command -v go >/dev/null || die "go is not on PATH"
mkdir -p "${WORK_DIR}/bin"
WORK_DIR="$(cd "${WORK_DIR}" && pwd)"
readonly WORK_DIR BIN_DIR="${WORK_DIR}/bin"
# The work directory never belongs in git.
[[ -f "${WORK_DIR}/.gitignore" ]] || printf '# Created by hack/local-up.sh.\n*\n' >"${WORK_DIR}/.gitignore"

LOCALENV_PID=""
BUILD_PID=""
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  local rc=$?
  if [[ -n "${BUILD_PID}" ]]; then
    kill "${BUILD_PID}" 2>/dev/null || true
    wait "${BUILD_PID}" 2>/dev/null || true
  fi
  if [[ -n "${LOCALENV_PID}" ]] && kill -0 "${LOCALENV_PID}" 2>/dev/null; then
    log "stopping localenv (pid ${LOCALENV_PID})..."
    kill -TERM "${LOCALENV_PID}" 2>/dev/null || true
    wait "${LOCALENV_PID}" 2>/dev/null || true
  fi
  exit "${rc}"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# run_build DESCRIPTION DIR COMMAND... runs COMMAND in DIR in the background,
# so that Ctrl-C stops it at once.
run_build() {
  local what="$1" dir="$2" started
  shift 2
  started="$(date +%s)"
  log "building ${what}..."
  (cd "${dir}" && exec "$@") &
  BUILD_PID=$!
  wait "${BUILD_PID}" || die "building ${what} failed"
  BUILD_PID=""
  log "built ${what} in $(($(date +%s) - started))s"
}

# 1. etcd and kube-apiserver (cached; a cold build takes 10-17 min).
log "etcd and kube-apiserver: hack/build-localenv-tools.sh"
ASSETS="$("${REPO_ROOT}/hack/build-localenv-tools.sh" | tail -n1)"
[[ -x "${ASSETS}/etcd" && -x "${ASSETS}/kube-apiserver" && -x "${ASSETS}/kubectl" ]] || die "no binaries in ${ASSETS}"

SERVING_FLAGS=()
if [[ "${SERVING}" == 1 ]]; then
  log "Knative Serving's controller: hack/build-localenv-tools.sh --serving"
  SERVING_CONTROLLER="$("${REPO_ROOT}/hack/build-localenv-tools.sh" --serving | tail -n1)"
  [[ -x "${SERVING_CONTROLLER}" ]] || die "no Serving controller at ${SERVING_CONTROLLER}"
  SERVING_FLAGS=(--serving-controller "${SERVING_CONTROLLER}")
fi

# 2. localenv: a nested module, so -mod=mod and no workspace. go build is
# incremental; a cold build (cert-manager, Pebble, envtest) takes ~7 min.
if [[ ! -x "${BIN_DIR}/localenv" ]]; then
  log "localenv is not built yet; the first build takes several minutes"
fi
run_build "localenv (test/localenv)" "${REPO_ROOT}/test/localenv" \
  env GOFLAGS=-mod=mod GOWORK=off go build -o "${BIN_DIR}/localenv" ./cmd/localenv

# 3. The controller, from the main module (vendor/).
CONTROLLER_FLAGS=()
if [[ "${CONTROLLER}" == 1 ]]; then
  run_build "controller (./cmd/controller)" "${REPO_ROOT}" go build -o "${BIN_DIR}/controller" ./cmd/controller
  run_build "webhook (./cmd/webhook)" "${REPO_ROOT}" go build -o "${BIN_DIR}/webhook" ./cmd/webhook
  CONTROLLER_FLAGS=(--run-controller "${BIN_DIR}/controller" --run-webhook "${BIN_DIR}/webhook")
fi
# The kn plugin: kn finds kn-certmanager on PATH as `kn certmanager`.
run_build "kn-certmanager (./cmd/kn-certmanager)" "${REPO_ROOT}" go build -o "${BIN_DIR}/kn-certmanager" ./cmd/kn-certmanager

# 4. Start localenv. Its progress goes to stderr, its READY line to a file.
# --exit-with-parent: it shuts down should this script be killed.
OUT="${WORK_DIR}/localenv.out"
: >"${OUT}"
log "starting localenv..."
"${BIN_DIR}/localenv" up --assets "${ASSETS}" --work-dir "${WORK_DIR}" \
  --exit-with-parent "${CONTROLLER_FLAGS[@]}" "${SERVING_FLAGS[@]}" >"${OUT}" &
LOCALENV_PID=$!

for _ in $(seq 1 600); do
  if grep -q '^localenv: ready' "${OUT}"; then
    break
  fi
  kill -0 "${LOCALENV_PID}" 2>/dev/null || die "localenv exited before it was ready (logs in ${WORK_DIR}/logs)"
  sleep 0.5
done
grep -q '^localenv: ready' "${OUT}" || die "localenv not ready after 5 minutes (logs in ${WORK_DIR}/logs)"
KUBECONFIG_PATH="${WORK_DIR}/kubeconfig"
log "localenv is ready"

# kubectl of the apiserver's release, already pointing at this environment,
# so that the integration guide's commands work as written.
cat >"${BIN_DIR}/kubectl" <<EOF
#!/usr/bin/env bash
# Written by hack/local-up.sh: kubectl for the local environment in ${WORK_DIR}.
exec "${ASSETS}/kubectl" --kubeconfig "${KUBECONFIG_PATH}" "\$@"
EOF
chmod 0755 "${BIN_DIR}/kubectl"

# 5. The demo.
if [[ "${DEMO}" == 1 && "${SERVING}" == 1 ]]; then
  log "creating the demo DomainMapping..."
  if ! "${BIN_DIR}/localenv" demo --serving --kubeconfig "${KUBECONFIG_PATH}" --timeout 2m; then
    log "the demo DomainMapping did not work out; last Serving controller log lines:"
    tail -n 20 "${WORK_DIR}/logs/serving-controller.log" >&2 || true
    die "demo failed (logs in ${WORK_DIR}/logs)"
  fi
elif [[ "${DEMO}" == 1 ]]; then
  log "creating the demo KCerts..."
  if ! "${BIN_DIR}/localenv" demo --kubeconfig "${KUBECONFIG_PATH}" --timeout 2m; then
    log "the demo KCerts did not all become Ready; last controller log lines:"
    tail -n 20 "${WORK_DIR}/logs/controller.log" >&2 || true
    die "demo failed (logs in ${WORK_DIR}/logs)"
  fi
fi

cat >&2 <<EOF

net-certmanager is running locally. Use it with kubectl $("${ASSETS}/kubectl" version --client 2>/dev/null | sed -n 's/^Client Version: //p')
(built from source; ${BIN_DIR}/kubectl already points at this environment) and the plugin:
  export PATH="${BIN_DIR}:\${PATH}" KUBECONFIG=${KUBECONFIG_PATH}
  kubectl get clusterissuers
  kubectl -n knative-serving edit configmap config-certmanager
  kubectl get kcert -A
  kn-certmanager doctor          # \`kn certmanager doctor\` with kn installed
More demo KCerts: '${BIN_DIR}/localenv demo --kubeconfig ${KUBECONFIG_PATH}'.
Controller kubeconfig: ${WORK_DIR}/kubeconfig-controller
Webhook kubeconfig: ${WORK_DIR}/kubeconfig-webhook (config-certmanager changes are validated)
Logs: ${WORK_DIR}/logs/
EOF
if [[ "${SERVING}" == 1 ]]; then
  cat >&2 <<EOF
Knative Serving's controller runs too (log ${WORK_DIR}/logs/serving-controller.log); more
DomainMappings over https: '${BIN_DIR}/localenv demo --serving --kubeconfig ${KUBECONFIG_PATH}'.
The minimal ingress listens on https://$(cat "${WORK_DIR}/ingress-https-address") (it routes by Host);
the audit log of Certificate writes is ${WORK_DIR}/logs/audit.log.
EOF
fi
echo "Press Ctrl-C to stop." >&2

# Wait for Ctrl-C (the INT trap), or for localenv to end by itself.
set +e
wait "${LOCALENV_PID}"
rc=$?
set -e
LOCALENV_PID=""
log "localenv exited (${rc})"
exit "${rc}"

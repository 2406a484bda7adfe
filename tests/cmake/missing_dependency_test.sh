#!/usr/bin/env bash
# CMake stops at configure time naming the Debian package of a missing dependency
# (cmake/dependencies.cmake). Each dependency is hidden in turn from a fresh configure.
#   missing_dependency_test.sh SOURCE_DIR CMAKE
set -euo pipefail
src="$1" cmake="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0
expect() {  # expect PACKAGE CMAKE-ARGS...   (env assignments go before, via `env`)
  local package="$1"; shift
  rm -rf "$work/build"
  if "$@" -S "$src" -B "$work/build" -G Ninja >"$work/out" 2>&1; then
    echo "FAIL: configure succeeded with $package hidden"; failed=1; return
  fi
  if grep -q "install the Debian package $package" <(tr -s ' \n' ' ' <"$work/out"); then
    echo "ok   hidden $package: $(grep -m1 'paymesh needs' "$work/out" | sed 's/^ *//')"
  else
    echo "FAIL: hiding $package did not name it:"; sed 's/^/  /' "$work/out" | tail -8; failed=1
  fi
}
for dep in "nlohmann_json nlohmann-json3-dev" "OpenSSL libssl-dev" "cpprestsdk libcpprest-dev" \
  "prometheus-cpp prometheus-cpp-dev" "simdjson libsimdjson-dev" "Boost libboost-dev" "GTest libgtest-dev" "benchmark libbenchmark-dev" "PkgConfig pkg-config"; do
  set -- $dep
  expect "$2" "$cmake" "-DCMAKE_DISABLE_FIND_PACKAGE_$1=ON"
done
# pkg-config modules: an empty module path hides them all; libyaml's is checked first.
expect libyaml-dev env PKG_CONFIG_LIBDIR="$work/none" PKG_CONFIG_PATH= "$cmake"
exit "$failed"

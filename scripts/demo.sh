#!/usr/bin/env bash
# The demo: installs the dependencies, builds paymesh, and runs it on the bundled
# payments platform in examples/payments.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j"$(nproc)" --target paymeshctl

ctl=build/default/paymeshctl/paymeshctl
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Validate the example platform (PaymentServices, Deployments) and the mesh config"
$ctl validate -f examples/payments --mesh-config examples/mesh-config.yaml

say "A broken PaymentService is refused offline, with file, line and field"
$ctl validate -f tests/testdata/validate/invalid.yaml || echo "(exit code $? as expected)"

say "The CustomResourceDefinition the model generates (first lines)"
$ctl crd | head -n 25

say "The PaymentServices of the example platform"
for f in examples/payments/*.yaml; do
  awk '/^kind: PaymentService/{p=1} p&&/^  name:/{print "  - " $2; p=0}' "$f"
done

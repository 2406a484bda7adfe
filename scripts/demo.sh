#!/usr/bin/env bash
# The demo: installs the dependencies, builds paymesh, and runs it on the bundled
# payments platform (examples/payments, with the pods of examples/endpoints).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j"$(nproc)" --target paymeshctl

ctl=build/default/paymeshctl/paymeshctl
out="$(mktemp -d /tmp/paymesh-demo.XXXXXX)"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "1. Validate the platform (5 PaymentServices, their Deployments) and the mesh config"
$ctl validate -f examples/payments --mesh-config examples/mesh-config.yaml

say "2. A broken PaymentService is refused offline, with file, line and field"
$ctl validate -f tests/testdata/validate/invalid.yaml || echo "(exit code $?, as expected)"

say "3. Render every sidecar ConfigMap, as the operator writes them"
$ctl render -f examples/payments -f examples/endpoints --mesh-config examples/mesh-config.yaml -o "$out/config"
for f in "$out"/config/payments/*.yaml; do
  printf '  %-34s %7d bytes  %s\n' "$(basename "$f")" "$(wc -c <"$f")" \
    "$(grep -o 'sha256:[0-9a-f]\{12\}' "$f" | head -1)"
done

say "4. payment calls settlement: a payment is retried only with an idempotency key"
awk '/name: outbound\|settlement$/,/name: outbound\|clearing$/' "$out/config/payments/payment-paymesh.yaml" \
  | grep -E 'present_match|num_retries|retry_on|per_try_timeout|header_name' | sed 's/^ */  /'

say "5. Which settlement pod owns a payment (Maglev, as the sidecars hash x-payment-id)"
for id in pay-123 pay-456 pay-789; do
  printf '  %-8s -> %s\n' "$id" "$($ctl ring lookup -f examples/payments -f examples/endpoints --service settlement "$id")"
done

say "6. Mesh PKI: a CA and settlement's workload certificate (SPIFFE identity), checked with openssl"
$ctl ca init --out "$out/ca" >/dev/null
$ctl cert issue --ca "$out/ca" --spiffe spiffe://cluster.local/ns/payments/sa/settlement \
  --dns settlement.payments.svc --dns settlement.payments.svc.cluster.local --duration 24h --out "$out/settlement" >/dev/null
openssl verify -CAfile "$out/ca/ca.crt" "$out/settlement/tls.crt"
openssl x509 -in "$out/settlement/tls.crt" -noout -ext subjectAltName,extendedKeyUsage | sed 's/^/  /'
ls -l "$out/settlement/tls.key" | awk '{print "  tls.key mode: " $1}'

say "Done. Everything the demo wrote is under $out"

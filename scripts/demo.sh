#!/usr/bin/env bash
# The demo: installs the dependencies, builds paymesh, and runs it on the bundled
# payments platform (examples/payments, with the pods of examples/endpoints).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j"$(nproc)" --target paymeshctl kube-emulator paymesh-operator paymesh-webhook

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

say "6b. End-user tokens: would payment's sidecar accept them? (paymeshctl auth check, offline)"
# A stand-in for the payments identity provider: an RSA key, its JWKS in the ConfigMap
# payment reads, and tokens signed with openssl (RS256 = RSASSA-PKCS1-v1_5 with SHA-256).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out/idp.key" 2>/dev/null
b64url() { python3 -c 'import base64, sys; print(base64.urlsafe_b64encode(sys.stdin.buffer.read()).rstrip(b"=").decode())'; }
modulus="$(openssl rsa -in "$out/idp.key" -noout -modulus 2>/dev/null | cut -d= -f2 | python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read().strip()))' | b64url)"
cat >"$out/idp-jwks.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: payment-idp-jwks, namespace: payments, labels: {paymesh.io/jwks: "true"}}
data:
  jwks.json: '{"keys": [{"kty": "RSA", "kid": "demo", "alg": "RS256", "n": "$modulus", "e": "AQAB"}]}'
YAML
token() {  # token SCOPE: signed by the demo key, valid for 10 minutes
  local header payload
  header="$(printf '{"alg":"RS256","kid":"demo","typ":"JWT"}' | b64url)"
  payload="$(printf '{"iss":"https://idp.payments.example.com","aud":"payments-api","sub":"user-42","scope":"%s","exp":%d}' \
    "$1" "$(($(date +%s) + 600))" | b64url)"
  printf '%s.%s.%s' "$header" "$payload" \
    "$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$out/idp.key" | b64url)"
}
auth() { $ctl auth check --service payment -f examples/payments/payment.yaml -f "$out/idp-jwks.yaml" "$@" | sed 's/^/  /'; }
echo "  a token with the payments:write scope on /v1/payments:"
auth --path /v1/payments --token "$(token 'payments:read payments:write')"
echo "  the same user without the scope:"
auth --path /v1/payments --token "$(token 'payments:read')" || echo "  (exit code $?, as expected)"
echo "  the health check, without any token:"
auth --path /healthz

kubectl=tools/bin/kubectl helm=tools/bin/helm   # as scripts/install-deps.sh installed them
# The containers of the chart's Deployments run here as processes, with the pods' arguments
# and the files the kubelet would mount (the mesh config, the webhook's serving Secret).
container_args() {  # container_args DEPLOYMENT FLAG=VALUE...: its args, with those flags replaced
  local deployment="$1"; shift
  $kubectl get deployment "$deployment" -n paymesh-system \
    -o jsonpath='{range .spec.template.spec.containers[0].args[*]}{@}{"\n"}{end}' |
    while read -r arg; do
      for r in "$@"; do [ "${arg%%=*}" = "${r%%=*}" ] && arg="$r"; done
      echo "$arg"
    done
}
webhook_port="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close() })')"

say "7. Install the chart into the Kubernetes API emulator with helm"
# The emulator dials the webhook Service at the port the webhook process listens on.
build/default/tests/emulator/kube-emulator --kubeconfig-out "$out/kubeconfig" \
  --service-host "paymesh-webhook.paymesh-system=127.0.0.1:$webhook_port" >"$out/emulator.log" 2>&1 &
emulator=$!
operator="" webhook=""
trap 'kill $webhook $operator $emulator 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$out/kubeconfig" ] && break; sleep 0.1; done
export KUBECONFIG="$out/kubeconfig"
$helm install paymesh charts/paymesh -n paymesh-system --create-namespace | sed 's/^/  /'
$kubectl get deployments,services,poddisruptionbudgets,secrets -n paymesh-system | sed 's/^/  /'
$kubectl get mutatingwebhookconfigurations | sed 's/^/  /'
$kubectl get configmap paymesh-mesh-config -n paymesh-system -o jsonpath='{.data.mesh\.yaml}' >"$out/mesh.yaml"
# The payments namespace carries the injection label (examples/payments/00-namespace.yaml).
$kubectl apply -f examples/payments/ | grep -E 'namespace/|paymentservice' | sed 's/^/  /'
echo "  defaults filled in by the CRD schema:"
$kubectl get psvc ledger -n payments -o jsonpath='    retry.requireIdempotencyKey={.spec.resilience.retry.requireIdempotencyKey} tls.certificate.duration={.spec.tls.certificate.duration}{"\n"}'

say "8. The operator issues the webhook's certificate; the webhook serves it"
mapfile -t args < <(container_args paymesh-operator --mesh-config="$out/mesh.yaml" --metrics-addr=0 --health-addr=0)
echo "  paymesh-operator ${args[*]}"
build/default/operator/paymesh-operator --kubeconfig "$out/kubeconfig" "${args[@]}" >"$out/operator.log" 2>&1 &
operator=$!
for i in $(seq 150); do
  [ -n "$($kubectl get mutatingwebhookconfiguration paymesh-sidecar-injector -o jsonpath='{.webhooks[0].clientConfig.caBundle}')" ] &&
    [ -n "$($kubectl get secret paymesh-webhook-tls -n paymesh-system -o jsonpath='{.data.tls\.crt}')" ] && break
  [ "$i" = 150 ] && { echo "  the operator did not fill the webhook Secret and caBundle; see $out/operator.log"; exit 1; }
  sleep 0.2
done
echo "  the chart's Secret paymesh-webhook-tls now holds:"
$kubectl get secret paymesh-webhook-tls -n paymesh-system -o jsonpath='{.data.tls\.crt}' | base64 -d |
  openssl x509 -noout -subject -ext subjectAltName | sed 's/^/    /'
printf '  and the injector'"'"'s caBundle the mesh CA (%s base64 bytes)\n' \
  "$($kubectl get mutatingwebhookconfiguration paymesh-sidecar-injector -o jsonpath='{.webhooks[0].clientConfig.caBundle}' | wc -c)"
mkdir -p "$out/webhook-tls"  # the Secret's files, as its volume mount holds them
for key in tls.crt tls.key ca.crt; do
  $kubectl get secret paymesh-webhook-tls -n paymesh-system -o jsonpath="{.data.${key//./\\.}}" | base64 -d >"$out/webhook-tls/$key"
done
mapfile -t args < <(container_args paymesh-webhook --cert-dir="$out/webhook-tls" --port="$webhook_port" \
  --mesh-config="$out/mesh.yaml" --metrics-addr=0)
echo "  paymesh-webhook ${args[*]}"
build/default/webhook/paymesh-webhook --kubeconfig "$out/kubeconfig" "${args[@]}" >"$out/webhook.log" 2>&1 &
webhook=$!
for _ in $(seq 100); do curl -skf "https://127.0.0.1:$webhook_port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
echo "  /readyz answers over HTTPS: pods of the payments namespace are injected from now on"

say "9. The example pods come up injected; the operator reconciles them and they report Ready"
$kubectl apply -f examples/endpoints/pods.yaml >/dev/null
# A kubelet would report the pods' status; here the demo does, from the same file.
awk '/^  name: /{name=$2} /^  podIP: /{ip=$2} /type: Ready/{getline; split($0, a, "'"'"'"); print name, ip, a[2]}' \
  examples/endpoints/pods.yaml | while read -r name ip ready; do
  $kubectl patch pod "$name" -n payments --subresource=status --type=merge \
    -p "{\"status\":{\"phase\":\"Running\",\"podIP\":\"$ip\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"$ready\"}]}}" >/dev/null
done
for _ in $(seq 120); do
  [ "$($kubectl get psvc -n payments -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{" "}{end}')" = "True True True True True " ] && break
  sleep 0.5
done
$kubectl get psvc -n payments | sed 's/^/  /'
$kubectl get pods -n payments -o jsonpath='{range .items[*]}  {.metadata.name}: {.spec.initContainers[*].name} {.spec.containers[*].name}{"\n"}{end}'
$kubectl get configmaps,secrets -n payments -l app.kubernetes.io/managed-by=paymesh | sed 's/^/  /'
echo "  what the operator wrote equals what paymeshctl render printed:"
for svc in payment settlement settlement-standby clearing ledger; do
  written="$($kubectl get configmap "$svc-paymesh" -n payments -o jsonpath='{.metadata.annotations.paymesh\.io/config-hash}')"
  rendered="$(grep -o 'sha256:[0-9a-f]*' "$out/config/payments/$svc-paymesh.yaml" | head -1)"
  printf '    %-20s %s %s\n' "$svc" "${written:0:19}" "$([ "$written" = "$rendered" ] && echo "= render" || echo "!= render ${rendered:0:19}")"
done
echo "  a pod no PaymentService selects is refused (failurePolicy Fail: never created without its sidecar):"
printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: reporting, namespace: payments, labels: {app: reporting}}\nspec: {containers: [{name: app, image: r:1}]}\n' |
  $kubectl create -f - 2>&1 | fold -s -w 100 | sed 's/^/    /' || true

say "10. The webhook: a pod goes in plain and comes out injected"
cat >"$out/plain-pod.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata: {generateName: settlement-demo-, namespace: payments, labels: {app: settlement}}
spec:
  serviceAccountName: settlement
  containers: [{name: app, image: registry.example.com/payments/settlement:2.4.1}]
YAML
echo "  in:  containers: app"
pod="$($kubectl create -f "$out/plain-pod.yaml" -o jsonpath='{.metadata.name}')"
$kubectl get pod "$pod" -n payments -o jsonpath='  out: initContainers: {.spec.initContainers[*].name} (restartPolicy {.spec.initContainers[0].restartPolicy}); containers: {.spec.containers[*].name}; volumes: {.spec.volumes[*].name}{"\n"}  label paymesh.io/service={.metadata.labels.paymesh\.io/service}{"\n"}'
echo "  the same pod offline, for GitOps: paymeshctl inject --output-patch -f plain-pod.yaml --services examples/payments"
$ctl inject --output-patch -f "$out/plain-pod.yaml" --services examples/payments \
  | python3 -c 'import json, sys; [print("    " + op["op"], op["path"]) for op in json.load(sys.stdin)]'
kill $webhook $operator $emulator 2>/dev/null || true

say "Done. Everything the demo wrote is under $out"

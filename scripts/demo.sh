#!/usr/bin/env bash
# The demo: installs the dependencies, builds paymesh, and runs it on the bundled
# payments platform (examples/payments, with the pods of examples/endpoints).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j"$(nproc)" --target paymeshctl kube-emulator paymesh-operator paymesh-webhook
export PATH="$PWD/tools/k8s/bin:$PATH"  # kubectl, installed by install-deps from npm

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

if command -v kubectl >/dev/null 2>&1; then
  say "7. The platform on the Kubernetes API emulator, with the real kubectl"
  webhook_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  build/default/tests/emulator/kube-emulator --kubeconfig-out "$out/kubeconfig" \
    --service-host "paymesh-webhook.paymesh-system=127.0.0.1:$webhook_port" >"$out/emulator.log" 2>&1 &
  emulator=$!
  operator=""
  webhook=""
  trap 'kill $webhook $operator $emulator 2>/dev/null || true' EXIT
  for _ in $(seq 50); do [ -s "$out/kubeconfig" ] && break; sleep 0.1; done
  export KUBECONFIG="$out/kubeconfig"
  kubectl apply -f crds/ | sed 's/^/  /'
  printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: paymesh-system\n' | kubectl apply -f - | sed 's/^/  /'
  kubectl apply -f examples/payments/ | grep paymentservice | sed 's/^/  /'
  # The injector configuration, as the chart installs it (the operator fills in its caBundle).
  cat >"$out/injector.yaml" <<'YAML'
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: paymesh-sidecar-injector}
webhooks:
  - name: inject.paymesh.io
    clientConfig: {service: {name: paymesh-webhook, namespace: paymesh-system, path: /inject}}
    admissionReviewVersions: [v1]
    sideEffects: None
    failurePolicy: Fail
    namespaceSelector: {matchLabels: {paymesh.io/injection: enabled}}
    rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
YAML
  kubectl apply -f "$out/injector.yaml" | sed 's/^/  /'
  echo "  defaults filled in by the CRD schema:"
  kubectl get psvc ledger -n payments -o jsonpath='    retry.requireIdempotencyKey={.spec.resilience.retry.requireIdempotencyKey} tls.certificate.duration={.spec.tls.certificate.duration}{"\n"}'

  say "8. The operator reconciles them; pods come up and report Ready"
  build/default/operator/paymesh-operator --kubeconfig "$out/kubeconfig" --metrics-addr 0 --health-addr 0 \
    >"$out/operator.log" 2>&1 &
  operator=$!
  # The webhook serves the certificate the operator issues, from a directory as a mounted Secret.
  for i in $(seq 100); do
    [ -n "$(kubectl get mutatingwebhookconfiguration paymesh-sidecar-injector -o jsonpath='{.webhooks[0].clientConfig.caBundle}')" ] && break
    [ "$i" = 100 ] && { echo "  the operator did not set the caBundle; see $out/operator.log"; exit 1; }
    sleep 0.2
  done
  echo "  the operator issued the webhook's certificate (Secret paymesh-webhook-tls) and set the caBundle"
  mkdir -p "$out/webhook-tls"
  for key in tls.crt tls.key; do
    kubectl get secret paymesh-webhook-tls -n paymesh-system -o jsonpath="{.data.${key//./\\.}}" | base64 -d >"$out/webhook-tls/$key"
  done
  build/default/webhook/paymesh-webhook --kubeconfig "$out/kubeconfig" --cert-dir "$out/webhook-tls" \
    --address 127.0.0.1 --port "$webhook_port" --metrics-addr 0 >"$out/webhook.log" 2>&1 &
  webhook=$!
  for _ in $(seq 100); do curl -sk "https://127.0.0.1:$webhook_port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  echo "  paymesh-webhook is ready: from now on pods of the payments namespace are injected"
  kubectl apply -f examples/endpoints/pods.yaml >/dev/null
  # A kubelet would report the pods' status; here the demo does, from the same file.
  awk '/^  name: /{name=$2} /^  podIP: /{ip=$2} /type: Ready/{getline; split($0, a, "'"'"'"); print name, ip, a[2]}' \
    examples/endpoints/pods.yaml | while read -r name ip ready; do
    kubectl patch pod "$name" -n payments --subresource=status --type=merge \
      -p "{\"status\":{\"phase\":\"Running\",\"podIP\":\"$ip\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"$ready\"}]}}" >/dev/null
  done
  for _ in $(seq 120); do
    [ "$(kubectl get psvc -n payments -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{" "}{end}')" = "True True True True True " ] && break
    sleep 0.5
  done
  kubectl get psvc -n payments | sed 's/^/  /'
  kubectl get configmaps,secrets -n payments -l app.kubernetes.io/managed-by=paymesh | sed 's/^/  /'
  echo "  what the operator wrote equals what paymeshctl render printed:"
  for svc in payment settlement settlement-standby clearing ledger; do
    written="$(kubectl get configmap "$svc-paymesh" -n payments -o jsonpath='{.metadata.annotations.paymesh\.io/config-hash}')"
    rendered="$(grep -o 'sha256:[0-9a-f]*' "$out/config/payments/$svc-paymesh.yaml" | head -1)"
    printf '    %-20s %s %s\n' "$svc" "${written:0:19}" "$([ "$written" = "$rendered" ] && echo "= render" || echo "!= render ${rendered:0:19}")"
  done

  say "9. The webhook: a pod goes in plain and comes out injected"
  cat >"$out/plain-pod.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata: {generateName: settlement-demo-, namespace: payments, labels: {app: settlement}}
spec:
  serviceAccountName: settlement
  containers: [{name: app, image: registry.example.com/payments/settlement:2.4.1}]
YAML
  echo "  in:  containers: app"
  pod="$(kubectl create -f "$out/plain-pod.yaml" -o jsonpath='{.metadata.name}')"
  kubectl get pod "$pod" -n payments -o jsonpath='  out: initContainers: {.spec.initContainers[*].name} (restartPolicy {.spec.initContainers[0].restartPolicy}); containers: {.spec.containers[*].name}; volumes: {.spec.volumes[*].name}{"\n"}  label paymesh.io/service={.metadata.labels.paymesh\.io/service}{"\n"}'
  echo "  a pod no PaymentService selects is refused:"
  printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: reporting, namespace: payments, labels: {app: reporting}}\nspec: {containers: [{name: app, image: r:1}]}\n' \
    | kubectl create -f - 2>&1 | fold -s -w 100 | sed 's/^/    /' || true
  echo "  the same pod offline, for GitOps: paymeshctl inject --output-patch -f plain-pod.yaml --services examples/payments"
  $ctl inject --output-patch -f "$out/plain-pod.yaml" --services examples/payments \
    | python3 -c 'import json, sys; [print("    " + op["op"], op["path"]) for op in json.load(sys.stdin)]'
  kill $webhook $operator $emulator 2>/dev/null || true
else
  say "7. (skipped: kubectl is not installed)"
fi

say "Done. Everything the demo wrote is under $out"

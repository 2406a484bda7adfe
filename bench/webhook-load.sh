#!/usr/bin/env bash
# Load test of the webhook over TLS with keep-alive, on loopback, with nginx serving a
# static file over TLS in the same run as the baseline. Runs the webhook's routes on both
# listeners (Boost.Beast, what paymesh-webhook runs, and cpprestsdk's http_listener).
# The fixed rates come from wrk with a random pause (0 to 2x the mean) between a
# connection's requests, so arrivals do not come in step; hey's fixed rate is printed
# beside (its workers tick together: a burst of -c requests every tick).
#   bench/webhook-load.sh [BUILD_DIR] [SECONDS]     (default build/default, 10)
# Needs hey, wrk and nginx (scripts/install-deps.sh --bench) and the webhook_server target.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build="${1:-build/default}"
secs="${2:-10}"
server="$build/bench/webhook_server"
[ -x "$server" ] || { echo "webhook-load: build the webhook_server target first" >&2; exit 2; }
for t in hey wrk nginx; do command -v "$t" >/dev/null || { echo "webhook-load: $t missing (scripts/install-deps.sh --bench)" >&2; exit 2; }; done

tmp="$(mktemp -d /tmp/paymesh-webhook-load.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$tmp/tls.key" -out "$tmp/tls.crt" 2>/dev/null

# AdmissionReviews: a settlement pod padded with env vars to the size wanted.
/usr/bin/python3 - "$tmp" <<'PY'
import json, sys
out = sys.argv[1]
def review(target):
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"generateName": "settlement-7d9f8-", "namespace": "payments",
                        "labels": {"app": "settlement", "pod-template-hash": "7d9f8"}},
           "spec": {"serviceAccountName": "settlement",
                    "containers": [{"name": "app", "image": "registry.example.com/payments/settlement:2.4.1", "env": []}]}}
    rev = {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
           "request": {"uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
                       "kind": {"group": "", "version": "v1", "kind": "Pod"},
                       "resource": {"group": "", "version": "v1", "resource": "pods"},
                       "namespace": "payments", "operation": "CREATE", "object": pod}}
    i = 0
    while len(json.dumps(rev)) < target:
        pod["spec"]["containers"][0]["env"].append({"name": "SETTING_%04d" % i, "value": "value-%08d" % i})
        i += 1
    return json.dumps(rev)
open(out + "/review10k.json", "w").write(review(10 * 1024))
open(out + "/review64k.json", "w").write(review(64 * 1024))
PY
# wrk scripts: post.lua (closed loop), paced-SIZE-MS.lua (a random pause averaging MS ms).
wrk_script() {  # review-file mean-pause-ms (0: none)
  printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
  printf 'local f = io.open("%s")\nwrk.body = f:read("*a")\n' "$1"
  [ "$2" = 0 ] || printf 'function delay() return math.random(0, %d) end\n' "$(($2 * 2))"
}
wrk_script "$tmp/review10k.json" 0 >"$tmp/post.lua"
wrk_script "$tmp/review10k.json" 20 >"$tmp/paced10k.lua"
wrk_script "$tmp/review64k.json" 38 >"$tmp/paced64k.lua"

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do curl -sk "https://127.0.0.1:$1/${2:-healthz}" -o /dev/null && return 0; sleep 0.1; done; return 1; }
# hey: p99 and achieved rate at a fixed rate (-q per worker), keep-alive.
hey_p99() {  # url body concurrency rate_per_worker
  hey -z "${secs}s" -c "$3" -q "$4" -m POST -T application/json -D "$2" "$1" >"$tmp/hey.txt"
  awk '/Requests\/sec/ {rps=$2} /  50%/ {p50=$3} /  99%/ {p99=$3} /\[200\]/ {ok=$2}
       END {printf "%.0f req/s, p50 %.2f ms, p99 %.2f ms, %d x 200", rps, p50*1000, p99*1000, ok}' "$tmp/hey.txt"
}
wrk_rps() { wrk -t2 -c16 -d"${secs}s" "$@" | awk '/Requests\/sec/ {print $2}'; }
# wrk at a fixed mean rate: connections x (1000 / mean pause) requests/s.
# (wrk gives each of its two threads connections / 2: keep the count even.)
wrk_paced() {  # url script connections
  wrk -t2 -c"$3" -d"${secs}s" --latency -s "$2" "$1" |
    awk '/Requests\/sec/ {rps=$2} $1 == "50%" {p50=$2} $1 == "99%" {p99=$2}
         END {printf "%.0f req/s, p50 %s, p99 %s", rps, p50, p99}'
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A ceiling
for listener in beast cpprest; do
  port="$(free_port)"
  "$server" --listener "$listener" --port "$port" --cert "$tmp" --threads 2 &
  pids+=($!)
  wait_port "$port"
  url="https://127.0.0.1:$port/inject"
  hey -n 2000 -c 4 -m POST -T application/json -D "$tmp/review10k.json" "$url" >/dev/null  # warm up
  echo "$listener 10 KB review at 1000 req/s (wrk): $(wrk_paced "$url" "$tmp/paced10k.lua" 22)"
  echo "$listener 64 KB pod at 100 req/s (wrk):     $(wrk_paced "$url" "$tmp/paced64k.lua" 4)"
  echo "$listener 10 KB review at 1000 req/s (hey): $(hey_p99 "$url" "$tmp/review10k.json" 10 100)"
  echo "$listener 64 KB pod at 100 req/s (hey):     $(hey_p99 "$url" "$tmp/review64k.json" 4 25)"
  ceiling[$listener]="$(wrk_rps -s "$tmp/post.lua" "$url")"
  echo "$listener ceiling (wrk -t2 -c16, 10 KB reviews): ${ceiling[$listener]} req/s"
  [ "$listener" = beast ] && curl -sk -X POST -H 'Content-Type: application/json' --data-binary "@$tmp/review10k.json" \
    "$url" >"$tmp/response.json"
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
done

# nginx: the webhook's own answer to the 10 KB review as a static file, over TLS, two workers.
nport="$(free_port)"
mkdir -p "$tmp/www"; cp "$tmp/response.json" "$tmp/www/inject"
cat >"$tmp/nginx.conf" <<CONF
worker_processes 2;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $tmp/body; proxy_temp_path $tmp/proxy; fastcgi_temp_path $tmp/fcgi;
  uwsgi_temp_path $tmp/uwsgi; scgi_temp_path $tmp/scgi;
  server {
    listen 127.0.0.1:$nport ssl;
    ssl_certificate $tmp/tls.crt; ssl_certificate_key $tmp/tls.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    root $tmp/www;
    client_body_buffer_size 128k;
    # POST answered with the file (nginx refuses POST to a static file otherwise).
    location / { default_type application/json; error_page 405 =200 \$uri; }
  }
}
CONF
nginx -c "$tmp/nginx.conf" -p "$tmp" -g 'daemon off;' &
pids+=($!)
wait_port "$nport" inject
echo "nginx 10 KB POST at 1000 req/s (wrk): $(wrk_paced "https://127.0.0.1:$nport/inject" "$tmp/paced10k.lua" 22)"
nginx_rps="$(wrk_rps "https://127.0.0.1:$nport/inject")"
echo "nginx ceiling (wrk -t2 -c16, static $(wc -c <"$tmp/www/inject")-byte file): $nginx_rps req/s"
for listener in beast cpprest; do
  awk -v a="${ceiling[$listener]}" -v b="$nginx_rps" -v l="$listener" 'BEGIN {printf "%s / nginx: %.3f\n", l, a / b}'
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Runs the PKI issuance benchmark and `openssl speed ecdsap256` in the same run and
# prints issued certificates per second against raw P-256 signatures per second.
# Usage: scripts/bench-pki.sh [BUILD_DIR]   (default build/release, then build/default)
set -euo pipefail

dir="${1:-}"
if [ -z "$dir" ]; then
  for d in build/release build/default; do
    if [ -x "$d/bench/pki_bench" ]; then dir="$d"; break; fi
  done
fi
bench="$dir/bench/pki_bench"
[ -x "$bench" ] || { echo "bench-pki: no pki_bench under ${dir:-build/*}; build the pki_bench target first" >&2; exit 2; }

json="$(mktemp)"
trap 'rm -f "$json"' EXIT
# One thread: the figure is per core.
"$bench" --benchmark_filter='BM_(IssueWorkloadEcdsa|KeyGen|SignWorkload|RawEcdsa)' --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_min_time=2 --benchmark_format=json --benchmark_out="$json" \
  --benchmark_out_format=json >/dev/null
speed="$(openssl speed -seconds 3 ecdsap256 2>/dev/null | awk '/256 bits ecdsa \(nistp256\)/ {print $(NF-1)}')"

python3 - "$json" "$speed" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
speed = float(sys.argv[2])
rows = {b["run_name"]: b["items_per_second"] for b in data["benchmarks"] if b.get("aggregate_name") == "median"}
print(f"openssl speed -seconds 3 ecdsap256: {speed:,.0f} sign/s")
for name, ips in rows.items():
    print(f"{name:32s} {ips:>10,.0f} /s   ratio to openssl sign/s: {ips / speed:.3f}")
PY

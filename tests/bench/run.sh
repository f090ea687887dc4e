#!/usr/bin/env bash
# Runs the benchmarks against a real bourse started on the bench profile and
# prints their figures. Usage: tests/bench/run.sh [build-dir]
#   WS_CLIENTS (10000), WS_SECONDS (20), HTTP_CLIENTS (16), RELOAD_SECONDS (20)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
cmake --build "$build" -j"$(nproc)" --target bourse bourse-plugin-otc bench_ws_fanout bench_reload_pause

ulimit -n "$(ulimit -Hn)"
data=$(mktemp -d)
port=${BOURSE_PORT:-18080}
token=bench-$RANDOM-$RANDOM-$RANDOM
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
BOURSE_DATA_DIR="$data" BOURSE_PORT="$port" BOURSE_ADMIN_TOKEN="$token" "$build/bin/bourse" serve --config tests/bench/bench.yaml &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

echo "== WebSocket fan-out"
"$build/bin/bench_ws_fanout" --port "$port" --clients "${WS_CLIENTS:-10000}" --seconds "${WS_SECONDS:-20}" \
  --symbol OTC_BENCH --pid "$pid"
echo
echo "== Hot-reload pause under load"
"$build/bin/bench_reload_pause" --port "$port" --http-clients "${HTTP_CLIENTS:-16}" --seconds "${RELOAD_SECONDS:-20}" \
  --symbol OTC_BENCH --token "$token"

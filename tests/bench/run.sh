#!/usr/bin/env bash
# Runs the benchmarks against a real bourse on the bench profile and prints
# their figures. Usage: tests/bench/run.sh [build-dir]
#   BENCH_STORAGE=sqlite|postgresql (sqlite)   WS_CLIENTS (10000)  WS_SECONDS (20)
#   HTTP_CLIENTS (16)  RELOAD_SECONDS (20)  TRADE_CLIENTS (64)  TRADE_SECONDS (10)  BURST_TRADES (100000)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
cmake --build "$build" -j"$(nproc)" --target bourse bourse-plugin-otc bourse-plugin-binary-options \
  bench_ws_fanout bench_reload_pause bench_trade_placement bench_settlement_burst

ulimit -n "$(ulimit -Hn)"
data=$(mktemp -d)
chmod 755 "$data"  # the PostgreSQL server runs as its own user
port=${BOURSE_PORT:-18080}
token=bench-$RANDOM-$RANDOM-$RANDOM
pid=""
cleanup() {
  [[ -n "$pid" ]] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  [[ -d "$data/pg" ]] && tests/support/pg-server.sh stop "$data/pg" >/dev/null
  rm -rf "$data"
}
trap cleanup EXIT

export BOURSE_STORAGE=${BENCH_STORAGE:-sqlite}
if [[ "$BOURSE_STORAGE" == "postgresql" ]]; then
  tests/support/pg-server.sh start "$data/pg" >/dev/null
  admin=$(cat "$data/pg/dsn")
  psql "$admin" -qc "CREATE DATABASE bench" >/dev/null
  export BOURSE_PG_DSN=${admin/dbname=postgres/dbname=bench}
fi
echo "storage: $BOURSE_STORAGE"

BOURSE_DATA_DIR="$data" BOURSE_PORT="$port" BOURSE_ADMIN_TOKEN="$token" "$build/bin/bourse" serve \
  --config tests/bench/bench.yaml >"$data/bourse.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

echo "== WebSocket fan-out"
"$build/bin/bench_ws_fanout" --port "$port" --clients "${WS_CLIENTS:-10000}" --seconds "${WS_SECONDS:-20}" \
  --symbol OTC_BENCH --pid "$pid" || true
echo
echo "== Hot-reload pause under load"
"$build/bin/bench_reload_pause" --port "$port" --http-clients "${HTTP_CLIENTS:-16}" --seconds "${RELOAD_SECONDS:-20}" \
  --symbol OTC_BENCH --token "$token" || true
echo
echo "== Trade placement"
"$build/bin/bench_trade_placement" --port "$port" --clients "${TRADE_CLIENTS:-64}" --seconds "${TRADE_SECONDS:-10}" \
  --symbol OTC_BENCH || true
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
echo
echo "== Settlement burst"
burst_args=(--plugins "$build/lib/bourse/plugins" --trades "${BURST_TRADES:-100000}")
if [[ "$BOURSE_STORAGE" == "postgresql" ]]; then
  psql "${BOURSE_PG_DSN/dbname=bench/dbname=postgres}" -qc "CREATE DATABASE burst" >/dev/null
  burst_args+=(--postgres "${BOURSE_PG_DSN/dbname=bench/dbname=burst}")
fi
"$build/bin/bench_settlement_burst" "${burst_args[@]}"

#!/usr/bin/env bash
# The README's second command: install dependencies, build everything, and run
# every test (unit, integration, e2e) with CTest. Exits non-zero on any failure.
#   BOURSE_SANITIZE=1  also build and run the C++ tests under AddressSanitizer + UBSan (build-asan/):
#                      every unit and integration test; not the browser (e2e) tests, whose subject is
#                      the web app (the kernel under them is exercised by the integration tests).
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh --with-tests
jobs=$(nproc)

# -g1: line tables (enough for backtraces and perf), a quarter less compile time
# than full debug info.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" \
  "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" -DBUILD_TESTING=ON
cmake --build build -j"$jobs"
# Unit tests are independent and short: two at a time. Integration and browser
# tests start servers and race the clock: one at a time.
# run_tests DIR TIMEOUT [LABELS-TO-SKIP-REGEX]
run_tests() {
  local dir=$1 timeout=$2 skip=${3:-}
  local rc=0
  (cd "$dir" && ctest --output-on-failure --timeout "$timeout" -j2 -L unit) || rc=1
  (cd "$dir" && ctest --output-on-failure --timeout "$timeout" -j1 -LE "unit${skip:+|$skip}") || rc=1
  return $rc
}
run_tests build 600

if [[ "${BOURSE_SANITIZE:-0}" == "1" ]]; then
  # -g1: line tables for the reports, without the full debug info that made this
  # build most of CI's time budget.
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0 -g1" "-DCMAKE_C_FLAGS_DEBUG=-O0 -g1" \
    -DBUILD_TESTING=ON -DBOURSE_SANITIZE=ON -DBOURSE_BENCHMARKS=OFF
  cmake --build build-asan -j"$jobs"
  export ASAN_OPTIONS=detect_leaks=0
  run_tests build-asan 900 e2e
fi

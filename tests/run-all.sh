#!/usr/bin/env bash
# The README's second command: install dependencies, build everything, and run
# every test (unit, integration, e2e) with CTest. Exits non-zero on any failure.
#   BOURSE_SANITIZE=1  also build and run every test under AddressSanitizer + UBSan (build-asan/)
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh --with-tests
jobs=$(nproc)

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=ON
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure --timeout 600 -j1)

if [[ "${BOURSE_SANITIZE:-0}" == "1" ]]; then
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DBUILD_TESTING=ON -DBOURSE_SANITIZE=ON -DBOURSE_BENCHMARKS=OFF
  cmake --build build-asan -j"$jobs"
  (cd build-asan && ASAN_OPTIONS=detect_leaks=0 ctest --output-on-failure --timeout 900 -j1)
fi

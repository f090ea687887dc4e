#!/usr/bin/env bash
# The README's first command: install dependencies, build, run the platform on
# the embedded default profile (config/bourse.yaml). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF
cmake --build build -j"$(nproc)" --target bourse
exec build/bin/bourse serve --config "${BOURSE_CONFIG:-config/bourse.yaml}" "$@"

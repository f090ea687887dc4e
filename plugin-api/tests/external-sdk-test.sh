#!/usr/bin/env bash
# Builds a plugin outside the tree against the installed SDK (find_package +
# bourse_add_plugin only), checks what it exports, and has the kernel load it.
#   external-sdk-test.sh <bourse build dir> <source dir>
set -euo pipefail
build=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build/plugin-api" --prefix "$work/sdk" >/dev/null
cmake -S "$src/plugin-api/tests/external-plugin" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/sdk" >/dev/null
cmake --build "$work/build" >/dev/null
lib="$work/build/hello-external.so"
test -f "$lib"

# Exactly one exported symbol, and nothing that would pin the library in memory.
exports=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^_init$\|^_fini$' || true)
if [[ "$exports" != "bourse_module_entry" ]]; then
  echo "FAIL: exports: $exports"; exit 1
fi
if readelf --dyn-syms -W "$lib" | grep -q UNIQUE; then
  echo "FAIL: STB_GNU_UNIQUE symbols prevent unloading"; exit 1
fi

cat >"$work/bourse.yaml" <<YAML
data_dir: $work/data
plugins:
  - { id: hello, library: $lib }
YAML
"$build/bin/bourse" config check --config "$work/bourse.yaml"
listing=$("$build/bin/bourse" plugins list --config "$work/bourse.yaml")
echo "$listing"
grep -q "hello  enabled   $lib  price_source 1.0.0  ABI 1.0" <<<"$listing" || { echo "FAIL: kernel did not load it"; exit 1; }
echo "1 passed, 0 failed"

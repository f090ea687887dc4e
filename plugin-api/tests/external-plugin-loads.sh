#!/usr/bin/env bash
# The kernel accepts the module external-sdk-test.sh built: `bourse plugins
# list` reports it enabled, with its kind, version and ABI.
#   external-plugin-loads.sh <bourse build dir>
set -euo pipefail
build=$1
lib="$build/external-plugin/hello-external.so"
test -x "$build/bin/bourse" || { echo "FAIL: $build/bin/bourse is not built"; exit 1; }
test -f "$lib" || { echo "FAIL: $lib missing (run sdk_external_plugin first)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/bourse.yaml" <<YAML
data_dir: $work/data
plugins:
  - { id: hello, library: $lib }
YAML
"$build/bin/bourse" config check --config "$work/bourse.yaml"
listing=$("$build/bin/bourse" plugins list --config "$work/bourse.yaml")
echo "$listing"
abi=$(sed -n "s/#define BOURSE_ABI_MAJOR \([0-9]*\)/\1/p" "$(dirname "$0")/../include/bourse/plugin.h").$(sed -n "s/#define BOURSE_ABI_MINOR \([0-9]*\)/\1/p" "$(dirname "$0")/../include/bourse/plugin.h")
grep -q "hello  enabled   $lib  price_source 1.0.0  ABI $abi" <<<"$listing" || { echo "FAIL: kernel did not load it"; exit 1; }
echo "ok: the kernel loads $lib"

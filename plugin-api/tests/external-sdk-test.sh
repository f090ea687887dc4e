#!/usr/bin/env bash
# Installs the plugin SDK from the build tree into a fresh prefix, builds
# external-plugin/ against it (find_package + bourse_add_plugin, nothing from
# the Bourse tree), and checks the module exports only its entry symbol and
# nothing that would pin it in memory. Leaves the module at
#   <build dir>/external-plugin/hello-external.so
# for the kernel tests that load it.
#   external-sdk-test.sh <bourse build dir> <source dir>
set -euo pipefail
build=$1
src=$2
out="$build/external-plugin"
fail() { echo "FAIL: $*" >&2; exit 1; }

# Fresh every run: a stale prefix could hide a file the install rules forgot.
rm -rf "$out/sdk" "$out/build"
mkdir -p "$out"
cmake --install "$build/plugin-api" --prefix "$out/sdk" >"$out/install.log" || fail "install (see $out/install.log)"
for f in include/bourse/plugin.h include/bourse/plugin.hpp include/bourse/decimal.hpp include/bourse/validate.hpp \
         include/bourse/testing/FakeHost.hpp include/bourse/testing/PluginUnderTest.hpp \
         include/bourse/testing/Conformance.hpp lib/cmake/BoursePluginAPI/BoursePluginAPIConfig.cmake \
         lib/cmake/BoursePluginAPI/BoursePlugin.cmake; do
  test -f "$out/sdk/$f" || fail "the SDK package lacks $f"
done

cmake -S "$src/plugin-api/tests/external-plugin" -B "$out/build" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$out/sdk" >"$out/configure.log" 2>&1 || { cat "$out/configure.log"; fail "configure"; }
cmake --build "$out/build" >"$out/build.log" 2>&1 || { cat "$out/build.log"; fail "build"; }
lib="$out/build/hello-external.so"
test -f "$lib" || fail "no $lib"

# Exactly one exported symbol, and no STB_GNU_UNIQUE (glibc never unloads those).
exports=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v -e '^_init$' -e '^_fini$' || true)
[[ "$exports" == "bourse_module_entry" ]] || fail "exports: $(echo $exports)"
if readelf --dyn-syms -W "$lib" | grep -q UNIQUE; then fail "STB_GNU_UNIQUE symbols prevent unloading"; fi

# Never overwrite a module in place (a process may have it mapped): rename over it.
cp "$lib" "$out/.hello-external.so.tmp"
mv -f "$out/.hello-external.so.tmp" "$out/hello-external.so"
echo "ok: $out/hello-external.so exports only bourse_module_entry"

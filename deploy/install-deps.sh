#!/usr/bin/env bash
# Installs every dependency Bourse needs on Debian 12 (run as root or with sudo).
# Safe to run again: it only installs what is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates
  libpoco-dev zlib1g-dev libboost-dev libboost-filesystem-dev libyaml-cpp-dev libssl-dev
  libcppunit-dev libargon2-dev libpq-dev libsqlite3-dev
  postgresql
)
# The web app is built with Node.js and npm (Debian's, unless a newer Node.js
# with its own npm is already installed).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then packages+=(nodejs npm); fi
# Tests also need these (browser tests, ELF inspection); pass --with-tests.
test_packages=(binutils curl procps chromium)

want=("${packages[@]}")
if [[ "${1:-}" == "--with-tests" ]]; then want+=("${test_packages[@]}"); fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "dependencies already installed"
fi

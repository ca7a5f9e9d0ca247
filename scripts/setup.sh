#!/usr/bin/env bash
# Install every Debian package seer needs on a fresh Debian 12 machine, then
# build it. Idempotent: re-running only rebuilds what changed.
#   scripts/setup.sh            install + configure + build
#   scripts/setup.sh --deps     install packages only
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PKGS="build-essential pkg-config autoconf automake libtool make
      libsecp256k1-dev liblmdb-dev uthash-dev check nettle-dev libgmp-dev
      libjson-c-dev clang"

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends $missing
fi
[ "${1:-}" = "--deps" ] && exit 0

[ -x configure ] || ./autogen.sh
[ -f Makefile ] || ./configure ${SEER_CONFIGURE_FLAGS:-}
make -j"$(nproc)"

#!/usr/bin/env bash
# Installs every Debian package seer needs on a fresh Debian 12 machine, then
# builds seer out of tree. Idempotent: a second run only rebuilds what changed.
#
#   scripts/setup.sh                 packages + build in ./build
#   scripts/setup.sh --deps          packages only
#   SEER_BUILD=build-asan SEER_CONFIGURE_FLAGS=--enable-sanitizers=address,undefined scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# pkg-config must be there before autoreconf (PKG_CHECK_MODULES).
PKGS="build-essential pkg-config autoconf automake libtool make git
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

BUILD=${SEER_BUILD:-build}
if [ ! -x configure ] || [ configure.ac -nt configure ]; then ./autogen.sh; fi
mkdir -p "$BUILD"
flags="${SEER_CONFIGURE_FLAGS:-}"
# Reconfigure when the flags changed since the last run.
if [ ! -f "$BUILD/Makefile" ] || [ "$(cat "$BUILD/.seer-flags" 2>/dev/null)" != "$flags" ]; then
  (cd "$BUILD" && ../configure -q $flags)
  echo "$flags" > "$BUILD/.seer-flags"
fi
make -C "$BUILD" -j"$(nproc)" -s

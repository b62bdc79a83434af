#!/usr/bin/env bash
# Installs what duster-tui needs on Debian 12: the system packages (compiler, gdb/gdbserver, tmux...) and the npm ones, then builds.
set -euo pipefail
cd "$(dirname "$0")/.."
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "install-deps: duster-tui needs Node.js 20 or newer with npm (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
PACKAGES=(gcc libc6-dev libc6-dbg make binutils gdb gdbserver tmux ncurses-term libxen-dev qemu-system-x86)
missing=()
for p in "${PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# --include=optional: koffi ships its prebuilt binary in an optional dependency.
npm ci --include=optional --no-audit --no-fund
npm run build
if [ -f native-shim/Makefile ] && [ -f /usr/include/xenctrl.h ]; then make -s -C native-shim; fi

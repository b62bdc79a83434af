#!/usr/bin/env bash
# build-gdbsx-tool.sh - builds Xen's own gdbsx (tools/debugger/gdbsx: the gdbserver for PV guests that
# gdb users on Xen have today, our peer and oracle on the GDBSX hypervisor) from the xen source
# package build-xen-gdbsx.sh downloaded, against this machine's Xen headers (libxen-dev: the same
# Xen series as dom0). It needs nothing but libc. Cached as $DUSTER_LAB_CACHE/out/gdbsx; ~2 s.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_cmd gcc build-essential
[ -e /usr/include/xen/domctl.h ] || die "Xen headers missing; install them with: apt-get install -y libxen-dev"
if [ -x "$LAB_OUT/gdbsx" ]; then note "gdbsx tool cached ($LAB_OUT/gdbsx)"; exit 0; fi
src=$(ls "$LAB_XENSRC"/download/xen_*.orig.tar.xz 2>/dev/null | sort -V | tail -1 || true)
[ -n "$src" ] || die "no xen source package in $LAB_XENSRC/download (build-xen-gdbsx.sh downloads it)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$src" -C "$tmp" --wildcards '*/tools/debugger/gdbsx/*'
d=$(echo "$tmp"/*/tools/debugger/gdbsx)
# Xen's Makefiles link xg/xg_main.c with gx/gx_{comm,main,utils,local}.c (gx/xg_dummy.c is the stand-in
# for xg when building without Xen); -D__XEN_TOOLS__ opens the domctl interface in the public headers.
gcc -O2 -D__XEN_TOOLS__ -I"$d/xg" -o "$LAB_OUT/gdbsx.tmp" "$d/xg/xg_main.c" \
  "$d/gx/gx_comm.c" "$d/gx/gx_main.c" "$d/gx/gx_utils.c" "$d/gx/gx_local.c" 2> "$tmp/warnings" || {
  cat "$tmp/warnings" >&2; die "gdbsx did not build"; }
mv -f "$LAB_OUT/gdbsx.tmp" "$LAB_OUT/gdbsx"
note "gdbsx tool built from $(basename "$src")"

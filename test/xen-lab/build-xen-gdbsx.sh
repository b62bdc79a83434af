#!/usr/bin/env bash
# build-xen-gdbsx.sh - rebuilds Debian's Xen 4.17 hypervisor from Debian's xen source
# package with CONFIG_EXPERT=y and CONFIG_GDBSX=y (still a release build, debug=n) and caches
# it as $DUSTER_LAB_CACHE/out/xen-gdbsx.elf. Only xen/ is built, not the tools.
# Why: the stock hypervisor has no CONFIG_GDBSX, so domain_pause_for_debugger() is empty and
# an int3 or trap-flag trap in a PV guest under xc_domain_setdebugging() does not pause the
# domain. The version string gets the suffix "-gdbsx" (xl info: xen_version 4.17.x-gdbsx).
# Source: the newest xen source in bookworm-security/-updates/main that the mirror serves
# (bookworm-security sources are tried first so the hypervisor matches the dom0 tools).
# The starting .config is Debian's own, from the stock package in the dom0 base tree, so
# run build-rootfs.sh first. A second run does nothing. Needs gcc, make, flex, bison,
# python3, dpkg-dev (dpkg-source), xz-utils; about 2-6 minutes on 2 cores.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

for c in gcc:build-essential make:build-essential flex:flex bison:bison python3:python3 \
         dpkg-source:dpkg-dev xz:xz-utils bc:bc; do
  need_cmd "${c%%:*}" "${c#*:}"
done

mkdir -p "$LAB_OUT" "$LAB_XENSRC"
exec 9>"$LAB_CACHE/.xen.lock"
flock 9

stamp_want="CONFIG_EXPERT=y CONFIG_GDBSX=y XEN_VENDORVERSION=-gdbsx v2"
if [ -e "$LAB_OUT/xen-gdbsx.elf" ] && [ "$(cat "$LAB_OUT/xen-gdbsx.stamp" 2>/dev/null)" = "$stamp_want" ]; then
  note "GDBSX hypervisor cached ($LAB_OUT/xen-gdbsx.elf)"
  exit 0
fi
need_disk "$LAB_CACHE" 1000
t0=$(now)

# A private apt configuration: only deb-src lines, own lists/cache, the host's apt untouched.
APT=$LAB_XENSRC/apt
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial"
cat > "$APT/sources.list" <<SRC
deb-src $LAB_SECURITY_MIRROR $LAB_SUITE-security main
deb-src $LAB_MIRROR $LAB_SUITE-updates main
deb-src $LAB_MIRROR $LAB_SUITE main
SRC
APTOPTS=(-o "Dir::Etc::SourceList=$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
         -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache" -o APT::Sandbox::User=root)
apt-get "${APTOPTS[@]}" -q update > "$LAB_XENSRC/apt.log" 2>&1 || {
  tail -5 "$LAB_XENSRC/apt.log" >&2; die "apt-get update for the xen source failed (network?)"; }

DL=$LAB_XENSRC/download
mkdir -p "$DL"
got=""
# Newest first; some mirrors list security sources but do not serve them (404), so fall back.
for v in $(apt-cache "${APTOPTS[@]}" showsrc xen | awk '/^Package: /{p=$2} /^Version: /{if (p=="xen") print $2}' | sort -rV | uniq); do
  if ls "$DL"/xen_"${v#*:}".dsc >/dev/null 2>&1; then got=$v; break; fi
  note "fetching the xen $v source package"
  if (cd "$DL" && apt-get "${APTOPTS[@]}" -q source --download-only "xen=$v" >> "$LAB_XENSRC/apt.log" 2>&1); then
    got=$v; break
  fi
  note "xen $v source not downloadable from this mirror, trying an older one"
done
[ -n "$got" ] || { tail -5 "$LAB_XENSRC/apt.log" >&2; die "could not download Debian's xen source package"; }

SRC=$LAB_XENSRC/tree
rm -rf "$SRC"
dpkg-source -x "$DL/xen_${got#*:}.dsc" "$SRC" > "$LAB_XENSRC/unpack.log" 2>&1 || {
  tail -5 "$LAB_XENSRC/unpack.log" >&2; die "dpkg-source -x failed"; }

cd "$SRC/xen"
# Start from Debian's config for the packaged hypervisor if we have it, else from defaults.
cfg=$(ls "$LAB_BASE"/boot/xen-*.config 2>/dev/null | tail -1 || true)
if [ -n "$cfg" ]; then cp "$cfg" .config; else note "no Debian xen .config found (run build-rootfs.sh first); using defaults"; : > .config; fi
sed -i '/^CONFIG_EXPERT[= ]/d;/^# CONFIG_EXPERT /d;/CONFIG_GDBSX/d' .config
printf 'CONFIG_EXPERT=y\nCONFIG_GDBSX=y\n' >> .config
make olddefconfig PYTHON=python3 > "$LAB_XENSRC/build.log" 2>&1 || {
  tail -20 "$LAB_XENSRC/build.log" >&2; die "make olddefconfig failed"; }
grep -q '^CONFIG_GDBSX=y' .config || die "CONFIG_GDBSX did not stick in .config"
note "compiling the hypervisor (xen $got, -j$(nproc)); log: $LAB_XENSRC/build.log"
make -j"$(nproc)" PYTHON=python3 XEN_VENDORVERSION=-gdbsx >> "$LAB_XENSRC/build.log" 2>&1 || {
  tail -30 "$LAB_XENSRC/build.log" >&2; die "hypervisor build failed"; }
# xen/xen is the multiboot (ELF32) image, the same format as the gunzipped Debian xen.gz
cp xen "$LAB_OUT/xen-gdbsx.elf.tmp"
cp .config "$LAB_OUT/xen-gdbsx.config"
mv -f "$LAB_OUT/xen-gdbsx.elf.tmp" "$LAB_OUT/xen-gdbsx.elf"
echo "xen source $got" > "$LAB_OUT/xen-gdbsx.version"
echo "$stamp_want" > "$LAB_OUT/xen-gdbsx.stamp"
cd "$LAB_XENSRC" && rm -rf "$SRC"    # 300 MB of objects; the downloaded sources stay
note "GDBSX hypervisor (xen $got) built in $(since "$t0") s"

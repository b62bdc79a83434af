#!/usr/bin/env bash
# build-rootfs.sh - builds the lab's dom0 from Debian packages only and caches it:
#   $DUSTER_LAB_CACHE/base/         Debian 12 minbase tree (debootstrap) with Xen 4.17 tools,
#                                   Xen hypervisor and Linux packages, upgraded from
#                                   bookworm-updates/-security so the dom0 tools match the
#                                   host's libxen-dev. Built once; delete it to rebuild.
#   $DUSTER_LAB_CACHE/out/rootfs.img   ext4 image of that tree plus the lab's dom0/ scripts
#                                   and the host's node binary (rebuilt when those change)
#   $DUSTER_LAB_CACHE/out/vmlinuz, initrd.img   Debian's dom0 kernel and initramfs
#   $DUSTER_LAB_CACHE/out/xen.elf   Debian's stock hypervisor, uncompressed (QEMU's multiboot
#                                   loader cannot read xen.gz)
# A second run with unchanged inputs does nothing. Needs root, debootstrap, e2fsprogs,
# network access to the Debian mirror, about 3 GiB of disk.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need_root build-rootfs.sh
need_cmd debootstrap debootstrap
need_cmd mke2fs e2fsprogs
need_cmd bc bc
NODE_BIN=${NODE_BIN:-$(command -v node || true)}
[ -n "$NODE_BIN" ] || die "node not found on the host (dom0 gets a copy of the host's node binary)"
NODE_BIN=$(readlink -f "$NODE_BIN")

mkdir -p "$LAB_CACHE" "$LAB_OUT"
exec 9>"$LAB_CACHE/.rootfs.lock"
flock 9   # two builds at once would trample each other's chroot

PKGS=xen-utils-$LAB_XEN_SERIES,xen-hypervisor-$LAB_XEN_SERIES-amd64,linux-image-amd64,initramfs-tools,kmod,procps,iproute2,less,psmisc
# Added after the first base trees were built: installed into an existing base tree too (tmux: the full-screen UI's
# tests drive duster-tui in tmux inside dom0; gdb: with Xen's gdbsx, the oracle and the peer on the GDBSX hypervisor).
# Changing this list rebuilds the image, not the base tree.
EXTRA_PKGS="tmux gdb"

t_start=$(now)
if [ ! -e "$LAB_BASE/.duster-base-done" ]; then
  need_disk "$LAB_CACHE" 3000
  [ -n "$LAB_MIRROR" ] || die "no Debian mirror found in /etc/apt/sources.list*; set DUSTER_LAB_MIRROR"
  note "debootstrap $LAB_SUITE from $LAB_MIRROR (a few minutes)"
  tmp=$LAB_CACHE/base.partial
  rm -rf "$tmp" "$LAB_BASE"
  debootstrap --variant=minbase --include="$PKGS" "$LAB_SUITE" "$tmp" "$LAB_MIRROR" \
    > "$LAB_CACHE/debootstrap.log" 2>&1 || {
      tail -20 "$LAB_CACHE/debootstrap.log" >&2
      die "debootstrap failed (network or mirror problem?), full log: $LAB_CACHE/debootstrap.log"; }
  cat > "$tmp/etc/apt/sources.list" <<SRC
deb $LAB_MIRROR $LAB_SUITE main
deb $LAB_MIRROR $LAB_SUITE-updates main
deb $LAB_SECURITY_MIRROR $LAB_SUITE-security main
SRC
  # no daemons may start inside the chroot during package upgrades
  printf '#!/bin/sh\nexit 101\n' > "$tmp/usr/sbin/policy-rc.d"
  chmod 755 "$tmp/usr/sbin/policy-rc.d"
  note "upgrading the chroot from $LAB_SUITE-updates and -security"
  {
    chroot "$tmp" apt-get update &&
    DEBIAN_FRONTEND=noninteractive chroot "$tmp" apt-get -y -o Dpkg::Options::=--force-confdef dist-upgrade
  } > "$LAB_CACHE/upgrade.log" 2>&1 || {
    tail -20 "$LAB_CACHE/upgrade.log" >&2
    die "apt-get dist-upgrade in the chroot failed, log: $LAB_CACHE/upgrade.log"; }
  # keep only the kernel that linux-image-amd64 depends on
  want=$(chroot "$tmp" dpkg-query -W -f='${Depends}' linux-image-amd64 | sed 's/[ ,].*//')
  stale=$(chroot "$tmp" dpkg-query -W -f='${Package}\n' 'linux-image-[0-9]*' | grep -vx "$want" || true)
  if [ -n "$stale" ]; then
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive chroot "$tmp" apt-get -y purge $stale >> "$LAB_CACHE/upgrade.log" 2>&1
  fi
  chroot "$tmp" apt-get clean
  rm -rf "$tmp"/var/lib/apt/lists/*
  touch "$tmp/.duster-base-done"
  mv "$tmp" "$LAB_BASE"
  note "base tree ready in $(since "$t_start") s"
else
  note "base tree cached ($LAB_BASE)"
fi

if [ "$(cat "$LAB_BASE/.duster-extras" 2>/dev/null)" != "$EXTRA_PKGS" ]; then
  note "installing $EXTRA_PKGS into the base tree"
  # shellcheck disable=SC2086
  {
    chroot "$LAB_BASE" apt-get update &&
    DEBIAN_FRONTEND=noninteractive chroot "$LAB_BASE" apt-get -y --no-install-recommends install $EXTRA_PKGS &&
    chroot "$LAB_BASE" apt-get clean
  } > "$LAB_CACHE/extras.log" 2>&1 || {
    tail -20 "$LAB_CACHE/extras.log" >&2
    die "apt-get install $EXTRA_PKGS in the base tree failed, log: $LAB_CACHE/extras.log"; }
  rm -rf "$LAB_BASE"/var/lib/apt/lists/*
  echo "$EXTRA_PKGS" > "$LAB_BASE/.duster-extras"
fi

# The image depends on the base tree (and its extra packages), the dom0 scripts and the node binary.
inputs_hash=$(
  { stat -c %Y "$LAB_BASE/.duster-base-done"; cat "$LAB_BASE/.duster-extras" "$LAB_DIR/dom0/lab-init" "$LAB_DIR/dom0/lab-agent"; sha256sum "$NODE_BIN"; } | sha256sum | cut -c1-16)
if [ -e "$LAB_OUT/rootfs.img" ] && [ "$(cat "$LAB_OUT/rootfs.stamp" 2>/dev/null)" = "$inputs_hash" ]; then
  note "dom0 image cached ($LAB_OUT/rootfs.img)"
  exit 0
fi

t_img=$(now)
need_disk "$LAB_CACHE" 1800
install -m 755 "$LAB_DIR/dom0/lab-init" "$LAB_BASE/sbin/lab-init"
install -m 755 "$LAB_DIR/dom0/lab-agent" "$LAB_BASE/usr/local/sbin/lab-agent"
install -m 755 "$NODE_BIN" "$LAB_BASE/usr/local/bin/node"
env -u NODE_EXTRA_CA_CERTS -u NODE_OPTIONS chroot "$LAB_BASE" /usr/local/bin/node -e 'process.exit(0)' || \
  die "the host's node binary does not run in the Debian chroot (needs a glibc build)"
echo duster-dom0 > "$LAB_BASE/etc/hostname"
: > "$LAB_BASE/etc/fstab"
sed -i 's/^root:[^:]*:/root::/' "$LAB_BASE/etc/shadow"   # console login without password
mkdir -p "$LAB_BASE/lab" "$LAB_BASE/project"

kver=$(cd "$LAB_BASE/boot" && ls vmlinuz-* | sed 's/^vmlinuz-//' | sort -V | tail -1)
[ -n "$kver" ] || die "no kernel in $LAB_BASE/boot"
xengz=$(ls "$LAB_BASE"/boot/xen-$LAB_XEN_SERIES-amd64.gz 2>/dev/null || ls "$LAB_BASE"/boot/xen-*.gz | tail -1)
cp "$LAB_BASE/boot/vmlinuz-$kver" "$LAB_OUT/vmlinuz.tmp"
cp "$LAB_BASE/boot/initrd.img-$kver" "$LAB_OUT/initrd.img.tmp"
zcat "$xengz" > "$LAB_OUT/xen.elf.tmp"
size_mb=$(( $(du -sm "$LAB_BASE" | cut -f1) + 600 ))
rm -f "$LAB_OUT/rootfs.img.tmp"
mke2fs -q -t ext4 -L duster-dom0 -d "$LAB_BASE" "$LAB_OUT/rootfs.img.tmp" "${size_mb}M"
for f in vmlinuz initrd.img xen.elf rootfs.img; do mv -f "$LAB_OUT/$f.tmp" "$LAB_OUT/$f"; done
chroot "$LAB_BASE" dpkg-query -W -f='${Package} ${Version}\n' \
  "xen-hypervisor-$LAB_XEN_SERIES-amd64" "xen-utils-$LAB_XEN_SERIES" "linux-image-$kver" > "$LAB_OUT/versions.txt"
echo "$inputs_hash" > "$LAB_OUT/rootfs.stamp"
note "dom0 image built in $(since "$t_img") s: kernel $kver, ${size_mb} MiB image"
cat "$LAB_OUT/versions.txt" >&2

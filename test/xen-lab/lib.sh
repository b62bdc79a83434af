# lib.sh - shared settings and helpers for the Xen test lab scripts (sourced, not run).
# Defines where the cache and the per-VM run directory live and small helpers
# (die, need_cmd, need_disk, timing). Every setting can be overridden from the environment:
#   DUSTER_LAB_CACHE   build cache, outside the work tree (default /var/tmp/duster-lab)
#   DUSTER_LAB_RUN     state of one running VM: pid, sockets, serial log, 9p mailbox
#                      (default $DUSTER_LAB_CACHE/run)
#   DUSTER_LAB_MIRROR / DUSTER_LAB_SECURITY_MIRROR   Debian mirrors (default: the machine's apt sources)
# shellcheck shell=bash

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT_ROOT=$(cd "$LAB_DIR/../.." && pwd)
LAB_CACHE=${DUSTER_LAB_CACHE:-/var/tmp/duster-lab}
LAB_RUN=${DUSTER_LAB_RUN:-$LAB_CACHE/run}
LAB_OUT=$LAB_CACHE/out            # boot artefacts: rootfs.img vmlinuz initrd.img xen.elf xen-gdbsx.elf
LAB_BASE=$LAB_CACHE/base          # debootstrapped dom0 tree (the expensive part)
LAB_XENSRC=$LAB_CACHE/xen-src     # Debian's xen source package, unpacked and built
# apt_mirror SUFFIX: the first URI of this machine's own apt configuration whose path ends in
# SUFFIX (/debian or /debian-security), from deb822 .sources files or one-line sources.list entries.
apt_mirror() {
  { local files=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources)
  cat "${files[@]}" 2>/dev/null || true; } |
    sed -n -e 's/^URIs:[[:space:]]*//p' -e 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?//p' |
    tr ' ' '\n' | grep -E "^https?://.*$1/?\$" | head -n1 | sed 's:/$::' || true
}
LAB_MIRROR=${DUSTER_LAB_MIRROR:-$(apt_mirror /debian)}
LAB_SECURITY_MIRROR=${DUSTER_LAB_SECURITY_MIRROR:-$(apt_mirror /debian-security)}
[ -n "$LAB_SECURITY_MIRROR" ] || LAB_SECURITY_MIRROR=${LAB_MIRROR:+$LAB_MIRROR-security}
LAB_SUITE=bookworm
LAB_XEN_SERIES=4.17

die() { echo "xen-lab: error: $*" >&2; exit 1; }
note() { echo "xen-lab: $*" >&2; }

# need_cmd CMD PACKAGE: fail with an install hint when a program is missing.
need_cmd() {
  command -v "$1" >/dev/null 2>&1 || \
    die "'$1' not found; install it with: apt-get install -y $2   (see docs/LAB.md)"
}

# need_disk DIR MIB: fail unless DIR's file system has MIB MiB free.
need_disk() {
  mkdir -p "$1"
  local avail
  avail=$(df -Pm "$1" | awk 'NR==2{print $4}')
  [ "${avail:-0}" -ge "$2" ] || \
    die "not enough disk space in $1: ${avail} MiB free, need $2 MiB (set DUSTER_LAB_CACHE to another place)"
}

need_root() {
  [ "$(id -u)" = 0 ] || die "$1 needs root (debootstrap/chroot); run it as root or with sudo -E"
}

# A monotonic-ish clock in seconds with decimals, and a formatter.
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc | awk '{printf "%.1f", $1}'; }

# Name of the hypervisor image for "stock" or "gdbsx".
hv_image() {
  case "$1" in
    stock) echo "$LAB_OUT/xen.elf" ;;
    gdbsx) echo "$LAB_OUT/xen-gdbsx.elf" ;;
    *) die "unknown hypervisor '$1' (expected stock or gdbsx)" ;;
  esac
}

qemu_pid() { cat "$LAB_RUN/qemu.pid" 2>/dev/null || true; }
qemu_alive() { local p; p=$(qemu_pid); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

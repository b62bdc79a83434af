#!/usr/bin/env bash
# start.sh [stock|gdbsx] - boots the lab VM in the background and waits for dom0:
# QEMU (TCG) -> Xen (Debian's stock hypervisor, or the GDBSX rebuild) -> Debian dom0
# running lab-init. The project folder is shared into dom0 at /project (9p, read-write)
# and $DUSTER_LAB_RUN/share at /lab (job mailbox for run.sh, guest images in /lab/guest).
# Prints the boot time. On failure it prints the end of the serial log and kills QEMU.
# Env: DUSTER_LAB_RUN (state dir), LAB_PROJECT_DIR (default: this repository),
#      LAB_MEM (MiB, 3072), LAB_BOOT_TIMEOUT (s, 900), LAB_OWNER_PID (if set, a watchdog
#      stops the VM when that process exits), LAB_QEMU_ACCEL (e.g. "kvm -cpu host" on a
#      machine with nested VMX/SVM; untested; default TCG).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

HV=${1:-${DUSTER_LAB_HYPERVISOR:-gdbsx}}
XEN_IMAGE=$(hv_image "$HV")
PROJECT_DIR=${LAB_PROJECT_DIR:-$PROJECT_ROOT}
LAB_MEM=${LAB_MEM:-3072}
BOOT_TIMEOUT=${LAB_BOOT_TIMEOUT:-900}

need_cmd qemu-system-x86_64 qemu-system-x86
need_cmd bc bc
for f in "$XEN_IMAGE" "$LAB_OUT/vmlinuz" "$LAB_OUT/initrd.img" "$LAB_OUT/rootfs.img"; do
  [ -e "$f" ] || die "$f is missing; build the lab first: npm run lab:build (test/xen-lab/build.sh)"
done
if qemu_alive; then
  die "a lab VM is already running from $LAB_RUN (pid $(qemu_pid)); stop it with test/xen-lab/stop.sh"
fi
sock_len=$(printf '%s' "$LAB_RUN/monitor.sock" | wc -c)
[ "$sock_len" -lt 100 ] || die "DUSTER_LAB_RUN path too long for a unix socket: $LAB_RUN"
[ -r /dev/kvm ] || true   # KVM is optional; TCG works everywhere

mkdir -p "$LAB_RUN/share/jobs" "$LAB_RUN/share/guest"
rm -f "$LAB_RUN"/share/ready "$LAB_RUN"/share/xen_version "$LAB_RUN"/share/jobs/* \
      "$LAB_RUN"/serial.log "$LAB_RUN"/qemu.pid "$LAB_RUN"/*.sock
echo "$HV" > "$LAB_RUN/hypervisor"
# dom0 links this path to /project, so host paths in DWARF (comp_dir) resolve there too
(cd "$PROJECT_DIR" && pwd -P) > "$LAB_RUN/share/host_project"

if [ -n "${LAB_QEMU_ACCEL:-}" ]; then
  read -r -a ACCEL <<< "-accel $LAB_QEMU_ACCEL"
else
  # This machine's /dev/kvm cannot run Xen (see docs/LAB.md), so emulate: TCG, multi-threaded.
  ACCEL=(-accel tcg,thread=multi -cpu max)
fi
# smap=0: with -cpu max, SMAP under TCG breaks Xen's writes to a PV guest's stack (dom0 dies).
XEN_ARGS="console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M dom0_max_vcpus=1 loglvl=all guest_loglvl=all smap=0 noreboot"
DOM0_ARGS="root=/dev/vda rw console=hvc0 earlyprintk=xen init=/sbin/lab-init"

t0=$(now)
# If anything below fails, do not leave the VM behind.
trap 'rc=$?; if [ $rc != 0 ] && qemu_alive; then kill "$(qemu_pid)" 2>/dev/null || true; fi' EXIT

qemu-system-x86_64 "${ACCEL[@]}" -smp 2 -m "$LAB_MEM" \
  -display none -no-reboot -daemonize -pidfile "$LAB_RUN/qemu.pid" \
  -kernel "$XEN_IMAGE" -append "$XEN_ARGS" \
  -initrd "$LAB_OUT/vmlinuz $DOM0_ARGS,$LAB_OUT/initrd.img" \
  -drive file="$LAB_OUT/rootfs.img",if=virtio,format=raw,snapshot=on \
  -virtfs local,path="$LAB_RUN/share",mount_tag=lab,security_model=none,id=lab \
  -virtfs local,path="$PROJECT_DIR",mount_tag=project,security_model=none,id=project \
  -chardev socket,id=serial0,path="$LAB_RUN/serial.sock",server=on,wait=off,logfile="$LAB_RUN/serial.log" \
  -serial chardev:serial0 \
  -monitor unix:"$LAB_RUN/monitor.sock",server=on,wait=off \
  -net none \
  || die "qemu-system-x86_64 failed to start"
pid=$(qemu_pid)
note "QEMU pid $pid, hypervisor $HV ($XEN_IMAGE), serial log $LAB_RUN/serial.log"

if [ -n "${LAB_OWNER_PID:-}" ]; then
  # watchdog: the VM must not outlive the process that owns it (even if that one is SIGKILLed)
  ( trap '' HUP INT
    while kill -0 "$LAB_OWNER_PID" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do sleep 2; done
    kill "$pid" 2>/dev/null ) </dev/null >/dev/null 2>&1 &
fi

while [ ! -e "$LAB_RUN/share/ready" ]; do
  if ! kill -0 "$pid" 2>/dev/null; then
    tail -30 "$LAB_RUN/serial.log" >&2 || true
    die "QEMU exited during boot (serial log: $LAB_RUN/serial.log)"
  fi
  if (( $(echo "$(now) - $t0 > $BOOT_TIMEOUT" | bc) )); then
    tail -30 "$LAB_RUN/serial.log" >&2 || true
    die "dom0 not ready after ${BOOT_TIMEOUT}s (serial log: $LAB_RUN/serial.log)"
  fi
  sleep 0.5
done
boot=$(since "$t0")
echo "$boot" > "$LAB_RUN/boot_seconds"
note "dom0 ready after ${boot}s (dom0 uptime $(cat "$LAB_RUN/share/ready")s, xen_version $(cat "$LAB_RUN/share/xen_version" 2>/dev/null))"

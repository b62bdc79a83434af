#!/usr/bin/env bash
# run.sh 'COMMAND' - runs a bash command inside the lab's dom0 (as root, cwd /root, the
# project at /project) and prints its output (stdout and stderr together, streamed) and
# exits with its exit code. Works through a 9p mailbox: the command goes to
# $DUSTER_LAB_RUN/share/jobs/<id>.job, dom0's lab-agent runs it and writes <id>.out and
# <id>.rc. Exit 124: LAB_RUN_TIMEOUT (s, default 1800) expired; 125: the VM is not running.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || { echo "usage: $0 'command'" >&2; exit 2; }
timeout_s=${LAB_RUN_TIMEOUT:-1800}
jobs=$LAB_RUN/share/jobs
if [ ! -e "$LAB_RUN/share/ready" ] || ! qemu_alive; then
  echo "run.sh: the lab VM is not running (start it with test/xen-lab/start.sh)" >&2
  exit 125
fi

id=$(date +%s%N).$$
printf '%s\n' "$*" > "$jobs/$id.tmp"
mv "$jobs/$id.tmp" "$jobs/$id.job"
cleanup() { rm -f "$jobs/$id".*; }
trap cleanup EXIT

offset=0
start=$SECONDS
while :; do
  finished=0
  [ -e "$jobs/$id.rc" ] && finished=1
  if [ -e "$jobs/$id.out" ]; then
    size=$(stat -c %s "$jobs/$id.out")
    if [ "$size" -gt "$offset" ]; then
      # one process, no pipe: a "tail | head" pipeline can die of SIGPIPE under pipefail
      dd if="$jobs/$id.out" iflag=skip_bytes,count_bytes skip="$offset" count="$((size - offset))" status=none
      offset=$size
    fi
  fi
  [ $finished = 1 ] && break
  if ! qemu_alive; then echo "run.sh: the lab VM died while the job ran" >&2; exit 125; fi
  if [ $((SECONDS - start)) -ge "$timeout_s" ]; then
    echo "run.sh: no result after ${timeout_s}s: $*" >&2
    exit 124
  fi
  sleep 0.2
done
exit "$(cat "$jobs/$id.rc")"

#!/usr/bin/env bash
# ci.sh - the CI entry for the Xen lab, called by .ci/run after the normal tests:
# installs the lab's apt prerequisites, runs `npm run test:xen` under a time limit
# (LAB_CI_TIMEOUT seconds, default 5400: a cold build measured 864 s under load; the tests took 613 s (stock) and more than 900 s (gdbsx) on a CI machine, so each run may take 1800 s), makes sure no lab VM survives, and prints how long
# the install, the lab build, the boots and the tests took (test-xen.sh prints the details).
# Needs root or passwordless sudo for apt-get, network access to the Debian mirror, about
# 4 GiB free in DUSTER_LAB_CACHE (default /var/tmp/duster-lab) and 3 GiB of free RAM.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CI_TIMEOUT=${LAB_CI_TIMEOUT:-5400}

APT_PACKAGES=(qemu-system-x86 debootstrap socat flex bison libxen-dev build-essential
              python3 dpkg-dev xz-utils bc e2fsprogs)

SUDO=
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null && sudo -n true 2>/dev/null || {
    echo "xen-lab ci: needs root or passwordless sudo (apt-get, debootstrap)" >&2; exit 1; }
  SUDO="sudo -n -E"
fi

t0=$(date +%s)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "xen-lab ci: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
t1=$(date +%s)
echo "xen-lab ci: apt prerequisites ready in $((t1 - t0)) s"

export DUSTER_LAB_CACHE=${DUSTER_LAB_CACHE:-/var/tmp/duster-lab}
# under .ci/run the lab gets at most what is left of CI's budget, so a slow run ends with its report, not a kill
if [ -n "${DUSTER_CI_DEADLINE:-}" ]; then
  left=$(( DUSTER_CI_DEADLINE - $(date +%s) ))
  [ "$left" -lt "$CI_TIMEOUT" ] && CI_TIMEOUT=$left
  echo "xen-lab ci: ${CI_TIMEOUT} s left for the lab"
  [ "$CI_TIMEOUT" -gt 60 ] || { echo "xen-lab ci: no time left in CI's budget for the lab" >&2; exit 1; }
fi
rc=0
cd "$ROOT"
# SIGTERM first (test-xen.sh stops its VM on the way out), SIGKILL 60 s later
$SUDO timeout --kill-after=60 "$CI_TIMEOUT" npm run test:xen || rc=$?
t2=$(date +%s)
# belt and braces: whatever happened above, no VM may be left running
DUSTER_LAB_RUN=$DUSTER_LAB_CACHE/test-run "$HERE/stop.sh" || true
[ $rc = 124 ] && echo "xen-lab ci: npm run test:xen timed out after ${CI_TIMEOUT} s" >&2
echo "xen-lab ci: apt $((t1 - t0)) s, npm run test:xen $((t2 - t1)) s (exit $rc), total $((t2 - t0)) s"
exit $rc

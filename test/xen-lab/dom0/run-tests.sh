#!/bin/bash
# run-tests.sh - runs in dom0 (copied to /lab/guest by test-xen.sh): destroys any old demo
# guest, creates it again paused (xl create -p), sets the DUSTER_LAB_* environment from
# /lab/guest/env.sh and runs every /project/dist/test-xen/*.test.js in one node process.
# Manual use with a running lab:  npm run lab:run -- 'bash /lab/guest/run-tests.sh'
# DUSTER_LAB_TESTS=<substring> limits the run to matching test files.
set -euo pipefail
. /lab/guest/env.sh
xl destroy "$DUSTER_LAB_GUEST" 2>/dev/null || true
rm -f /var/log/xen/console/guest-"$DUSTER_LAB_GUEST".log
xl create -p "/lab/guest/$DUSTER_LAB_GUEST.cfg"
. /lab/guest/env.sh   # again, for the new domid
echo "guest $DUSTER_LAB_GUEST created paused, domid $DUSTER_LAB_DOMID ($DUSTER_LAB_HYPERVISOR hypervisor)"
cd /project
exec node --test-reporter=spec dist/test-xen/run.js

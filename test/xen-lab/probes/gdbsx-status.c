/*
 * gdbsx-status.c - asks the hypervisor for XEN_DOMCTL_gdbsx_domstatus of a domain, through
 * libxencall (no libxenctrl private API). Built on the host by test-xen.sh, run in dom0:
 *     gdbsx-status <domid>
 * Prints "gdbsx: supported paused=<0|1> vcpu=<id> event=<n>" and exits 0 when the
 * hypervisor has CONFIG_GDBSX; prints "gdbsx: unsupported (<errno text>)" and exits 3 when
 * it does not (Debian's stock build answers -ENOSYS); exits 1 on other errors.
 */
#define __XEN_TOOLS__ 1
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xencall.h>
#include <xen/xen.h>
#include <xen/domctl.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s <domid>\n", argv[0]);
        return 2;
    }
    xencall_handle *xcall = xencall_open(NULL, 0);
    if (!xcall) {
        perror("xencall_open (run as root in dom0)");
        return 1;
    }
    /* hypercall arguments must live in xencall's locked buffers */
    struct xen_domctl *op = xencall_alloc_buffer(xcall, sizeof(*op));
    if (!op) {
        perror("xencall_alloc_buffer");
        return 1;
    }
    memset(op, 0, sizeof(*op));
    op->cmd = XEN_DOMCTL_gdbsx_domstatus;
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op->domain = (domid_t)atoi(argv[1]);
    int rc = xencall1(xcall, __HYPERVISOR_domctl, (uint64_t)(uintptr_t)op);
    int err = errno;
    int status;
    if (rc == 0) {
        printf("gdbsx: supported paused=%u vcpu=%d event=%u\n", op->u.gdbsx_domstatus.paused,
               (int)op->u.gdbsx_domstatus.vcpu_id, op->u.gdbsx_domstatus.vcpu_ev);
        status = 0;
    } else if (err == ENOSYS || err == EOPNOTSUPP) {
        printf("gdbsx: unsupported (%s)\n", strerror(err));
        status = 3;
    } else {
        printf("gdbsx: error (%s)\n", strerror(err));
        status = 1;
    }
    xencall_free_buffer(xcall, op);
    xencall_close(xcall);
    return status;
}

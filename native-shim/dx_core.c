/* dx_core.c - handles, domain info, pause/unpause, debugging flag, gdbsx domctls, registers (duster-tui Xen shim). */
#include "dx_internal.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenstore.h>
#include <xen/hvm/save.h>
#include <xentoollog.h>

static struct dx_handle *table[DX_MAX_HANDLES];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;

_Static_assert(sizeof(struct dx_info) == 64, "dx_info layout");
_Static_assert(sizeof(struct dx_vcpu) == 32, "dx_vcpu layout");
_Static_assert(sizeof(struct dx_regs) == 232, "dx_regs layout");
_Static_assert(sizeof(struct dx_stop) == 56, "dx_stop layout");

int dx_abi_version(void) { return DX_ABI_VERSION; }

/* Xen's libraries print their errors to stderr, over the TUI: silence them (we return codes) unless asked. */
xentoollog_logger *dx_logger(void)
{
    static xentoollog_logger_stdiostream *quiet;
    pthread_mutex_lock(&table_lock);
    if (!quiet) {
        const char *v = getenv("DUSTER_XEN_VERBOSE");
        quiet = xtl_createlogger_stdiostream(stderr, v && *v ? XTL_DEBUG : XTL_NUM_LEVELS, 0);
    }
    pthread_mutex_unlock(&table_lock);
    return (xentoollog_logger *)quiet;
}

struct dx_handle *dx_get(int h)
{
    if (h < 0 || h >= DX_MAX_HANDLES) return NULL;
    struct dx_handle *d = table[h];
    return d && !d->closing ? d : NULL;
}

int dx_errno(int fallback)
{
    int e = errno;
    return e > 0 ? -e : fallback;
}

int dx_get_domaininfo(xc_interface *xch, uint32_t domid, xc_domaininfo_t *di)
{
    memset(di, 0, sizeof(*di));
#ifdef DX_HAVE_GETINFO_SINGLE
    if (xc_domain_getinfo_single(xch, domid, di) < 0)
        return errno == ESRCH ? DX_E_NODOMAIN : dx_errno(-EIO);
#else
    int n = xc_domain_getinfolist(xch, domid, 1, di);
    if (n < 0) return dx_errno(-EIO);
    if (n == 0 || di->domain != domid) return DX_E_NODOMAIN;
#endif
    return 0;
}

#define EFER_LMA (1u << 10)

int dx_open(uint32_t domid)
{
    struct dx_handle *d = calloc(1, sizeof(*d));
    if (!d) return -ENOMEM;
    d->domid = domid;
    pthread_mutex_init(&d->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);   /* sleeps immune to wall-clock jumps */
    pthread_cond_init(&d->cond, &ca);
    pthread_condattr_destroy(&ca);
    int rc;
    xentoollog_logger *log = dx_logger();
    d->xch = xc_interface_open(log, log, 0);
    if (!d->xch) { rc = dx_errno(-EACCES); goto fail; }
    d->fmem = xenforeignmemory_open(log, 0);
    if (!d->fmem) { rc = dx_errno(-EACCES); goto fail; }
    d->xcall = xencall_open(log, 0);
    if (!d->xcall) { rc = dx_errno(-EACCES); goto fail; }
    xc_domaininfo_t di;
    if ((rc = dx_get_domaininfo(d->xch, domid, &di)) < 0) goto fail;
    unsigned int width = 0;
    if (!(di.flags & XEN_DOMINF_hvm_guest)) {
        if (xc_domain_get_guest_width(d->xch, domid, &width) == 0) d->width = width;
    } else {
        /* PVH/HVM: no fixed width; vCPU 0 in long mode (EFER.LMA) is a 64-bit guest. Its context,
         * memory (guest frames through its page tables) and the spin waiter work as for PV. */
        struct hvm_hw_cpu cpu;
        if (xc_domain_hvm_getcontext_partial(d->xch, domid, HVM_SAVE_CODE(CPU), 0, &cpu, sizeof(cpu)) == 0)
            d->width = (cpu.msr_efer & EFER_LMA) ? 8 : 4;
    }
    pthread_mutex_lock(&table_lock);
    int slot = -1;
    for (int i = 0; i < DX_MAX_HANDLES; i++) if (!table[i]) { slot = i; break; }
    if (slot >= 0) table[slot] = d;
    pthread_mutex_unlock(&table_lock);
    if (slot < 0) { rc = DX_E_TOOMANY; goto fail; }
    return slot;
fail:
    if (d->xcall) xencall_close(d->xcall);
    if (d->fmem) xenforeignmemory_close(d->fmem);
    if (d->xch) xc_interface_close(d->xch);
    free(d);
    return rc;
}

int dx_close(int h)
{
    pthread_mutex_lock(&table_lock);
    struct dx_handle *d = dx_get(h);
    if (!d) { pthread_mutex_unlock(&table_lock); return DX_E_BADHANDLE; }
    d->closing = 1;
    pthread_mutex_unlock(&table_lock);
    pthread_mutex_lock(&d->lock);
    d->wake = 1;
    pthread_cond_broadcast(&d->cond);
    while (d->waiters > 0) pthread_cond_wait(&d->cond, &d->lock);
    pthread_mutex_unlock(&d->lock);
    pthread_mutex_lock(&table_lock);
    table[h] = NULL;
    pthread_mutex_unlock(&table_lock);
    if (d->pxcall) xencall_close(d->pxcall);
    if (d->pxch) xc_interface_close(d->pxch);
    xencall_close(d->xcall);
    xenforeignmemory_close(d->fmem);
    xc_interface_close(d->xch);
    free(d);
    return 0;
}

/* ---- xenstore: names ---- */

int dx_domain_name(uint32_t domid, char *buf, uint32_t len)
{
    if (!buf || len == 0) return DX_E_RANGE;
    struct xs_handle *xs = xs_open(XS_OPEN_READONLY);
    if (!xs) return DX_E_NOXENSTORE;
    char path[64];
    snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
    unsigned int n = 0;
    char *v = xs_read(xs, XBT_NULL, path, &n);
    int rc = v ? 0 : DX_E_NODOMAIN;
    if (v) {
        snprintf(buf, len, "%.*s", (int)n, v);
        free(v);
    }
    xs_close(xs);
    return rc;
}

int dx_find_domain(const char *name)
{
    if (!name || !*name) return DX_E_RANGE;
    struct xs_handle *xs = xs_open(XS_OPEN_READONLY);
    if (!xs) return DX_E_NOXENSTORE;
    unsigned int count = 0;
    char **ids = xs_directory(xs, XBT_NULL, "/local/domain", &count);
    int found = DX_E_NODOMAIN;
    for (unsigned int i = 0; ids && i < count && found < 0; i++) {
        char path[96];
        snprintf(path, sizeof(path), "/local/domain/%s/name", ids[i]);
        unsigned int n = 0;
        char *v = xs_read(xs, XBT_NULL, path, &n);
        if (v && strlen(name) == n && memcmp(v, name, n) == 0) found = atoi(ids[i]);
        free(v);
    }
    free(ids);
    xs_close(xs);
    return found;
}

/* ---- domain state ---- */

int dx_info(int h, struct dx_info *out)
{
    struct dx_handle *d = dx_get(h);
    if (!d) return DX_E_BADHANDLE;
    memset(out, 0, sizeof(*out));
    out->domid = d->domid;
    xc_domaininfo_t di;
    int rc = dx_get_domaininfo(d->xch, d->domid, &di);
    if (rc == DX_E_NODOMAIN) return 0;   /* flags = 0: does not exist (any more) */
    if (rc < 0) return rc;
    uint32_t f = DX_F_EXISTS;
    if (di.flags & XEN_DOMINF_paused) f |= DX_F_PAUSED;
    if (di.flags & XEN_DOMINF_dying) f |= DX_F_DYING;
    if (di.flags & XEN_DOMINF_hvm_guest) f |= DX_F_HVM;
    if (di.flags & XEN_DOMINF_debugged) f |= DX_F_DEBUGGED;
    if (di.flags & XEN_DOMINF_blocked) f |= DX_F_BLOCKED;
    if (di.flags & XEN_DOMINF_running) f |= DX_F_RUNNING;
    if (di.flags & XEN_DOMINF_shutdown) {
        f |= DX_F_SHUTDOWN;
        out->shutdown_reason = (di.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
        if (out->shutdown_reason == SHUTDOWN_crash) f |= DX_F_CRASHED;
    }
    out->flags = f;
    out->guest_width = d->width;
    out->max_vcpu_id = di.max_vcpu_id;
    out->nr_online_vcpus = di.nr_online_vcpus;
    out->tot_pages = di.tot_pages;
    out->max_pages = di.max_pages;
    out->shared_info_frame = di.shared_info_frame;
    out->cpu_time_ns = di.cpu_time;
    return 0;
}

int dx_vcpu_info(int h, uint32_t vcpu, struct dx_vcpu *out)
{
    struct dx_handle *d = dx_get(h);
    if (!d) return DX_E_BADHANDLE;
    memset(out, 0, sizeof(*out));
    xc_vcpuinfo_t vi;
    if (xc_vcpu_getinfo(d->xch, d->domid, vcpu, &vi) < 0) return dx_errno(-EIO);
    out->online = vi.online;
    out->blocked = vi.blocked;
    out->running = vi.running;
    out->cpu = vi.cpu;
    out->cpu_time_ns = vi.cpu_time;
    return 0;
}

int dx_pause(int h)
{
    struct dx_handle *d = dx_get(h);
    if (!d) return DX_E_BADHANDLE;
    if (xc_domain_pause(d->xch, d->domid) < 0) return dx_errno(-EIO);
    dx_cache_flush(d);
    d->stopped = 1;
    return 0;
}

int dx_unpause(int h)
{
    struct dx_handle *d = dx_get(h);
    if (!d) return DX_E_BADHANDLE;
    d->stopped = 0;
    dx_cache_flush(d);
    if (xc_domain_unpause(d->xch, d->domid) < 0) return dx_errno(-EIO);
    return 0;
}

int dx_set_debugging(int h, int on)
{
    struct dx_handle *d = dx_get(h);
    if (!d) return DX_E_BADHANDLE;
    if (xc_domain_setdebugging(d->xch, d->domid, on ? 1 : 0) < 0) return dx_errno(-EIO);
    return 0;
}

/* ---- gdbsx domctls through libxencall (libxenctrl has no wrappers for them) ---- */

int dx_gdbsx_domctl(xencall_handle *xcall, uint32_t domid, uint32_t cmd, uint32_t vcpu, struct dx_stop *out)
{
    struct xen_domctl *op = xencall_alloc_buffer(xcall, sizeof(*op));
    if (!op) return dx_errno(-ENOMEM);
    memset(op, 0, sizeof(*op));
    op->cmd = cmd;
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op->domain = (domid_t)domid;
    if (cmd == XEN_DOMCTL_gdbsx_pausevcpu || cmd == XEN_DOMCTL_gdbsx_unpausevcpu)
        op->u.gdbsx_pauseunp_vcpu.vcpu = vcpu;
    int rc = xencall1(xcall, __HYPERVISOR_domctl, (uint64_t)(uintptr_t)op);
    int err = errno;
    if (rc == 0 && out && cmd == XEN_DOMCTL_gdbsx_domstatus) {
        out->state = op->u.gdbsx_domstatus.paused ? DX_STOP_PAUSED : 0;
        out->vcpu = (int32_t)op->u.gdbsx_domstatus.vcpu_id;
        out->event = op->u.gdbsx_domstatus.vcpu_ev;
    }
    xencall_free_buffer(xcall, op);
    if (rc < 0) return (err == ENOSYS || err == EOPNOTSUPP) ? DX_E_NOGDBSX : (err > 0 ? -err : -EIO);
    return 0;
}

int dx_gdbsx_probe(int h)
{
    struct dx_handle *d = dx_get(h);
    if (!d) return DX_E_BADHANDLE;
    struct dx_stop st;
    memset(&st, 0, sizeof(st));
    int rc = dx_gdbsx_domctl(d->xcall, d->domid, XEN_DOMCTL_gdbsx_domstatus, 0, &st);
    if (rc == DX_E_NOGDBSX) return 0;
    return rc < 0 ? rc : 1;
}

int dx_gdbsx_status(int h, struct dx_stop *out)
{
    struct dx_handle *d = dx_get(h);
    if (!d) return DX_E_BADHANDLE;
    memset(out, 0, sizeof(*out));
    return dx_gdbsx_domctl(d->xcall, d->domid, XEN_DOMCTL_gdbsx_domstatus, 0, out);
}

int dx_vcpu_pause(int h, uint32_t vcpu)
{
    struct dx_handle *d = dx_get(h);
    if (!d) return DX_E_BADHANDLE;
    return dx_gdbsx_domctl(d->xcall, d->domid, XEN_DOMCTL_gdbsx_pausevcpu, vcpu, NULL);
}

int dx_vcpu_unpause(int h, uint32_t vcpu)
{
    struct dx_handle *d = dx_get(h);
    if (!d) return DX_E_BADHANDLE;
    return dx_gdbsx_domctl(d->xcall, d->domid, XEN_DOMCTL_gdbsx_unpausevcpu, vcpu, NULL);
}

/* ---- registers ---- */

#define U(f) ctx.x64.user_regs.f
int dx_get_regs(int h, uint32_t vcpu, struct dx_regs *out)
{
    struct dx_handle *d = dx_get(h);
    if (!d) return DX_E_BADHANDLE;
    if (d->width != 8) return -EOPNOTSUPP;
    vcpu_guest_context_any_t ctx;
    if (xc_vcpu_getcontext(d->xch, d->domid, vcpu, &ctx) < 0) return dx_errno(-EIO);
    uint64_t *r = out->r;
    r[DX_RAX] = U(rax); r[DX_RBX] = U(rbx); r[DX_RCX] = U(rcx); r[DX_RDX] = U(rdx);
    r[DX_RSI] = U(rsi); r[DX_RDI] = U(rdi); r[DX_RBP] = U(rbp); r[DX_RSP] = U(rsp);
    r[DX_R8] = U(r8); r[DX_R9] = U(r9); r[DX_R10] = U(r10); r[DX_R11] = U(r11);
    r[DX_R12] = U(r12); r[DX_R13] = U(r13); r[DX_R14] = U(r14); r[DX_R15] = U(r15);
    r[DX_RIP] = U(rip); r[DX_RFLAGS] = U(rflags);
    r[DX_CS] = U(cs); r[DX_SS] = U(ss); r[DX_DS] = U(ds); r[DX_ES] = U(es); r[DX_FS] = U(fs); r[DX_GS] = U(gs);
    r[DX_FS_BASE] = ctx.x64.fs_base;
    r[DX_GS_BASE_KERNEL] = ctx.x64.gs_base_kernel;
    r[DX_GS_BASE_USER] = ctx.x64.gs_base_user;
    r[DX_CR3] = ctx.x64.ctrlreg[3];
    r[DX_CTX_FLAGS] = ctx.x64.flags;
    return 0;
}

int dx_set_regs(int h, uint32_t vcpu, const struct dx_regs *in, uint32_t mask)
{
    struct dx_handle *d = dx_get(h);
    if (!d) return DX_E_BADHANDLE;
    if (d->width != 8) return -EOPNOTSUPP;
    if (mask >> DX_CR3) return DX_E_RANGE;
    vcpu_guest_context_any_t ctx;
    if (xc_vcpu_getcontext(d->xch, d->domid, vcpu, &ctx) < 0) return dx_errno(-EIO);
    const uint64_t *r = in->r;
#define W(i, f) if (mask & (1u << (i))) f = r[i]
    W(DX_RAX, U(rax)); W(DX_RBX, U(rbx)); W(DX_RCX, U(rcx)); W(DX_RDX, U(rdx));
    W(DX_RSI, U(rsi)); W(DX_RDI, U(rdi)); W(DX_RBP, U(rbp)); W(DX_RSP, U(rsp));
    W(DX_R8, U(r8)); W(DX_R9, U(r9)); W(DX_R10, U(r10)); W(DX_R11, U(r11));
    W(DX_R12, U(r12)); W(DX_R13, U(r13)); W(DX_R14, U(r14)); W(DX_R15, U(r15));
    W(DX_RIP, U(rip)); W(DX_RFLAGS, U(rflags));
    W(DX_CS, U(cs)); W(DX_SS, U(ss)); W(DX_DS, U(ds)); W(DX_ES, U(es)); W(DX_FS, U(fs)); W(DX_GS, U(gs));
    W(DX_FS_BASE, ctx.x64.fs_base); W(DX_GS_BASE_KERNEL, ctx.x64.gs_base_kernel); W(DX_GS_BASE_USER, ctx.x64.gs_base_user);
#undef W
    if (xc_vcpu_setcontext(d->xch, d->domid, vcpu, &ctx) < 0) return dx_errno(-EIO);
    return 0;
}
#undef U

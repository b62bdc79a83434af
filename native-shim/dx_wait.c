/* dx_wait.c - waiting for a stop without busy-spinning (own Xen handles, condvar sleeps, dx_wake), error texts. */
#include "dx_internal.h"
#include <errno.h>
#include <string.h>
#include <time.h>

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The first vCPU whose rip is one of the spin sites (-1: none), and the site in *address. */
static int32_t on_site(struct dx_handle *d, const uint64_t *sites, uint32_t n, uint32_t max_vcpu_id, uint64_t *address)
{
    for (uint32_t v = 0; n && v <= max_vcpu_id; v++) {
        vcpu_guest_context_any_t ctx;
        if (xc_vcpu_getcontext(d->pxch, d->domid, v, &ctx) < 0) continue;  /* offline vCPU */
        uint64_t rip = ctx.x64.user_regs.rip;
        for (uint32_t i = 0; i < n; i++) {
            if (rip != sites[i]) continue;
            *address = rip;
            return (int32_t)v;
        }
    }
    return -1;
}

/* One look at the domain with the waiting thread's handles. 0: running; else DX_STOP_*. */
static int look(struct dx_handle *d, struct dx_stop *out)
{
    xc_domaininfo_t di;
    int rc = dx_get_domaininfo(d->pxch, d->domid, &di);
    out->polls++;
    if (rc == DX_E_NODOMAIN) return DX_STOP_GONE;
    if (rc < 0) return rc;
    if (di.flags & XEN_DOMINF_dying) return DX_STOP_GONE;
    if (di.flags & XEN_DOMINF_shutdown) {
        out->shutdown_reason = (di.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
        return DX_STOP_SHUTDOWN;
    }
    if (!(di.flags & XEN_DOMINF_paused)) {
        uint64_t sites[DX_MAX_SPIN_SITES];
        pthread_mutex_lock(&d->lock);
        uint32_t n = d->nspin;
        memcpy(sites, d->spin, n * sizeof(sites[0]));
        pthread_mutex_unlock(&d->lock);
        uint64_t address = 0;
        if (on_site(d, sites, n, di.max_vcpu_id, &address) < 0) return 0;
        if (xc_domain_pause(d->pxch, d->domid) < 0) return dx_errno(-EIO);
        /*
         * A vCPU seen on a site may have left it before the pause took: an event upcall runs its handler
         * from there (Mini-OS's timer, every tick while a breakpoint spins). Only a look while paused counts.
         */
        int32_t v = on_site(d, sites, n, di.max_vcpu_id, &address);
        if (v < 0) {
            xc_domain_unpause(d->pxch, d->domid);
            return 0;
        }
        out->vcpu = v;
        out->event = DX_EVENT_SPIN;
        out->address = address;
        return DX_STOP_PAUSED;
    }
    {
        struct dx_stop st;
        memset(&st, 0, sizeof(st));
        /* which vCPU took an int3 (GDBSX hypervisors only; cleared by reading it) */
        if (d->nspin == 0 && dx_gdbsx_domctl(d->pxcall, d->domid, XEN_DOMCTL_gdbsx_domstatus, 0, &st) == 0 && st.vcpu >= 0) {
            out->vcpu = st.vcpu;
            out->event = st.event;
        }
        return DX_STOP_PAUSED;
    }
}

int dx_wait_stop(int h, uint32_t first_us, uint32_t max_us, uint32_t budget_us, struct dx_stop *out)
{
    struct dx_handle *d = dx_get(h);
    if (!d) return DX_E_BADHANDLE;
    if (!out) return DX_E_RANGE;
    memset(out, 0, sizeof(*out));
    out->vcpu = -1;
    if (first_us == 0) first_us = 50;
    if (max_us < first_us) max_us = first_us;
    pthread_mutex_lock(&d->lock);
    d->waiters++;
    int rc = 0;
    if (!d->pxch) d->pxch = xc_interface_open(dx_logger(), dx_logger(), 0);
    if (!d->pxcall) d->pxcall = xencall_open(dx_logger(), 0);
    if (!d->pxch || !d->pxcall) rc = dx_errno(-EACCES);
    pthread_mutex_unlock(&d->lock);

    uint64_t deadline = now_us() + budget_us;
    uint64_t interval = first_us;
    while (rc == 0) {
        if (d->closing) { rc = DX_E_CLOSED; break; }
        pthread_mutex_lock(&d->lock);
        int woken = d->wake;
        d->wake = 0;
        pthread_mutex_unlock(&d->lock);
        uint64_t t_look = now_us();
        int st = look(d, out);
        uint64_t t_end = now_us();
        if (st < 0) { rc = st; break; }
        if (st == 0) out->t_running_us = t_look;
        out->t_detect_us = t_end;
        out->look_us = t_end - t_look;
        if (st == 0 && woken) st = DX_STOP_WOKEN;
        if (st) {
            out->state = (uint32_t)st;
            if (st == DX_STOP_PAUSED) { d->stopped = 1; d->cache_stale = 1; }
            rc = 1;
            break;
        }
        uint64_t t = now_us();
        if (t >= deadline) break;
        uint64_t sleep = interval < deadline - t ? interval : deadline - t;
        interval = interval * 2 < max_us ? interval * 2 : max_us;
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        uint64_t ns = (uint64_t)until.tv_nsec + sleep * 1000u;
        until.tv_sec += (time_t)(ns / 1000000000u);
        until.tv_nsec = (long)(ns % 1000000000u);
        pthread_mutex_lock(&d->lock);
        while (!d->wake && !d->closing) {
            if (pthread_cond_timedwait(&d->cond, &d->lock, &until) == ETIMEDOUT) break;
        }
        pthread_mutex_unlock(&d->lock);
    }
    pthread_mutex_lock(&d->lock);
    d->waiters--;
    pthread_cond_broadcast(&d->cond);
    pthread_mutex_unlock(&d->lock);
    return rc;
}

int dx_set_spin_sites(int h, const uint64_t *addrs, uint32_t n)
{
    struct dx_handle *d = dx_get(h);
    if (!d) return DX_E_BADHANDLE;
    if (n > DX_MAX_SPIN_SITES || (n && !addrs)) return DX_E_RANGE;
    pthread_mutex_lock(&d->lock);
    memcpy(d->spin, addrs, n * sizeof(d->spin[0]));
    d->nspin = n;
    pthread_mutex_unlock(&d->lock);
    return 0;
}

int dx_wake(int h)
{
    struct dx_handle *d = dx_get(h);
    if (!d) return DX_E_BADHANDLE;
    pthread_mutex_lock(&d->lock);
    d->wake = 1;
    pthread_cond_broadcast(&d->cond);
    pthread_mutex_unlock(&d->lock);
    return 0;
}

const char *dx_strerror(int code)
{
    switch (code) {
    case DX_E_BADHANDLE: return "not an open Xen handle";
    case DX_E_UNMAPPED: return "guest address not mapped";
    case DX_E_NOGDBSX: return "hypervisor built without GDBSX";
    case DX_E_NODOMAIN: return "no such domain";
    case DX_E_TOOMANY: return "too many open Xen handles";
    case DX_E_NOXENSTORE: return "xenstore is not available";
    case DX_E_RANGE: return "argument out of range";
    case DX_E_CLOSED: return "handle closed";
    default: break;
    }
    if (code < 0 && code > -4096) return strerror(-code);
    return code >= 0 ? "success" : "unknown error";
}

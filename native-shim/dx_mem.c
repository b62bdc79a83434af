/* dx_mem.c - guest virtual memory, page by page: translate (per vCPU page tables), map, copy (duster-tui Xen shim). */
#include "dx_internal.h"
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE 4096ull

void dx_cache_flush(struct dx_handle *d)
{
    d->cache_stale = 0;
    for (int i = 0; i < DX_TCACHE; i++) d->tcache[i].valid = 0;
}

int dx_flush_cache(int h)
{
    struct dx_handle *d = dx_get(h);
    if (!d) return DX_E_BADHANDLE;
    dx_cache_flush(d);
    return 0;
}

/* Virtual page -> machine frame, cached while the domain is paused. 0 and *err set on failure. */
static uint64_t translate(struct dx_handle *d, uint32_t vcpu, uint64_t page, int *err)
{
    if (d->cache_stale) dx_cache_flush(d);
    struct dx_tentry *e = &d->tcache[(page >> 12) % DX_TCACHE];
    if (d->stopped && e->valid && e->page == page && e->vcpu == vcpu) return e->mfn;
    errno = 0;
    unsigned long mfn = xc_translate_foreign_address(d->xch, d->domid, (int)vcpu, page);
    if (!mfn) {
        *err = (errno == 0 || errno == EADDRNOTAVAIL || errno == EFAULT) ? DX_E_UNMAPPED : -errno;
        return 0;
    }
    if (d->stopped) { e->page = page; e->mfn = mfn; e->vcpu = vcpu; e->valid = 1; }
    return mfn;
}

static int access_mem(int h, uint32_t vcpu, uint64_t addr, uint8_t *buf, uint32_t len, uint64_t *fail, int write)
{
    struct dx_handle *d = dx_get(h);
    if (!d) return DX_E_BADHANDLE;
    if (!buf && len) return DX_E_RANGE;
    uint32_t done = 0;
    while (done < len) {
        uint64_t a = addr + done;
        uint64_t page = a & ~(PAGE - 1);
        uint32_t off = (uint32_t)(a - page);
        uint32_t n = (uint32_t)(PAGE - off);
        if (n > len - done) n = len - done;
        int err = 0;
        xen_pfn_t mfn = translate(d, vcpu, page, &err);
        if (!mfn) {
            if (fail) *fail = a;
            return err;
        }
        int map_err = 0;
        int prot = write ? PROT_READ | PROT_WRITE : PROT_READ;
        uint8_t *p = xenforeignmemory_map(d->fmem, d->domid, prot, 1, &mfn, &map_err);
        if (!p || map_err) {
            int e = map_err ? map_err : errno;
            if (p) xenforeignmemory_unmap(d->fmem, p, 1);
            if (fail) *fail = a;
            /* EFAULT/EINVAL/ENOENT: no such frame (ballooned out, or not RAM) */
            return (e < 0 ? e : -e) == -EPERM ? -EPERM : DX_E_UNMAPPED;
        }
        if (write) memcpy(p + off, buf + done, n);
        else memcpy(buf + done, p + off, n);
        xenforeignmemory_unmap(d->fmem, p, 1);
        done += n;
    }
    return 0;
}

int dx_read_mem(int h, uint32_t vcpu, uint64_t addr, void *buf, uint32_t len, uint64_t *fail_addr)
{
    return access_mem(h, vcpu, addr, buf, len, fail_addr, 0);
}

int dx_write_mem(int h, uint32_t vcpu, uint64_t addr, const void *buf, uint32_t len, uint64_t *fail_addr)
{
    return access_mem(h, vcpu, addr, (uint8_t *)buf, len, fail_addr, 1);
}

/* One machine frame of the domain mapped (unmap with xenforeignmemory_unmap), or NULL and *rc < 0. */
static void *map_frame(struct dx_handle *d, uint64_t mfn, int prot, int *rc)
{
    xen_pfn_t f = mfn;
    int map_err = 0;
    void *p = xenforeignmemory_map(d->fmem, d->domid, prot, 1, &f, &map_err);
    if (!p) {
        *rc = dx_errno(-EIO);
        return NULL;
    }
    if (map_err) {
        xenforeignmemory_unmap(d->fmem, p, 1);
        *rc = map_err < 0 ? map_err : -map_err;
        return NULL;
    }
    return p;
}

int dx_read_frame(int h, uint64_t mfn, void *buf4096)
{
    struct dx_handle *d = dx_get(h);
    if (!d) return DX_E_BADHANDLE;
    if (!buf4096) return DX_E_RANGE;
    int rc = 0;
    void *p = map_frame(d, mfn, PROT_READ, &rc);
    if (!p) return rc;
    memcpy(buf4096, p, PAGE);
    xenforeignmemory_unmap(d->fmem, p, 1);
    return 0;
}

int dx_translate(int h, uint32_t vcpu, uint64_t va, uint64_t *mfn)
{
    struct dx_handle *d = dx_get(h);
    if (!d) return DX_E_BADHANDLE;
    if (!mfn) return DX_E_RANGE;
    int err = 0;
    uint64_t f = translate(d, vcpu, va & ~(PAGE - 1), &err);
    if (!f) return err;
    *mfn = f;
    return 0;
}

int dx_upcall_mask(int h, uint64_t shared_info_frame, uint32_t vcpu, int value)
{
    struct dx_handle *d = dx_get(h);
    if (!d) return DX_E_BADHANDLE;
    if (vcpu >= XEN_LEGACY_MAX_VCPUS || value > 255) return DX_E_RANGE;
    int rc = 0;
    shared_info_t *s = map_frame(d, shared_info_frame, PROT_READ | PROT_WRITE, &rc);
    if (!s) return rc;
    volatile uint8_t *mask = &s->vcpu_info[vcpu].evtchn_upcall_mask;
    int old = *mask;
    if (value >= 0) *mask = (uint8_t)value;
    xenforeignmemory_unmap(d->fmem, s, 1);
    return old;
}

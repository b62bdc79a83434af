/* duster_xen.h - flat, koffi-friendly API of the duster-tui Xen shim (integers, byte buffers, fixed structs). */
#ifndef DUSTER_XEN_H
#define DUSTER_XEN_H
#include <stdint.h>

/*
 * Conventions: every call returns an int; >= 0 is success, < 0 is an error code:
 * -errno for system/hypercall failures, or one of the DX_E_* codes below. Nothing aborts.
 * Handles are small integers (an index into a table), so a stale handle is an error, not a crash.
 * Every struct is little-endian, naturally aligned, and its size is fixed (checked at build time).
 */
#define DX_E_BADHANDLE  (-10001) /* not an open handle */
#define DX_E_UNMAPPED   (-10002) /* a guest virtual address has no mapping (see *fail_addr) */
#define DX_E_NOGDBSX    (-10003) /* the hypervisor has no CONFIG_GDBSX */
#define DX_E_NODOMAIN   (-10004) /* no such domain */
#define DX_E_TOOMANY    (-10005) /* handle table full */
#define DX_E_NOXENSTORE (-10006) /* xenstore unavailable */
#define DX_E_RANGE      (-10007) /* bad argument (vCPU number, length) */
#define DX_E_CLOSED     (-10008) /* handle closed while waiting */

/* dx_info.flags */
#define DX_F_EXISTS    0x001
#define DX_F_PAUSED    0x002  /* paused by a controller (toolstack, debugger, or Xen for a debug trap) */
#define DX_F_SHUTDOWN  0x004  /* shut down; shutdown_reason says why */
#define DX_F_CRASHED   0x008  /* shut down with SHUTDOWN_crash */
#define DX_F_DYING     0x010
#define DX_F_HVM       0x020
#define DX_F_DEBUGGED  0x040  /* xc_domain_setdebugging(1) in effect */
#define DX_F_BLOCKED   0x080
#define DX_F_RUNNING   0x100

struct dx_info {                 /* 64 bytes */
    uint32_t domid;
    uint32_t flags;              /* DX_F_* */
    uint32_t shutdown_reason;    /* SHUTDOWN_* when DX_F_SHUTDOWN */
    uint32_t guest_width;        /* bytes per word: 8 (64-bit PV, or PVH/HVM in long mode at open) or 4; 0 unknown */
    uint32_t max_vcpu_id;
    uint32_t nr_online_vcpus;
    uint64_t tot_pages;
    uint64_t max_pages;
    uint64_t shared_info_frame;
    uint64_t cpu_time_ns;
    uint64_t reserved;
};

struct dx_vcpu {                 /* 32 bytes */
    uint32_t online, blocked, running, cpu;
    uint64_t cpu_time_ns;
    uint64_t reserved;
};

/* Registers of one vCPU, 29 x uint64. Order of the first 26 = GENERAL_REGISTERS in contract.ts. */
enum {
    DX_RAX, DX_RBX, DX_RCX, DX_RDX, DX_RSI, DX_RDI, DX_RBP, DX_RSP,
    DX_R8, DX_R9, DX_R10, DX_R11, DX_R12, DX_R13, DX_R14, DX_R15,
    DX_RIP, DX_RFLAGS, DX_CS, DX_SS, DX_DS, DX_ES, DX_FS, DX_GS,
    DX_FS_BASE, DX_GS_BASE_KERNEL, DX_GS_BASE_USER, DX_CR3, DX_CTX_FLAGS,
    DX_NREGS
};
struct dx_regs { uint64_t r[DX_NREGS]; };   /* 232 bytes; cr3 and ctx flags are read-only */

/* dx_wait_stop() result */
#define DX_STOP_PAUSED   1   /* the domain is paused (by us, by Xen at a debug trap, or by someone else) */
#define DX_STOP_SHUTDOWN 2   /* shut down (crash, poweroff, reboot...): reason in shutdown_reason */
#define DX_STOP_GONE     3   /* destroyed / dying */
#define DX_STOP_WOKEN    4   /* dx_wake() was called and the domain is not (yet) paused */
#define DX_EVENT_SPIN 0x100     /* dx_stop.event: a vCPU sat on a spin site; the waiter paused the domain */
struct dx_stop {                 /* 56 bytes */
    uint32_t state;              /* DX_STOP_* (0 = still running when the budget ran out) */
    int32_t  vcpu;               /* vCPU with a gdbsx event (int3), or -1 */
    uint32_t event;              /* the gdbsx event (3 = int3), 0 none */
    uint32_t shutdown_reason;
    uint64_t polls;              /* how many times the domain was looked at */
    uint64_t t_running_us;       /* CLOCK_MONOTONIC start of the last look that saw it running (0: none) */
    uint64_t t_detect_us;        /* CLOCK_MONOTONIC end of the look that saw the stop */
    uint64_t look_us;            /* duration of that look (the hypervisor's share of the latency) */
    uint64_t address;            /* DX_EVENT_SPIN: the spin site */
};

int dx_abi_version(void);              /* bumps when a struct or signature changes */
const char *dx_strerror(int code);     /* text for any code returned here (static storage) */

int dx_open(uint32_t domid);           /* -> handle; opens libxenctrl, foreignmemory, xencall */
int dx_close(int h);
int dx_find_domain(const char *name);  /* name -> domid via xenstore (/local/domain/N/name) */
int dx_domain_name(uint32_t domid, char *buf, uint32_t len);
int dx_info(int h, struct dx_info *out);
int dx_vcpu_info(int h, uint32_t vcpu, struct dx_vcpu *out);
int dx_pause(int h);
int dx_unpause(int h);
int dx_set_debugging(int h, int on);
int dx_gdbsx_probe(int h);             /* 1: GDBSX domctls answered, 0: ENOSYS/EOPNOTSUPP, <0 error */
int dx_gdbsx_status(int h, struct dx_stop *out);   /* one XEN_DOMCTL_gdbsx_domstatus (clears the event it returns) */
int dx_vcpu_pause(int h, uint32_t vcpu);           /* GDBSX only; the domain must be paused */
int dx_vcpu_unpause(int h, uint32_t vcpu);
int dx_get_regs(int h, uint32_t vcpu, struct dx_regs *out);
int dx_set_regs(int h, uint32_t vcpu, const struct dx_regs *in, uint32_t mask); /* bit i: write r[i], i < DX_CR3 */
int dx_read_mem(int h, uint32_t vcpu, uint64_t addr, void *buf, uint32_t len, uint64_t *fail_addr);
int dx_write_mem(int h, uint32_t vcpu, uint64_t addr, const void *buf, uint32_t len, uint64_t *fail_addr);
int dx_read_frame(int h, uint64_t mfn, void *buf4096);  /* one machine frame (PV: start_info's console mfn) */
int dx_flush_cache(int h);             /* forget cached translations (done on every pause/unpause) */
int dx_translate(int h, uint32_t vcpu, uint64_t va, uint64_t *mfn);  /* the machine frame of va's page */
/*
 * A 64-bit PV vCPU's event-channel upcall mask (vcpu_info in the shared_info frame, vCPUs 0-31):
 * returns its value before the call, then writes `value` when it is 0-255 (-1 only reads).
 */
int dx_upcall_mask(int h, uint64_t shared_info_frame, uint32_t vcpu, int value);
/*
 * Waits until the domain is paused, shut down or gone, or dx_wake() is called, or budget_us passes
 * (then returns 0 with out->state = 0). Sleeps between looks, first_us doubling up to max_us: never
 * a busy loop. Uses its own Xen handles, so it may run on another thread (koffi async) while the
 * main thread calls the rest of this API. Returns 1 when out->state != 0.
 */
int dx_wait_stop(int h, uint32_t first_us, uint32_t max_us, uint32_t budget_us, struct dx_stop *out);
int dx_wake(int h);
/*
 * Spin breakpoints: addresses holding `jmp .` (EB FE). While sites are set, every look of
 * dx_wait_stop also reads rip of each online vCPU; one sitting on a site makes it pause the
 * domain and report DX_STOP_PAUSED with event DX_EVENT_SPIN (that pause is the caller's to undo).
 */
#define DX_MAX_SPIN_SITES 64
int dx_set_spin_sites(int h, const uint64_t *addrs, uint32_t n);
#endif

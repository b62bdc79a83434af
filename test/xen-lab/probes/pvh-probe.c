/*
 * pvh-probe.c - measures which debugging interfaces a PVH/HVM domain offers on this hypervisor
 * (issue 12 item 2: "measure first"). Built on the host by test-xen.sh, run as root in dom0:
 *     pvh-probe <domid> <breakpoint-address-hex>
 * The domain must be running a 64-bit guest whose code at <breakpoint-address> runs again and
 * again (a periodic function). The probe prints one "name: result" line per question:
 *   domain type, guest width, vCPU context through XEN_DOMCTL_getvcpucontext and through the
 *   HVM save record (rip/rsp/cr3/efer of both), a virtual->guest-frame translation of rip and the
 *   bytes there, XEN_DOMCTL_debug_op single-step (VMX's monitor trap flag only), the monitor
 *   capabilities, then a real round: int3 planted through a foreign mapping, reported as a
 *   vm_event software-breakpoint event (or ICEBP, a debug-exception event, with a third argument f1); the original byte put back, TF set through the HVM
 *   context, reported as a debug-exception event one instruction later; TF cleared, monitor off.
 * Every byte it patches is restored before it exits, on every path after the plant.
 */
#define __XEN_TOOLS__ 1
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <xenctrl.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xen/hvm/save.h>
#include <xen/vm_event.h>

static xc_interface *xch;
static xenforeignmemory_handle *fmem;
static uint32_t domid;

/* The HVM CPU save record of vCPU 0 (struct hvm_hw_cpu), read through gethvmcontext_partial. */
static int hvm_cpu(struct hvm_hw_cpu *cpu)
{
    return xc_domain_hvm_getcontext_partial(xch, domid, HVM_SAVE_CODE(CPU), 0, cpu, sizeof(*cpu));
}

/* Writes vCPU 0's CPU record back: the whole context buffer with that record replaced. */
static int set_hvm_cpu(const struct hvm_hw_cpu *cpu)
{
    int size = xc_domain_hvm_getcontext(xch, domid, NULL, 0);
    if (size <= 0) return -1;
    uint8_t *buf = malloc(size);
    if (!buf || xc_domain_hvm_getcontext(xch, domid, buf, size) < 0) { free(buf); return -1; }
    int off = 0, done = -1;
    while (off + (int)sizeof(struct hvm_save_descriptor) <= size) {
        struct hvm_save_descriptor *d = (void *)(buf + off);
        if (d->typecode == HVM_SAVE_CODE(CPU) && d->instance == 0 && d->length == sizeof(*cpu)) {
            memcpy(d + 1, cpu, sizeof(*cpu));
            done = 0;
        }
        if (d->typecode == HVM_SAVE_CODE(END)) break;
        off += sizeof(*d) + d->length;
    }
    if (done == 0) done = xc_domain_hvm_setcontext(xch, domid, buf, size);
    free(buf);
    return done;
}

/* One byte of guest virtual memory through the page tables (cr3 of vCPU 0) and a foreign map. */
static int guest_byte(uint64_t va, uint8_t *value, int write)
{
    unsigned long frame = xc_translate_foreign_address(xch, domid, 0, va);
    if (!frame) return -1;
    xen_pfn_t pfn = frame;
    int err = 0;
    uint8_t *p = xenforeignmemory_map(fmem, domid, write ? PROT_READ | PROT_WRITE : PROT_READ, 1, &pfn, &err);
    if (!p || err) return -1;
    if (write) p[va & 0xfff] = *value; else *value = p[va & 0xfff];
    xenforeignmemory_unmap(fmem, p, 1);
    return 0;
}

struct ring {
    xenevtchn_handle *xce;
    evtchn_port_t local;
    vm_event_back_ring_t back;
    void *page;
};

/* Waits up to ms for one vm_event request. */
static int next_event(struct ring *r, vm_event_request_t *req, int ms)
{
    for (;;) {
        if (RING_HAS_UNCONSUMED_REQUESTS(&r->back)) {
            RING_IDX c = r->back.req_cons;
            memcpy(req, RING_GET_REQUEST(&r->back, c), sizeof(*req));
            r->back.req_cons = c + 1;
            r->back.sring->req_event = c + 2;
            return 0;
        }
        struct pollfd pfd = { .fd = xenevtchn_fd(r->xce), .events = POLLIN };
        int n = poll(&pfd, 1, ms);
        if (n <= 0) return -1;
        xenevtchn_port_or_error_t port = xenevtchn_pending(r->xce);
        if (port >= 0) xenevtchn_unmask(r->xce, port);
    }
}

/* Answers a request: unpauses the vCPU it paused. */
static void respond(struct ring *r, const vm_event_request_t *req)
{
    vm_event_response_t rsp;
    memset(&rsp, 0, sizeof(rsp));
    rsp.version = VM_EVENT_INTERFACE_VERSION;
    rsp.vcpu_id = req->vcpu_id;
    rsp.flags = req->flags & VM_EVENT_FLAG_VCPU_PAUSED;
    rsp.reason = req->reason;
    RING_IDX p = r->back.rsp_prod_pvt;
    memcpy(RING_GET_RESPONSE(&r->back, p), &rsp, sizeof(rsp));
    r->back.rsp_prod_pvt = p + 1;
    RING_PUSH_RESPONSES(&r->back);
    xenevtchn_notify(r->xce, r->local);
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) { fprintf(stderr, "usage: %s <domid> <breakpoint-address-hex> [opcode-hex]\n", argv[0]); return 2; }
    domid = (uint32_t)strtoul(argv[1], NULL, 0);
    uint64_t bp = strtoull(argv[2], NULL, 16);
    xch = xc_interface_open(NULL, NULL, 0);
    fmem = xenforeignmemory_open(NULL, 0);
    if (!xch || !fmem) { perror("open (run as root in dom0)"); return 1; }

    xc_dominfo_t info;
    if (xc_domain_getinfo(xch, domid, 1, &info) != 1 || info.domid != domid) { fprintf(stderr, "no domain %u\n", domid); return 1; }
    printf("domain type: %s\n", info.hvm ? "hvm (PVH or HVM)" : "pv");
    unsigned int width = 0;
    int rc = xc_domain_get_guest_width(xch, domid, &width);
    printf("xc_domain_get_guest_width: %s (width %u)\n", rc ? strerror(errno) : "ok", width);

    xc_domain_pause(xch, domid);
    vcpu_guest_context_any_t ctx;
    if (xc_vcpu_getcontext(xch, domid, 0, &ctx) == 0)
        printf("getvcpucontext: ok rip=%#" PRIx64 " rsp=%#" PRIx64 " rflags=%#" PRIx64 " cr3=%#lx flags=%#lx\n",
               ctx.x64.user_regs.rip, ctx.x64.user_regs.rsp, ctx.x64.user_regs.rflags, ctx.x64.ctrlreg[3], ctx.x64.flags);
    else
        printf("getvcpucontext: %s\n", strerror(errno));
    struct hvm_hw_cpu cpu;
    if (hvm_cpu(&cpu) == 0)
        printf("hvm cpu record: ok rip=%#" PRIx64 " rsp=%#" PRIx64 " rflags=%#" PRIx64 " cr0=%#" PRIx64 " cr3=%#" PRIx64 " cr4=%#" PRIx64 " efer=%#" PRIx64 " cs_arbytes=%#x\n",
               cpu.rip, cpu.rsp, cpu.rflags, cpu.cr0, cpu.cr3, cpu.cr4, cpu.msr_efer, cpu.cs_arbytes);
    else
        printf("hvm cpu record: %s\n", strerror(errno));
    unsigned long frame = xc_translate_foreign_address(xch, domid, 0, cpu.rip);
    printf("translate rip: %s frame=%#lx\n", frame ? "ok" : strerror(errno), frame);
    printf("bytes at rip:");
    for (int i = 0; i < 8; i++) { uint8_t b; if (guest_byte(cpu.rip + i, &b, 0)) { printf(" ??"); break; } printf(" %02x", b); }
    printf("\n");
    rc = xc_domain_debug_control(xch, domid, XEN_DOMCTL_DEBUG_OP_SINGLE_STEP_ON, 0);
    printf("debug_op single-step: %s\n", rc ? strerror(errno) : "ok");
    if (!rc) xc_domain_debug_control(xch, domid, XEN_DOMCTL_DEBUG_OP_SINGLE_STEP_OFF, 0);
    uint32_t caps = 0;
    rc = xc_monitor_get_capabilities(xch, domid, &caps);
    printf("monitor capabilities: %s %#x (software_breakpoint %d, debug_exception %d, singlestep %d)\n", rc ? strerror(errno) : "ok", caps,
           !!(caps & (1u << XEN_DOMCTL_MONITOR_EVENT_SOFTWARE_BREAKPOINT)), !!(caps & (1u << XEN_DOMCTL_MONITOR_EVENT_DEBUG_EXCEPTION)),
           !!(caps & (1u << XEN_DOMCTL_MONITOR_EVENT_SINGLESTEP)));

    struct ring r = { 0 };
    uint32_t remote = 0;
    r.page = xc_monitor_enable(xch, domid, &remote);
    if (!r.page) { printf("monitor enable: %s\n", strerror(errno)); xc_domain_unpause(xch, domid); return 0; }
    printf("monitor enable: ok (port %u)\n", remote);
    r.xce = xenevtchn_open(NULL, 0);
    int port = r.xce ? xenevtchn_bind_interdomain(r.xce, domid, remote) : -1;
    if (port < 0) { printf("bind event channel: %s\n", strerror(errno)); goto off; }
    r.local = port;
    SHARED_RING_INIT((vm_event_sring_t *)r.page);
    BACK_RING_INIT(&r.back, (vm_event_sring_t *)r.page, XC_PAGE_SIZE);
    rc = xc_monitor_software_breakpoint(xch, domid, 1);
    printf("monitor software_breakpoint: %s\n", rc ? strerror(errno) : "ok");
    int dbg = xc_monitor_debug_exceptions(xch, domid, 1, 1);
    printf("monitor debug_exceptions: %s\n", dbg ? strerror(errno) : "ok");

    /* A step first, from wherever the vCPU is: TF through the HVM context, a debug-exception event. */
    if (dbg == 0 && hvm_cpu(&cpu) == 0) {
        uint64_t from = cpu.rip;
        cpu.rflags |= 0x100;
        int set = set_hvm_cpu(&cpu);
        xc_domain_unpause(xch, domid);
        vm_event_request_t step;
        int none = next_event(&r, &step, 5000);
        xc_domain_pause(xch, domid);
        if (none) printf("TF step from %#" PRIx64 " (set %s): no event within 5 s\n", from, set ? strerror(errno) : "ok");
        else printf("TF step from %#" PRIx64 ": reason %u (debug_exception=%u) type %u rip=%#" PRIx64 "\n", from, step.reason,
                    VM_EVENT_REASON_DEBUG_EXCEPTION, step.u.debug_exception.type, step.data.regs.x86.rip);
        if (hvm_cpu(&cpu) == 0) {
            cpu.rflags &= ~0x100ULL;
            set_hvm_cpu(&cpu);
        }
        if (!none) respond(&r, &step);
    }

    /* int3 (0xcc) by default; "pvh-probe D ADDR f1" plants ICEBP (int1), which SVM always intercepts. */
    /* "dr" instead: an execute breakpoint in DR0 (through the HVM context), a #DB, no byte patched. */
    int use_dr = argc > 3 && strcmp(argv[3], "dr") == 0;
    uint8_t orig, int3 = argc > 3 && !use_dr ? (uint8_t)strtoul(argv[3], NULL, 16) : 0xcc;
    if (use_dr) {
        if (dbg || hvm_cpu(&cpu)) { printf("DR0 breakpoint: no debug_exceptions monitor\n"); goto off; }
        cpu.dr0 = bp;
        cpu.dr7 = 0x401;   /* L0, execute, 1 byte (bit 10 reads as 1) */
        printf("set DR0/DR7: %s\n", set_hvm_cpu(&cpu) ? strerror(errno) : "ok");
    } else if (rc || guest_byte(bp, &orig, 0) || guest_byte(bp, &int3, 1)) {
        printf("plant int3 at %#" PRIx64 ": failed\n", bp);
        goto off;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    xc_domain_unpause(xch, domid);
    vm_event_request_t req;
    int got = next_event(&r, &req, 15000);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    xc_domain_pause(xch, domid);
    if (!use_dr) guest_byte(bp, &orig, 1);   /* restored whatever happened */
    else if (hvm_cpu(&cpu) == 0) { cpu.dr7 = 0x400; set_hvm_cpu(&cpu); }
    if (got) { printf("breakpoint %02x event: none within 15 s\n", int3); goto off; }
    printf("breakpoint %02x event: reason %u (software_breakpoint=%u, debug_exception=%u) type %u vcpu %u rip=%#" PRIx64 " insn_length %u paused %d after %.1f ms\n",
           int3, req.reason, VM_EVENT_REASON_SOFTWARE_BREAKPOINT, VM_EVENT_REASON_DEBUG_EXCEPTION, req.u.software_breakpoint.type, req.vcpu_id,
           req.data.regs.x86.rip, req.u.software_breakpoint.insn_length,
           !!(req.flags & VM_EVENT_FLAG_VCPU_PAUSED), (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
    if (hvm_cpu(&cpu) == 0) printf("after the breakpoint event: hvm rip=%#" PRIx64 "\n", cpu.rip);
    if (dbg == 0 && !use_dr) {
        cpu.rflags |= 0x100;
        rc = set_hvm_cpu(&cpu);
        printf("set TF through sethvmcontext: %s\n", rc ? strerror(errno) : "ok");
        respond(&r, &req);
        xc_domain_unpause(xch, domid);
        got = next_event(&r, &req, 5000);
        xc_domain_pause(xch, domid);
        if (got) printf("step event: none within 5 s\n");
        else printf("step event: reason %u (debug_exception=%u) type %u rip=%#" PRIx64 " (breakpoint was %#" PRIx64 ")\n", req.reason,
                    VM_EVENT_REASON_DEBUG_EXCEPTION, req.u.debug_exception.type, req.data.regs.x86.rip, bp);
        if (hvm_cpu(&cpu) == 0) {
            cpu.rflags &= ~0x100ULL;
            set_hvm_cpu(&cpu);
        }
    }
    if (!got) respond(&r, &req);
off:
    xc_monitor_software_breakpoint(xch, domid, 0);
    xc_monitor_debug_exceptions(xch, domid, 0, 0);
    xc_monitor_disable(xch, domid);
    if (r.xce) xenevtchn_close(r.xce);
    xc_domain_unpause(xch, domid);
    printf("done\n");
    return 0;
}

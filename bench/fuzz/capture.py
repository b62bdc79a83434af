# gdb Python: at the current stop, write the registers and the program's own memory (its mappings,
# heap and stack) as JSON to the file named by the convenience variable $duster_out.
import base64, json, gdb

NAMES = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15',
         'rip', 'eflags', 'cs', 'ss', 'ds', 'es', 'fs', 'gs', 'fs_base', 'gs_base']

def capture(out, exe):
    regs = {}
    for n in NAMES:
        try:
            regs[n] = hex(int(gdb.parse_and_eval('$' + n).cast(gdb.lookup_type('long'))) & (2**64 - 1))
        except gdb.error:
            pass
    inf = gdb.selected_inferior()
    regions = []
    for line in gdb.execute('info proc mappings', to_string=True).splitlines():
        f = line.split()
        if len(f) < 5 or not f[0].startswith('0x'):
            continue
        name = f[-1]
        if not (name == exe or name in ('[stack]', '[heap]')):
            continue
        start, end = int(f[0], 16), int(f[1], 16)
        try:
            data = bytes(inf.read_memory(start, end - start))
        except gdb.error:
            continue
        regions.append({'start': hex(start), 'data': base64.b64encode(data).decode()})
    with open(out, 'w') as fh:
        json.dump({'regs': regs, 'regions': regions}, fh)

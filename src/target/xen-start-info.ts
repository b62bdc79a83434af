// The PV start_info page (xen/xen.h, x86_64 layout) and the PV console ring (xen/io/console.h): decoding only.
export const START_INFO_MAGIC = 'xen-3.0-x86_64';
export const START_INFO_SIZE = 1168;

export interface StartInfo {
  magic: string;
  nrPages: bigint;
  sharedInfo: bigint;
  flags: number;
  storeMfn: bigint;
  storeEvtchn: number;
  consoleMfn: bigint;
  consoleEvtchn: number;
  ptBase: bigint;
  nrPtFrames: bigint;
  mfnList: bigint;
  modStart: bigint;
  modLen: bigint;
  cmdLine: string;
  firstP2mPfn: bigint;
  nrP2mFrames: bigint;
}

function cString(b: Buffer, off: number, max: number): string {
  const end = b.indexOf(0, off);
  return b.toString('latin1', off, end < 0 || end > off + max ? off + max : end);
}

/** Decodes start_info from its first START_INFO_SIZE bytes; undefined when the magic is not a Xen one. */
export function parseStartInfo(bytes: Uint8Array): StartInfo | undefined {
  if (bytes.length < START_INFO_SIZE) return undefined;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const magic = cString(b, 0, 32);
  if (!magic.startsWith('xen-3.0-')) return undefined;
  const u64 = (o: number) => b.readBigUInt64LE(o);
  return {
    magic,
    nrPages: u64(32), sharedInfo: u64(40), flags: b.readUInt32LE(48),
    storeMfn: u64(56), storeEvtchn: b.readUInt32LE(64),
    consoleMfn: u64(72), consoleEvtchn: b.readUInt32LE(80),
    ptBase: u64(88), nrPtFrames: u64(96), mfnList: u64(104), modStart: u64(112), modLen: u64(120),
    cmdLine: cString(b, 128, 1024), firstP2mPfn: u64(1152), nrP2mFrames: u64(1160),
  };
}

/** SIF_* flag names (xen.h). */
export function startInfoFlags(flags: number): string[] {
  const names: [number, string][] = [[1, 'privileged'], [2, 'initdomain'], [4, 'multiboot_mod'], [8, 'mod_start_pfn'], [16, 'virt_p2m_4tools']];
  return names.filter(([bit]) => flags & bit).map(([, n]) => n);
}

/**
 * The recent output still in a PV console ring page (struct xencons_interface: out[2048] at 1024,
 * out_cons at 3080, out_prod at 3084): up to the last 2048 bytes written, consumed or not.
 */
export function consoleRingText(page: Uint8Array): string {
  const b = Buffer.from(page.buffer, page.byteOffset, page.length);
  if (b.length < 3088) return '';
  const size = 2048;
  const prod = b.readUInt32LE(3084);
  const n = Math.min(prod, size);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = b[1024 + ((prod - n + i) & (size - 1))]!;
  return out.toString('utf8');
}

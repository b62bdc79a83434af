// gdb's block dictionaries: the order `info locals` walks a block's symbols (a lexical block's are hashed).

/** gdb's SYMBOL_HASH_NEXT: 32-bit unsigned arithmetic, letters folded to lower case. */
function hashNext(hash: number, ch: number): number {
  const lower = ch >= 0x41 && ch <= 0x5a ? ch + 32 : ch;
  return (Math.imul(hash, 67) + lower - 113) >>> 0;
}

/** gdb's msymbol_hash_iw: spaces ignored, stops at '('. */
function hashIgnoringSpaces(name: string): number {
  let hash = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x28) break;
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c) continue;
    hash = hashNext(hash, c);
  }
  return hash;
}

/**
 * gdb's default_search_name_hash (C uses it): shaped for Ada's encoded names, so a name hashes only up to a
 * '$', '.' or 'X' after its first character, restarts after "__" + lower-case letter or 'O', and drops a "TKB" tail.
 */
export function gdbSearchNameHash(name: string): number {
  let i = 0;
  if (name.startsWith('_')) {
    if (!name.startsWith('_ada_')) return hashIgnoringSpaces(name);
    i = 5;
  }
  let hash = 0;
  while (i < name.length) {
    const c = name[i]!;
    if (c === '$' || c === '.' || c === 'X') return i === 0 ? hashIgnoringSpaces(name) : hash;
    if (c === ' ' || c === '(') return hashIgnoringSpaces(name);
    if (c === '_' && name[i + 1] === '_' && i !== 0) {
      const n = name.charCodeAt(i + 2);
      if ((Number.isNaN(n) || n < 0x61 || n > 0x7a) && name[i + 2] !== 'O') return hash;
      hash = 0;
      i += 2;
      continue;
    }
    if (c === 'T' && name.slice(i) === 'TKB') return hash;
    hash = hashNext(hash, name.charCodeAt(i));
    i++;
  }
  return hash;
}

/**
 * The order gdb iterates a hashed block dictionary built from `names` (in the order gdb read them): bucket by
 * bucket (DICT_HASHTABLE_SIZE = n/5 + 1 buckets), each bucket in reading order. Returns indexes into `names`.
 */
export function hashedOrder(names: readonly string[]): number[] {
  const buckets = Math.floor(names.length / 5) + 1;
  const byBucket: number[][] = Array.from({ length: buckets }, () => []);
  names.forEach((n, i) => byBucket[gdbSearchNameHash(n) % buckets]!.push(i));
  return byBucket.flat();
}

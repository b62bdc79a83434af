// gdb's print name of an ELF (minimal) symbol: its Ada decoding of names like "counter.2" (gcc's function-static variables).

/**
 * gdb tries every language's demangler on a minimal symbol's name; for C names only Ada's ada_decode claims some,
 * and gdb then prints the decoded name wherever it prints a symbol's print name (pointer values `<counter>`,
 * `info symbol`), while `x/a` and `print/a` keep the linkage name. This is the part of ada_decode that C programs
 * meet: a trailing ".N" / "$N" / "__N" is dropped, a ".alpha" compiler suffix becomes "[alpha]", "__" reads ".".
 * Names starting with "_" or "<", and decodings with upper-case letters, are left alone, as gdb does.
 */
export function msymPrintName(name: string): string {
  if (name === '' || name[0] === '_' || name[0] === '<') return name;
  let len = name.length;
  let suffix: string | undefined;
  // remove_compiler_suffix: a trailing ".letters" (".cold").
  let i = len - 1;
  while (i > 0 && /[A-Za-z]/.test(name[i]!)) i--;
  if (i > 0 && name[i] === '.') {
    suffix = name.slice(i + 1);
    len = i;
  }
  // ada_remove_trailing_digits: ".N", "$N", "___N", "__N".
  if (len > 1 && isDigit(name[len - 1]!)) {
    let j = len - 2;
    while (j > 0 && isDigit(name[j]!)) j--;
    if (name[j] === '.' || name[j] === '$') len = j;
    else if (j >= 2 && name.startsWith('___', j - 2)) len = j - 2;
    else if (j >= 1 && name.startsWith('__', j - 1)) len = j - 1;
  }
  // "___X..." encodings end the name; any other "___" means it is not an Ada name.
  const x = name.indexOf('___');
  if (x >= 0 && x < len - 3) {
    if (name[x + 3] !== 'X') return name;
    len = x;
  }
  // Task-body and body suffixes, each checked once in this order.
  for (const tail of ['TKB', 'TB', 'B']) {
    if (len > tail.length && name.startsWith(tail, len - tail.length)) len -= tail.length;
  }
  const decoded = name.slice(0, len).replace(/__/g, '.');
  if (/[A-Z ]/.test(decoded)) return name;
  return suffix === undefined ? decoded : `${decoded}[${suffix}]`;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

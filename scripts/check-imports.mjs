#!/usr/bin/env node
// Checks the import graph of src/: no cycles (type-only imports included) and no import upward against the layer order.
//
// Layers, top to bottom (docs/ARCHITECTURE.md): cli > ui > commands > core > eval > target | symbols > dwarf > elf,
// with arch and util at the bottom (arch may import util only; util imports nothing of ours). A module may import
// its own layer or any layer below; target and symbols are siblings and never import each other.
// Usage: node scripts/check-imports.mjs [src-dir]. Prints every problem; exit status 1 when there is one.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const RANK = { util: 0, arch: 1, elf: 2, dwarf: 3, target: 4, symbols: 4, eval: 5, core: 6, commands: 7, ui: 8, cli: 9 };

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'src'));

function tsFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

// Static imports and re-exports (`import ... from`, `import type ... from`, `export ... from`), side-effect
// imports and dynamic import('...'). Statements are matched at the start of a line, so comments do not count.
const PATTERNS = [
  /^\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** The .ts file a relative specifier names ('./x.js' -> x.ts, './dir' -> dir/index.ts), or undefined for packages. */
function resolveSpecifier(from, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const c of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]) if (existsSync(c) && statSync(c).isFile()) return c;
  return { missing: spec };
}

function layerOf(file) {
  return relative(root, file).split(sep)[0];
}

const files = tsFiles(root).sort();
const graph = new Map();
const problems = [];
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  const deps = new Set();
  for (const re of PATTERNS) {
    for (const m of text.matchAll(re)) {
      const target = resolveSpecifier(f, m[1]);
      if (target === undefined) continue;
      if (typeof target === 'object') problems.push(`${relative(root, f)}: cannot resolve import '${target.missing}'`);
      else deps.add(target);
    }
  }
  graph.set(f, [...deps].sort());
}

// Layer order.
for (const [f, deps] of graph) {
  const from = layerOf(f);
  if (RANK[from] === undefined) {
    problems.push(`${relative(root, f)}: '${from}' is not a layer (add it to the order in scripts/check-imports.mjs and docs/ARCHITECTURE.md)`);
    continue;
  }
  for (const d of deps) {
    const to = layerOf(d);
    if (to === from || RANK[to] === undefined) continue;
    if (RANK[to] > RANK[from] || (RANK[to] === RANK[from])) {
      problems.push(`${relative(root, f)} imports ${relative(root, d)}: layer ${from} may not import ${to}`);
    }
  }
}

// Cycles: strongly connected components (Tarjan), each reported with one cycle through it.
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const components = [];
function strongConnect(v) {
  index.set(v, counter);
  low.set(v, counter++);
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v)) {
    if (!index.has(w)) {
      strongConnect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) === index.get(v)) {
    const comp = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1 || graph.get(v).includes(v)) components.push(comp);
  }
}
for (const f of files) if (!index.has(f)) strongConnect(f);

/** A shortest path back to `start` inside one component (breadth first). */
function cycleThrough(start, members) {
  const prev = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of graph.get(v)) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        for (let p = prev.get(v); p !== undefined; p = prev.get(p)) path.unshift(p);
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}
for (const comp of components) {
  const members = new Set(comp);
  const first = [...comp].sort()[0];
  problems.push(`import cycle: ${cycleThrough(first, members).map((f) => relative(root, f)).join(' > ')}`);
}

for (const p of problems) process.stderr.write(p + '\n');
process.stdout.write(`${files.length} modules, ${components.length} import cycle(s), ${problems.length - components.length} other problem(s)\n`);
process.exit(problems.length ? 1 : 0);

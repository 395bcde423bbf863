#!/usr/bin/env node
// `npm run bench -- [name ...]`: runs bench/<name>.bench.ts (all of them when no name is given), one after another.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bench');
const all = fs.readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace('.bench.ts', '')).sort();
const args = process.argv.slice(2);
// Names come first; everything from the first --flag on is passed to each bench.
const firstFlag = args.findIndex((a) => a.startsWith('--'));
const names = firstFlag < 0 ? args : args.slice(0, firstFlag);
const flags = firstFlag < 0 ? [] : args.slice(firstFlag);
const chosen = names.length ? names : all;
for (const name of chosen) {
  if (!all.includes(name)) {
    console.error(`no bench "${name}"; there are: ${all.join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== bench ${name} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, `${name}.bench.ts`), ...flags], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

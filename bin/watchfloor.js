#!/usr/bin/env node
// The `watchfloor` command. Runs the compiled server (dist/) when NODE_ENV=production and it has been built
// with `npm run build`; otherwise runs the TypeScript sources directly through tsx.
import { existsSync } from 'node:fs';

const dist = new URL('../dist/main.js', import.meta.url);
if (process.env.NODE_ENV === 'production' && existsSync(dist)) {
  await import(dist.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}

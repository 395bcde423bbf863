// The index's query code stays compiled across full garbage collections. If it names a hidden class that only
// short-lived objects have (V8 keeps such a class alive only through its instances), each full collection drops
// that code and the next queries run in the interpreter, several times slower, until it is compiled again: that
// happened with a distance bound made per query. The check needs V8's own view of a function, so it runs in a
// child process with `--allow-natives-syntax`, compiling synchronously so that the outcome does not depend on timing.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const here = new URL('./', import.meta.url).href;

const probe = `
const load = (name) => import(new URL(name, ${JSON.stringify(here)}).href);
const { CameraIndex } = await load('camera-index.ts');
const { StaticCameras } = await load('static-cameras.ts');
const { MatchBuffer } = await load('match-buffer.ts');
const { SyntheticCity } = await load('synthetic-city.ts');
const status = new Function('f', 'return %GetOptimizationStatus(f)');
const prepare = new Function('f', '%PrepareFunctionForOptimization(f)');
const optimizeOnNextCall = new Function('f', '%OptimizeFunctionOnNextCall(f)');
const TURBOFANNED = 1 << 6; // V8's OptimizationStatus::kTurboFanned
const city = new SyntheticCity(7);
const index = CameraIndex.build(Array.from({ length: 20000 }, () => city.camera()));
const areas = Array.from({ length: 100 }, () => city.incident(30));
let matches = 0;
const query = (i) => (matches += index.findCamerasThatCouldSee(areas[i % areas.length], 250).length);
for (let i = 0; i < 300; i++) query(i);
const functions = {
  findCamerasThatCouldSee: CameraIndex.prototype.findCamerasThatCouldSee,
  collectMatches: StaticCameras.prototype.collectMatches,
  rank: MatchBuffer.prototype.rank,
};
const result = { matches };
for (const [name, f] of Object.entries(functions)) {
  prepare(f);
  query(0);
  optimizeOnNextCall(f);
  query(1);
  const before = (status(f) & TURBOFANNED) !== 0;
  gc();
  gc();
  result[name] = { before, after: (status(f) & TURBOFANNED) !== 0 };
}
console.log(JSON.stringify(result));
`;

describe('CameraIndex compiled code', () => {
  it('survives full garbage collections (nothing per query pins the code to objects that die)', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--expose-gc', '--allow-natives-syntax', '--no-concurrent-recompilation', '--import', 'tsx', '--input-type=module', '-e', probe],
      { timeout: 60_000 },
    );
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, { before: boolean; after: boolean } | number>;
    expect(result.matches).toBeGreaterThan(0);
    for (const name of ['findCamerasThatCouldSee', 'collectMatches', 'rank']) {
      expect({ name, ...(result[name] as object) }).toEqual({ name, before: true, after: true });
    }
  }, 90_000);
});

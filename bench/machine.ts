// A figure of how fast this machine runs plain JavaScript, printed beside the benches' own: the machines these
// run on differ (and one machine differs from day to day) by a factor of two or three, and a latency target is
// read differently on a slow one. Same work every time: 10^8 square roots, best of three runs.
export function machineReference(): string {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    let s = 0;
    for (let i = 0; i < 1e8; i++) s += Math.sqrt(i);
    const ms = performance.now() - t0;
    if (s > 0) best = Math.min(best, ms);
  }
  return `machine reference: 10^8 square roots in ${best.toFixed(0)} ms (best of 3; lower is faster)`;
}

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

/**
 * How often, and for how long, this machine takes the processor away from a busy thread: on a shared virtual
 * machine a single-pass p99 of a few tens of microseconds is mostly these. Spins for `spinMs` reading the clock and
 * counts every gap over 5 µs; then times a steady computation of about `steadyUs` µs `times` times, whose p99 over
 * its p50 is what the interruptions alone add to a latency percentile.
 */
export function machineInterruptions(spinMs = 1000, steadyUs = 20, times = 2000): string {
  const gaps: number[] = [];
  const start = performance.now();
  let last = start;
  for (;;) {
    const now = performance.now();
    if (now - last > 0.005) gaps.push((now - last) * 1000);
    last = now;
    if (now - start > spinMs) break;
  }
  gaps.sort((a, b) => a - b);
  const at = (sorted: ArrayLike<number>, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  // The steady computation: square roots, as many as take steadyUs here (measured, best of a few).
  let sink = 0;
  const work = (n: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.sqrt(i + sink);
    sink = s * 1e-300;
  };
  let perUs = Infinity;
  for (let k = 0; k < 20; k++) {
    const t0 = performance.now();
    work(100_000);
    perUs = Math.min(perUs, ((performance.now() - t0) * 1000) / 100_000);
  }
  const n = Math.max(1, Math.round(steadyUs / perUs));
  const steady = new Float64Array(times);
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    work(n);
    steady[i] = (performance.now() - t0) * 1000;
  }
  steady.sort();
  return (
    `${(gaps.length / spinMs).toFixed(1)} a ms (a ${(spinMs / 1000).toFixed(0)}-s spin): median ${at(gaps, 0.5).toFixed(0)} µs, p90 ${at(gaps, 0.9).toFixed(0)} µs, longest ${at(gaps, 1).toFixed(0)} µs; ` +
    `a steady ${at(steady, 0.5).toFixed(0)}-µs computation timed ${times} times: p99 ${at(steady, 0.99).toFixed(1)} µs`
  );
}

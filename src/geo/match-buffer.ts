// One query's matches in typed arrays, and their ranking.
//
// The index records each match as a handful of numbers (the camera's code in the index, distance, off-axis angle,
// facing, score) and only builds match objects for the ones it returns; storing a number rather than a reference
// to the camera also spares the garbage collector's write barrier on every match. Ranking is a bucket sort: each
// score goes to a bucket by a function that never puts a lower score in an earlier bucket, crowded buckets are sorted
// by score, and one insertion pass then puts everything in the full order of `compareByUsefulness` (score, then
// distance, then id). The buckets are spread by 1/score², which is roughly even for matches (score falls off about
// as 1/distance, the number of cameras grows with area), and there are four for every match, so that few share one
// and the whole ranking costs a few passes over the scores. With a limit, only the buckets that hold the best
// `limit` are ordered.

const INITIAL_CAPACITY = 256;
/** Above this many entries a bucket is sorted by score before the insertion pass; below it, insertion alone. */
const SMALL = 16;
/**
 * Buckets per entry ranked. With one, about a quarter of the entries share a bucket with another and half of those
 * come out of the placement in the wrong order, each a mispredicted branch of the final pass; with four, a sixteenth
 * do, for three cheap passes over the bucket counts (ranking a busy corridor's 330 matches: 24 → 13 ns a match).
 */
const BUCKETS_PER_ENTRY = 4;

export class MatchBuffer {
  code = new Int32Array(INITIAL_CAPACITY);
  distanceM = new Float64Array(INITIAL_CAPACITY);
  offAxisDeg = new Float64Array(INITIAL_CAPACITY);
  score = new Float64Array(INITIAL_CAPACITY);
  facesArea = new Uint8Array(INITIAL_CAPACITY);
  length = 0;
  /** After `rank`, the entry indices best first. */
  order = new Int32Array(INITIAL_CAPACITY);
  #key = new Float64Array(INITIAL_CAPACITY);
  #bucketOf = new Int32Array(INITIAL_CAPACITY);
  #bucketEnd = new Int32Array(BUCKETS_PER_ENTRY * INITIAL_CAPACITY + 1);
  /** Buckets of more than SMALL entries (so at most capacity / (SMALL + 1) of them). */
  #crowded = new Int32Array(INITIAL_CAPACITY / SMALL);
  /** Set while a query uses this buffer, so that a query started from a callback takes a buffer of its own. */
  busy = false;

  get byteLength(): number {
    const ranking = this.order.byteLength + this.#key.byteLength + this.#bucketOf.byteLength + this.#bucketEnd.byteLength + this.#crowded.byteLength;
    return this.code.byteLength + this.distanceM.byteLength + this.offAxisDeg.byteLength + this.score.byteLength + this.facesArea.byteLength + ranking;
  }

  push(code: number, distanceM: number, facesArea: boolean, offAxisDeg: number, score: number): void {
    const i = this.length;
    if (i === this.code.length) this.#grow();
    this.code[i] = code;
    this.distanceM[i] = distanceM;
    this.facesArea[i] = facesArea ? 1 : 0;
    this.offAxisDeg[i] = offAxisDeg;
    this.score[i] = score;
    this.length = i + 1;
  }

  /** Keeps the entries whose code passes `keep`, in their order. */
  retain(keep: (code: number) => boolean): void {
    let n = 0;
    const length = this.length;
    for (let i = 0; i < length; i++) {
      if (!keep(this.code[i]!)) continue;
      if (n !== i) {
        this.code[n] = this.code[i]!;
        this.distanceM[n] = this.distanceM[i]!;
        this.facesArea[n] = this.facesArea[i]!;
        this.offAxisDeg[n] = this.offAxisDeg[i]!;
        this.score[n] = this.score[i]!;
      }
      n++;
    }
    this.length = n;
  }

  /**
   * Fills `order[0 … k)` with the indices of the best k = min(limit, length) entries, best first: score
   * descending, then distance ascending, then camera id (`idOf(code)`, asked only on exact ties of both).
   * Returns k.
   */
  rank(limit: number, idOf: (code: number) => string): number {
    const n = this.length;
    const k = Math.min(limit, n);
    if (k <= 0) return 0;
    const { score, distanceM, code, order } = this;
    const key = this.#key;
    const bucketOf = this.#bucketOf;
    const bucketEnd = this.#bucketEnd;
    const crowdedBuckets = this.#crowded;
    let lowest = Infinity;
    let highest = -Infinity;
    for (let i = 0; i < n; i++) {
      const s = score[i]!;
      const u = 1 / (s * s);
      key[i] = u;
      if (u < lowest) lowest = u;
      if (u > highest) highest = u;
    }
    // Every step from score to bucket is monotone (so is IEEE rounding), so a better score never lands in a later
    // bucket. Degenerate spreads (all equal, infinities) put everything in one bucket, which is still correct.
    const buckets = BUCKETS_PER_ENTRY * n;
    let scale = buckets / (highest - lowest);
    if (!(scale < Infinity)) scale = 0;
    bucketEnd.fill(0, 0, buckets);
    for (let i = 0; i < n; i++) {
      const x = (key[i]! - lowest) * scale;
      const b = x >= buckets - 1 ? buckets - 1 : x > 0 ? Math.floor(x) : 0;
      bucketOf[i] = b;
      bucketEnd[b]!++;
    }
    // Counts to ends, noting the crowded buckets (many equal or nearly equal scores) on the way.
    let crowded = 0;
    for (let b = 0; b < buckets; b++) {
      if (bucketEnd[b]! > SMALL) crowdedBuckets[crowded++] = b;
      if (b > 0) bucketEnd[b]! += bucketEnd[b - 1]!;
    }
    // Place from the back so that each bucket's end ends up as its start; `bucketEnd` then holds the starts.
    for (let i = n - 1; i >= 0; i--) order[--bucketEnd[bucketOf[i]!]!] = i;
    // The best k lie in the buckets up to the one that holds place k − 1: only those need ordering.
    const last = bucketOf[order[k - 1]!]!;
    const end = last + 1 < buckets ? bucketEnd[last + 1]! : n;
    for (let c = 0; c < crowded; c++) {
      const b = crowdedBuckets[c]!;
      const from = bucketEnd[b]!;
      const to = b + 1 < buckets ? bucketEnd[b + 1]! : n;
      if (from >= end) continue;
      for (let p = from; p < to; p++) key[p] = score[order[p]!]!;
      sortDescending(key, order, from, to - 1);
    }
    // Buckets follow each other in score order, so what is still out of order lies within a bucket (mostly a pair
    // of entries, or the ties of a crowded one): one insertion pass over the places up to `end` orders it all.
    for (let a = 1; a < end; a++) {
      const v = order[a]!;
      const sv = score[v]!;
      let b = a - 1;
      let u = order[b]!;
      // Most entries already follow a better one.
      if (sv < score[u]! || (sv === score[u]! && !tieBefore(v, u, distanceM, code, idOf))) continue;
      do {
        order[b + 1] = u;
        b--;
        if (b < 0) break;
        u = order[b]!;
      } while (sv > score[u]! || (sv === score[u]! && tieBefore(v, u, distanceM, code, idOf)));
      order[b + 1] = v;
    }
    return k;
  }

  #grow(): void {
    const size = this.code.length * 2;
    const grow = <A extends Int32Array | Float64Array | Uint8Array>(a: A, make: (n: number) => A): A => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.code = grow(this.code, (k) => new Int32Array(k));
    this.distanceM = grow(this.distanceM, (k) => new Float64Array(k));
    this.offAxisDeg = grow(this.offAxisDeg, (k) => new Float64Array(k));
    this.score = grow(this.score, (k) => new Float64Array(k));
    this.facesArea = grow(this.facesArea, (k) => new Uint8Array(k));
    this.order = new Int32Array(size);
    this.#key = new Float64Array(size);
    this.#bucketOf = new Int32Array(size);
    this.#bucketEnd = new Int32Array(BUCKETS_PER_ENTRY * size + 1);
    this.#crowded = new Int32Array(size / SMALL);
  }
}

/** Between entries of equal score: does a rank before b (distance ascending, then camera id)? */
function tieBefore(a: number, b: number, distanceM: Float64Array, code: Int32Array, idOf: (code: number) => string): boolean {
  const da = distanceM[a]!;
  const db = distanceM[b]!;
  if (da !== db) return da < db;
  return idOf(code[a]!) < idOf(code[b]!);
}

function swap(key: Float64Array, payload: Int32Array, i: number, j: number): void {
  const k = key[i]!;
  key[i] = key[j]!;
  key[j] = k;
  const p = payload[i]!;
  payload[i] = payload[j]!;
  payload[j] = p;
}

/** Median of three into `mid`, so that key[lo] ≥ key[mid] ≥ key[hi]; returns the pivot. */
function medianOfThree(key: Float64Array, payload: Int32Array, lo: number, mid: number, hi: number): number {
  if (key[mid]! > key[lo]!) swap(key, payload, mid, lo);
  if (key[hi]! > key[lo]!) swap(key, payload, hi, lo);
  if (key[hi]! > key[mid]!) swap(key, payload, hi, mid);
  return key[mid]!;
}

function insertionDescending(key: Float64Array, payload: Int32Array, lo: number, hi: number): void {
  for (let i = lo + 1; i <= hi; i++) {
    const k = key[i]!;
    const p = payload[i]!;
    let j = i - 1;
    while (j >= lo && key[j]! < k) {
      key[j + 1] = key[j]!;
      payload[j + 1] = payload[j]!;
      j--;
    }
    key[j + 1] = k;
    payload[j + 1] = p;
  }
}

/** Sorts key[lo … hi] descending, carrying payload along (not stable; ties are ordered afterwards). */
export function sortDescending(key: Float64Array, payload: Int32Array, lo: number, hi: number): void {
  while (hi - lo > SMALL) {
    const pivot = medianOfThree(key, payload, lo, (lo + hi) >> 1, hi);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (key[i]! > pivot) i++;
      while (pivot > key[j]!) j--;
      if (i <= j) swap(key, payload, i++, j--);
    }
    // Recurse into the smaller side so that the stack stays logarithmic.
    if (j - lo < hi - i) {
      sortDescending(key, payload, lo, j);
      lo = i;
    } else {
      sortDescending(key, payload, i, hi);
      hi = j;
    }
  }
  insertionDescending(key, payload, lo, hi);
}

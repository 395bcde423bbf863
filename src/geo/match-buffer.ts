// One query's matches in typed arrays, and their ranking.
//
// The index records each match as its camera and a handful of numbers (distance, off-axis angle, facing, score)
// and only builds match objects for the ones it returns. Ranking sorts the scores directly (a comparison is one
// float compare, not a call through a comparator that reads two objects), then puts each run of equal scores in
// order by distance and then id, which is exactly the order of `compareByUsefulness`. With a limit, the best
// `limit` scores (and any that tie with the last of them) are selected first and only those are sorted.

const INITIAL_CAPACITY = 256;
/** Below this many entries a range is finished by insertion sort. */
const SMALL = 16;

export class MatchBuffer<C extends { readonly id: string }> {
  /** The matched cameras; cleared by `clear` so that the buffer keeps no camera alive between queries. */
  readonly camera: (C | undefined)[] = [];
  distanceM = new Float64Array(INITIAL_CAPACITY);
  offAxisDeg = new Float64Array(INITIAL_CAPACITY);
  score = new Float64Array(INITIAL_CAPACITY);
  facesArea = new Uint8Array(INITIAL_CAPACITY);
  length = 0;
  /** After `rank`, the entry indices best first. */
  order = new Int32Array(INITIAL_CAPACITY);
  #key = new Float64Array(INITIAL_CAPACITY);
  /** Set while a query uses this buffer, so that a query started from a callback takes a buffer of its own. */
  busy = false;

  get byteLength(): number {
    return this.camera.length * 8 + this.distanceM.byteLength + this.offAxisDeg.byteLength + this.score.byteLength + this.facesArea.byteLength + this.order.byteLength + this.#key.byteLength;
  }

  push(camera: C, distanceM: number, facesArea: boolean, offAxisDeg: number, score: number): void {
    const i = this.length;
    if (i === this.score.length) this.#grow();
    this.camera[i] = camera;
    this.distanceM[i] = distanceM;
    this.facesArea[i] = facesArea ? 1 : 0;
    this.offAxisDeg[i] = offAxisDeg;
    this.score[i] = score;
    this.length = i + 1;
  }

  /** Forgets every entry. */
  clear(): void {
    this.camera.fill(undefined, 0, this.length);
    this.length = 0;
  }

  /** Keeps the entries whose camera passes `keep`, in their order. */
  retain(keep: (camera: C) => boolean): void {
    let n = 0;
    const length = this.length;
    for (let i = 0; i < length; i++) {
      if (!keep(this.camera[i]!)) continue;
      if (n !== i) {
        this.camera[n] = this.camera[i]!;
        this.distanceM[n] = this.distanceM[i]!;
        this.facesArea[n] = this.facesArea[i]!;
        this.offAxisDeg[n] = this.offAxisDeg[i]!;
        this.score[n] = this.score[i]!;
      }
      n++;
    }
    this.camera.fill(undefined, n, length);
    this.length = n;
  }

  /**
   * Fills `order[0 … k)` with the indices of the best k = min(limit, length) entries, best first: score
   * descending, then distance ascending, then camera id (compared only on exact ties of both). Returns k.
   */
  rank(limit: number): number {
    const n = this.length;
    const key = this.#key;
    const order = this.order;
    const score = this.score;
    for (let i = 0; i < n; i++) {
      key[i] = score[i]!;
      order[i] = i;
    }
    let m = n;
    if (limit < n) {
      if (limit <= 0) return 0;
      selectDescending(key, order, 0, n - 1, limit - 1);
      // Everything before limit − 1 scores at least `last`, everything after at most; gather the ties after it.
      const last = key[limit - 1]!;
      m = limit;
      for (let i = limit; i < n; i++) if (key[i] === last) swap(key, order, i, m++);
    }
    sortDescending(key, order, 0, m - 1);
    const dist = this.distanceM;
    const camera = this.camera;
    for (let i = 0; i < m; ) {
      let j = i + 1;
      while (j < m && key[j] === key[i]) j++;
      // Equal scores: order by distance, then id (insertion sort; runs are short).
      for (let a = i + 1; a < j; a++) {
        const v = order[a]!;
        let b = a - 1;
        while (b >= i) {
          const u = order[b]!;
          const before = dist[v]! < dist[u]! || (dist[v] === dist[u] && camera[v]!.id < camera[u]!.id);
          if (!before) break;
          order[b + 1] = u;
          b--;
        }
        order[b + 1] = v;
      }
      i = j;
    }
    return Math.min(limit, n);
  }

  #grow(): void {
    const size = this.score.length * 2;
    const grow = <A extends Float64Array | Uint8Array>(a: A, make: (n: number) => A): A => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.distanceM = grow(this.distanceM, (k) => new Float64Array(k));
    this.offAxisDeg = grow(this.offAxisDeg, (k) => new Float64Array(k));
    this.score = grow(this.score, (k) => new Float64Array(k));
    this.facesArea = grow(this.facesArea, (k) => new Uint8Array(k));
    this.order = new Int32Array(size);
    this.#key = new Float64Array(size);
  }
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

/**
 * Partial sort: afterwards key[nth] holds the value it would hold sorted descending, with keys ≥ it before and
 * keys ≤ it after (quickselect).
 */
export function selectDescending(key: Float64Array, payload: Int32Array, lo: number, hi: number, nth: number): void {
  while (hi - lo > SMALL) {
    const pivot = medianOfThree(key, payload, lo, (lo + hi) >> 1, hi);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (key[i]! > pivot) i++;
      while (pivot > key[j]!) j--;
      if (i <= j) swap(key, payload, i++, j--);
    }
    // Now key[lo … j] ≥ pivot, key[i … hi] ≤ pivot, and anything between equals it.
    if (nth <= j) hi = j;
    else if (nth >= i) lo = i;
    else return;
  }
  insertionDescending(key, payload, lo, hi);
}

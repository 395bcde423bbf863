// String id → integer code, as an open-addressing hash table in one Uint32Array.
// A JS Map of a million string keys costs 29–58 bytes an entry (its backing store doubles); this costs 4 bytes a
// bucket at a load factor of at most three quarters. A table made for a known number of keys has just enough
// buckets for it (5.3 bytes an entry, not a power of two: the home bucket is the hash scaled to the table, not
// masked); one that fills up doubles. Probes past other keys stay cheap thanks to the fingerprints below. Keys are
// not stored: the table asks its owner for the key of a code (`keyOf`), since the owner already holds the camera
// records and their ids.
// Each bucket packs an 8-bit fingerprint of the key's hash above a 24-bit code, so a probe that meets another
// key almost never has to fetch that key's string (a cache miss or three) to tell them apart.

const EMPTY = 0;
const MAX_LOAD = 0.75;
const CODE_BITS = 24;
const CODE_MASK = (1 << CODE_BITS) - 1;
/** Largest code a table can hold (codes are stored plus one, so that 0 can mean empty). */
export const MAX_CODE = CODE_MASK - 1;
/** Keys hashed at a time by `addCodes`. */
const BLOCK = 64;
const BLOCK_HASHES = new Uint32Array(BLOCK);

export class IdTable {
  #buckets: Uint32Array;
  #size = 0;

  constructor(
    private readonly keyOf: (code: number) => string,
    expectedSize = 0,
    /** Replaceable so tests can force collisions and wrap-around. */
    private readonly hash: (key: string) => number = hashString,
  ) {
    this.#buckets = new Uint32Array(capacityFor(expectedSize));
  }

  get size(): number {
    return this.#size;
  }

  get byteLength(): number {
    return this.#buckets.byteLength;
  }

  get(key: string): number | undefined {
    const i = this.#find(key, this.hash(key));
    return i < 0 ? undefined : (this.#buckets[i]! & CODE_MASK) - 1;
  }

  /** Inserts or overwrites the code for `key`; returns the previous code, if any. */
  set(key: string, code: number): number | undefined {
    if (!(Number.isInteger(code) && code >= 0 && code <= MAX_CODE)) throw new RangeError(`IdTable code out of range: ${code}`);
    const h = this.hash(key);
    const found = this.#find(key, h);
    if (found >= 0) {
      const previous = (this.#buckets[found]! & CODE_MASK) - 1;
      this.#buckets[found] = entry(h, code);
      return previous;
    }
    if (this.#size + 1 > this.#buckets.length * MAX_LOAD) this.#rehash(capacityFor(2 * (this.#size + 1)));
    const buckets = this.#buckets;
    let i = home(h, buckets.length);
    while (buckets[i] !== EMPTY) i = next(i, buckets.length);
    buckets[i] = entry(h, code);
    this.#size++;
    return undefined;
  }

  /**
   * Files codes from … to − 1 under their own keys (`keyOf(code)`), in order, and returns the first code whose key
   * was already filed (leaving it unfiled and the rest undone), or -1. For bulk loading: it hashes a block of keys,
   * then files the block. Filing is a cache miss in a large table, and a short loop of them lets the processor have
   * several in flight, where hashing in between would leave each to stall in turn.
   */
  addCodes(from: number, to: number): number {
    if (this.#size + (to - from) > this.#buckets.length * MAX_LOAD) this.#rehash(capacityFor(this.#size + (to - from)));
    const hashes = BLOCK_HASHES;
    for (let start = from; start < to; start += BLOCK) {
      const end = Math.min(to, start + BLOCK);
      for (let code = start; code < end; code++) hashes[code - start] = this.hash(this.keyOf(code));
      const buckets = this.#buckets;
      const capacity = buckets.length;
      for (let code = start; code < end; code++) {
        const h = hashes[code - start]!;
        const print = fingerprint(h);
        for (let i = home(h, capacity); ; i = next(i, capacity)) {
          const v = buckets[i]!;
          if (v === EMPTY) {
            buckets[i] = entry(h, code);
            this.#size++;
            break;
          }
          if (v >>> CODE_BITS === print && this.keyOf((v & CODE_MASK) - 1) === this.keyOf(code)) return code;
        }
      }
    }
    return -1;
  }

  /** Removes `key`; returns its code, if it was present. Backward-shift deletion keeps probes short without tombstones. */
  delete(key: string): number | undefined {
    let i = this.#find(key, this.hash(key));
    if (i < 0) return undefined;
    const buckets = this.#buckets;
    const capacity = buckets.length;
    const removed = (buckets[i]! & CODE_MASK) - 1;
    buckets[i] = EMPTY;
    this.#size--;
    for (let j = next(i, capacity); buckets[j] !== EMPTY; j = next(j, capacity)) {
      const at = home(this.hash(this.keyOf((buckets[j]! & CODE_MASK) - 1)), capacity);
      // The entry at j may move back to the hole at i only if its home is not cyclically within (i, j].
      const homeInGap = i <= j ? at > i && at <= j : at > i || at <= j;
      if (!homeInGap) {
        buckets[i] = buckets[j]!;
        buckets[j] = EMPTY;
        i = j;
      }
    }
    return removed;
  }

  /**
   * The same keys with each code c replaced by `map[c]`, asking `keyOf` for keys from then on. The buckets are taken
   * over, not copied (this table must not be used again): a key's hash, and so its bucket, does not change.
   */
  recode(map: ArrayLike<number>, keyOf: (code: number) => string): IdTable {
    const buckets = this.#buckets;
    for (let b = 0; b < buckets.length; b++) {
      const v = buckets[b]!;
      if (v !== EMPTY) buckets[b] = ((v & ~CODE_MASK) | (map[(v & CODE_MASK) - 1]! + 1)) >>> 0;
    }
    const table = new IdTable(keyOf, 0, this.hash);
    table.#buckets = buckets;
    table.#size = this.#size;
    return table;
  }

  /** Bucket index holding `key`, or -1. */
  #find(key: string, h: number): number {
    const buckets = this.#buckets;
    const capacity = buckets.length;
    const print = fingerprint(h);
    for (let i = home(h, capacity); ; i = next(i, capacity)) {
      const v = buckets[i]!;
      if (v === EMPTY) return -1;
      if (v >>> CODE_BITS === print && this.keyOf((v & CODE_MASK) - 1) === key) return i;
    }
  }

  #rehash(capacity: number): void {
    const old = this.#buckets;
    const buckets = new Uint32Array(capacity);
    this.#buckets = buckets;
    for (const v of old) {
      if (v === EMPTY) continue;
      let i = home(this.hash(this.keyOf((v & CODE_MASK) - 1)), capacity);
      while (buckets[i] !== EMPTY) i = next(i, capacity);
      buckets[i] = v;
    }
  }
}

/** The top byte of the hash: independent of the low 24 bits that pick the bucket. */
const fingerprint = (h: number): number => h >>> CODE_BITS;
const entry = (h: number, code: number): number => ((fingerprint(h) << CODE_BITS) | (code + 1)) >>> 0;
const HOME_SCALE = 2 ** -CODE_BITS;
/** The bucket a hash starts probing at: its low 24 bits scaled to the table (exact in float64 for any capacity here). */
const home = (h: number, capacity: number): number => Math.floor((h & CODE_MASK) * capacity * HOME_SCALE);
const next = (i: number, capacity: number): number => (i + 1 === capacity ? 0 : i + 1);

/** Just enough buckets for `size` keys at the maximum load, and at least 16. */
function capacityFor(size: number): number {
  return Math.max(16, Math.ceil(size / MAX_LOAD));
}

/**
 * FNV-1a over UTF-16 code units in two interleaved lanes (which roughly halves the multiply latency chain for
 * 36-character UUIDs), then a murmur3 finaliser so that sequential ids spread over all bits.
 */
export function hashString(s: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ s.length;
  const n = s.length - 1;
  let i = 0;
  for (; i < n; i += 2) {
    a = Math.imul(a ^ s.charCodeAt(i), 0x01000193);
    b = Math.imul(b ^ s.charCodeAt(i + 1), 0x01000193);
  }
  if (i === n) a = Math.imul(a ^ s.charCodeAt(i), 0x01000193);
  let h = a ^ Math.imul(b, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

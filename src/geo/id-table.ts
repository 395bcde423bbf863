// String id → small integer code, as an open-addressing hash table in one Uint32Array.
// A JS Map of a million string keys costs 29–58 bytes an entry (its backing store doubles); this costs 4 bytes a
// bucket at a load factor of at most one half, i.e. 8–16 bytes an entry. Keys are not stored: the table asks its
// owner for the key of a code (`keyOf`), since the owner already holds the camera records and their ids.

const EMPTY = 0;
const MAX_LOAD = 0.5;

export class IdTable {
  /** Each bucket holds code + 1, or EMPTY. */
  #buckets: Uint32Array;
  #mask: number;
  #size = 0;

  constructor(
    private readonly keyOf: (code: number) => string,
    expectedSize = 0,
    /** Replaceable so tests can force collisions and wrap-around. */
    private readonly hash: (key: string) => number = hashString,
  ) {
    const capacity = capacityFor(expectedSize);
    this.#buckets = new Uint32Array(capacity);
    this.#mask = capacity - 1;
  }

  get size(): number {
    return this.#size;
  }

  get byteLength(): number {
    return this.#buckets.byteLength;
  }

  get(key: string): number | undefined {
    const buckets = this.#buckets;
    const mask = this.#mask;
    for (let i = this.hash(key) & mask; ; i = (i + 1) & mask) {
      const v = buckets[i]!;
      if (v === EMPTY) return undefined;
      if (this.keyOf(v - 1) === key) return v - 1;
    }
  }

  /** Inserts or overwrites the code for `key`; returns the previous code, if any. */
  set(key: string, code: number): number | undefined {
    if (!(code >= 0 && code < 0xffff_ffff && Number.isInteger(code))) throw new RangeError(`IdTable code out of range: ${code}`);
    if (this.#size + 1 > this.#buckets.length * MAX_LOAD) this.#rehash(capacityFor(this.#size + 1));
    const buckets = this.#buckets;
    const mask = this.#mask;
    for (let i = this.hash(key) & mask; ; i = (i + 1) & mask) {
      const v = buckets[i]!;
      if (v === EMPTY) {
        buckets[i] = code + 1;
        this.#size++;
        return undefined;
      }
      if (this.keyOf(v - 1) === key) {
        buckets[i] = code + 1;
        return v - 1;
      }
    }
  }

  /** Removes `key`; returns its code, if it was present. Backward-shift deletion keeps probes short without tombstones. */
  delete(key: string): number | undefined {
    const buckets = this.#buckets;
    const mask = this.#mask;
    let i = this.hash(key) & mask;
    for (; ; i = (i + 1) & mask) {
      const v = buckets[i]!;
      if (v === EMPTY) return undefined;
      if (this.keyOf(v - 1) === key) break;
    }
    const removed = buckets[i]! - 1;
    buckets[i] = EMPTY;
    this.#size--;
    for (let j = (i + 1) & mask; buckets[j] !== EMPTY; j = (j + 1) & mask) {
      const home = this.hash(this.keyOf(buckets[j]! - 1)) & mask;
      // The entry at j may move back to the hole at i only if its home is not cyclically within (i, j].
      const homeInGap = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!homeInGap) {
        buckets[i] = buckets[j]!;
        buckets[j] = EMPTY;
        i = j;
      }
    }
    return removed;
  }

  #rehash(capacity: number): void {
    const old = this.#buckets;
    this.#buckets = new Uint32Array(capacity);
    this.#mask = capacity - 1;
    const mask = this.#mask;
    for (const v of old) {
      if (v === EMPTY) continue;
      let i = this.hash(this.keyOf(v - 1)) & mask;
      while (this.#buckets[i] !== EMPTY) i = (i + 1) & mask;
      this.#buckets[i] = v;
    }
  }
}

function capacityFor(size: number): number {
  let capacity = 16;
  while (capacity * MAX_LOAD < size) capacity *= 2;
  return capacity;
}

/** FNV-1a over UTF-16 code units, then a murmur3 finaliser so that sequential ids spread over the low bits. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

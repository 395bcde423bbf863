// A reader of PostgreSQL's binary COPY format (COPY … TO … WITH (FORMAT binary)), fed in chunks as they arrive:
// a signature and header, then per row a field count and each field as a length (-1 for NULL) and its bytes, then
// a trailer of -1. Reading the raw bytes in a tight loop is several times faster than letting a driver parse a
// million rows of text into objects.

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** Where one row's fields are in `buf` (also seen through `view`): start offsets, and lengths (-1 for NULL). */
export interface CopyRow {
  readonly buf: Buffer;
  readonly view: DataView;
  readonly start: Int32Array;
  readonly length: Int32Array;
}

export class BinaryCopyReader {
  #pending: Buffer = Buffer.alloc(0);
  #headerDone = false;
  #ended = false;
  readonly #row: { buf: Buffer; view: DataView; start: Int32Array; length: Int32Array };

  /** `fields`: how many columns each row has; `onRow` is called for every row, its buffer valid only during the call. */
  constructor(
    readonly fields: number,
    private readonly onRow: (row: CopyRow) => void,
  ) {
    this.#row = { buf: this.#pending, view: new DataView(this.#pending.buffer), start: new Int32Array(fields), length: new Int32Array(fields) };
  }

  get ended(): boolean {
    return this.#ended;
  }

  push(chunk: Uint8Array): void {
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.#pending.length) buf = Buffer.concat([this.#pending, buf]);
    let o = 0;
    if (!this.#headerDone) {
      if (buf.length < 19) {
        this.#pending = Buffer.from(buf);
        return;
      }
      if (!buf.subarray(0, 11).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
      const extension = buf.readInt32BE(15);
      if (buf.length < 19 + extension) {
        this.#pending = Buffer.from(buf);
        return;
      }
      o = 19 + extension;
      this.#headerDone = true;
    }
    const row = this.#row;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    row.buf = buf;
    row.view = view;
    const n = this.fields;
    const size = buf.length;
    for (;;) {
      if (this.#ended || o + 2 > size) break;
      const count = view.getInt16(o);
      if (count === -1) {
        this.#ended = true;
        o += 2;
        break;
      }
      if (count !== n) throw new Error(`binary COPY row has ${count} fields, expected ${n}`);
      // Find the row's end first: a row cut off by the chunk's end waits for the next chunk.
      let p = o + 2;
      let complete = true;
      for (let f = 0; f < n; f++) {
        if (p + 4 > size) {
          complete = false;
          break;
        }
        const len = view.getInt32(p);
        row.start[f] = p + 4;
        row.length[f] = len;
        p += 4 + (len > 0 ? len : 0);
        if (p > size) {
          complete = false;
          break;
        }
      }
      if (!complete) break;
      this.onRow(row);
      o = p;
    }
    // Keep the unread tail (a copy: the chunk's memory may be reused).
    this.#pending = o < buf.length ? Buffer.from(buf.subarray(o)) : Buffer.alloc(0);
  }

  /** Throws unless the trailer was read and nothing follows it. */
  end(): void {
    if (!this.#ended) throw new Error('binary COPY stream ended early');
    if (this.#pending.length) throw new Error('bytes after the end of the binary COPY stream');
  }
}

/** ASCII codes of the two hex digits of each byte value. */
const HEX_CODES = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  const h = i.toString(16).padStart(2, '0');
  HEX_CODES[2 * i] = h.charCodeAt(0);
  HEX_CODES[2 * i + 1] = h.charCodeAt(1);
}
const uuidText = Buffer.alloc(36, '-');
const DIGIT_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/**
 * A uuid field (16 bytes) as its canonical text. Written into a scratch buffer and read back once: one flat string,
 * where joining sixteen pieces would leave a rope of them per id (a million ids would weigh twice as much).
 */
export function uuidAt(buf: Buffer, o: number): string {
  for (let i = 0; i < 16; i++) {
    const b = buf[o + i]!;
    uuidText[DIGIT_AT[i]!] = HEX_CODES[2 * b]!;
    uuidText[DIGIT_AT[i]! + 1] = HEX_CODES[2 * b + 1]!;
  }
  return (uuidText as unknown as { latin1Slice(start: number, end: number): string }).latin1Slice(0, 36);
}

/**
 * Short ASCII words (a camera's tier, its kind) read from a buffer as one shared string per distinct word, without
 * making a string per row to look it up: the bytes are hashed in place and checked against the word found.
 */
export class WordTable {
  readonly #byHash = new Map<number, string>();

  at(buf: Uint8Array, o: number, len: number): string {
    let h = len;
    for (let i = 0; i < len; i++) h = (Math.imul(h, 31) + buf[o + i]!) | 0;
    const known = this.#byHash.get(h);
    if (known !== undefined && known.length === len) {
      let same = true;
      for (let i = 0; i < len; i++) {
        if (known.charCodeAt(i) !== buf[o + i]) {
          same = false;
          break;
        }
      }
      if (same) return known;
    }
    const word = Buffer.from(buf.buffer, buf.byteOffset + o, len).toString('latin1');
    // A second word with the same hash (never among a handful of words) is simply not cached.
    if (known === undefined) this.#byHash.set(h, word);
    return word;
  }
}

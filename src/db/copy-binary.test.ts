import { describe, expect, it } from 'vitest';
import { BinaryCopyReader, uuidAt } from './copy-binary.js';

/** A binary COPY stream of rows of (uuid, float8, text or NULL). */
function stream(rows: [string, number, string | null][]): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  for (const [id, x, t] of rows) {
    const head = Buffer.alloc(2);
    head.writeInt16BE(3);
    const u = Buffer.alloc(20);
    u.writeInt32BE(16);
    Buffer.from(id.replace(/-/g, ''), 'hex').copy(u, 4);
    const f = Buffer.alloc(12);
    f.writeInt32BE(8);
    f.writeDoubleBE(x, 4);
    const text = t === null ? null : Buffer.from(t, 'utf8');
    const len = Buffer.alloc(4);
    len.writeInt32BE(text ? text.length : -1);
    parts.push(head, u, f, len, ...(text ? [text] : []));
  }
  const end = Buffer.alloc(2);
  end.writeInt16BE(-1);
  parts.push(end);
  return Buffer.concat(parts);
}

const ROWS: [string, number, string | null][] = [
  ['00000000-0000-4000-8000-000000000000', 38.9, 'registered'],
  ['ffffffff-ffff-4fff-bfff-ffffffffffff', -77.03, null],
  ['0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3', 0, ''],
];

function read(chunks: Buffer[]): [string, number, string | null][] {
  const out: [string, number, string | null][] = [];
  const reader = new BinaryCopyReader(3, ({ buf, view, start, length }) => {
    out.push([uuidAt(buf, start[0]!), view.getFloat64(start[1]!), length[2]! < 0 ? null : buf.toString('utf8', start[2]!, start[2]! + length[2]!)]);
  });
  for (const c of chunks) reader.push(c);
  reader.end();
  return out;
}

describe('binary COPY reader', () => {
  it('reads rows, NULLs and empty text, whole or cut at any byte', () => {
    const all = stream(ROWS);
    expect(read([all])).toEqual(ROWS);
    for (let cut = 1; cut < all.length; cut++) expect(read([all.subarray(0, cut), all.subarray(cut)])).toEqual(ROWS);
    expect(read([...all].map((b) => Buffer.from([b])))).toEqual(ROWS);
  });

  it('refuses what is not a binary COPY stream, a cut-off stream and a wrong field count', () => {
    expect(() => read([Buffer.from('id,lat\n1,2\n0123456789abcdefghij')])).toThrow(/not a binary COPY/);
    const all = stream(ROWS);
    expect(() => read([all.subarray(0, all.length - 2)])).toThrow(/ended early/);
    const reader = new BinaryCopyReader(2, () => {});
    expect(() => reader.push(all)).toThrow(/3 fields, expected 2/);
  });
});

// The local evidence store: an upload is taken in unchanged and read-only, no key is written twice, reads take a
// byte range, and keys cannot leave the store.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalEvidenceStore, ObjectExistsError } from '../src/evidence/evidence-store.js';

describe('LocalEvidenceStore', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-store-'));
  const store = new LocalEvidenceStore(path.join(dir, 'evidence'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const upload = (body: string) => {
    const file = path.join(dir, `${crypto.randomUUID()}.bin`);
    fs.writeFileSync(file, body);
    return file;
  };

  it('takes an upload in unchanged and read-only, hashing it, and never writes over a key', async () => {
    const file = upload('0123456789');
    const staged = await store.stage({ path: file });
    expect(staged.path).toBe(file);
    const adopted = await staged.adopt('2026-05-01/e1/original.mp4');
    expect(adopted.sha256).toBe(crypto.createHash('sha256').update('0123456789').digest('hex'));
    expect(adopted.sizeBytes).toBe(10);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.statSync(adopted.copy.path).mode & 0o777).toBe(0o440);
    expect(await store.sha256('2026-05-01/e1/original.mp4')).toBe(adopted.sha256);

    const other = upload('something else');
    await expect((await store.stage({ path: other })).adopt('2026-05-01/e1/original.mp4')).rejects.toBeInstanceOf(ObjectExistsError);
    await expect(store.put('2026-05-01/e1/original.mp4', other, 'video/mp4')).rejects.toBeInstanceOf(ObjectExistsError);
    expect(fs.existsSync(other)).toBe(true);
    expect(await store.sha256('2026-05-01/e1/original.mp4')).toBe(adopted.sha256);
    expect(fs.readdirSync(path.join(dir, 'evidence', '.scratch'))).toEqual([]);
  });

  it('keeps a given hash, reads ranges, and says what is missing', async () => {
    const adopted = await (await store.stage({ path: upload('abcdefghij') }, 'f'.repeat(64))).adopt('2026-05-01/e2/original.avi');
    expect(adopted.sha256).toBe('f'.repeat(64));
    expect(await store.stat('2026-05-01/e2/original.avi')).toEqual({ sizeBytes: 10 });
    expect(await text(await store.read('2026-05-01/e2/original.avi', { start: 2, end: 4 }))).toBe('cde');
    expect(await text(await store.read('2026-05-01/e2/original.avi'))).toBe('abcdefghij');
    expect(await store.stat('2026-05-01/e3/original.avi')).toBeUndefined();
    expect(await store.sha256('2026-05-01/e3/original.avi')).toBeUndefined();
    await expect(store.read('2026-05-01/e3/original.avi')).rejects.toThrow(/ENOENT/);
  });

  it('discards a refused upload and keeps keys inside the store', async () => {
    const file = upload('not video');
    await (await store.stage({ path: file })).discard();
    expect(fs.existsSync(file)).toBe(false);
    for (const key of ['../outside.mp4', '/etc/passwd', '.scratch/x.mp4']) expect(() => store.localPath(key)).toThrow(/escapes the store/);
    await expect(store.stage({ uploadKey: 'uploads/0123' })).rejects.toThrow(/from files only/);
  });
});

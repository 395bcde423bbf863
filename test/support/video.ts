// Test footage made with Debian's ffmpeg: small clips in a few containers and codecs.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function makeClip(name: string, opts: { seconds?: number; codec?: 'mpeg4' | 'libx264'; recordedAt?: string } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-clip-'));
  const file = path.join(dir, name);
  const codec = opts.codec ?? 'mpeg4';
  execFileSync('ffmpeg', [
    '-nostdin', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc=duration=${opts.seconds ?? 3}:size=320x240:rate=10`,
    '-c:v', codec, ...(codec === 'libx264' ? ['-pix_fmt', 'yuv420p'] : []),
    ...(opts.recordedAt ? ['-metadata', `creation_time=${opts.recordedAt}`] : []),
    file,
  ]);
  return file;
}

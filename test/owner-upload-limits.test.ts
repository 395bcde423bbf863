// The owner page checks files before sending them (web/src/connect/uploadLimits.ts): it must refuse exactly what the
// server refuses (src/evidence/evidence.service.ts), and say sizes, speeds and times the way people read them.
import { describe, expect, it } from 'vitest';
import { uploadProblem, VIDEO_EXTENSIONS } from '../src/evidence/evidence.service.js';
import { chunkSizeFor, fileProblem, formatBytes, formatDuration, formatPercent, formatSpeed, VIDEO_EXTENSIONS as PAGE_EXTENSIONS } from '../web/src/connect/uploadLimits.js';

const MAX = 2 * 1024 * 1024;

describe('owner upload limits in the browser', () => {
  it('takes the same file name endings as the server', () => {
    expect([...PAGE_EXTENSIONS].sort()).toEqual([...VIDEO_EXTENSIONS].sort());
  });

  it('refuses before sending whatever the server would refuse, and takes what it takes', () => {
    const cases = [
      { name: 'clip.mp4', size: 1000 },
      { name: 'CLIP.MOV', size: MAX },
      { name: 'clip.mp4', size: MAX + 1 },
      { name: 'clip.mp4', size: 0 },
      { name: 'notes.txt', size: 10 },
      { name: 'mp4', size: 10 },
      { name: 'archive.mp4.zip', size: 10 },
      { name: '.mp4', size: 10 },
    ];
    for (const c of cases) {
      const page = fileProblem(c, MAX);
      const server = uploadProblem(c.name, c.size, MAX);
      expect({ ...c, refused: page !== undefined }).toEqual({ ...c, refused: server !== undefined });
    }
    expect(fileProblem({ name: 'big.mkv', size: MAX + 1 }, MAX)).toEqual({ code: 'too-large', maxBytes: MAX });
    expect(fileProblem({ name: 'setup.exe', size: 1 }, MAX)).toEqual({ code: 'not-video', extension: '.exe' });
    // Without a known limit, only the kind of file is checked (the server still refuses what is too large).
    expect(fileProblem({ name: 'big.mp4', size: 10 * MAX }, undefined)).toBeUndefined();
  });

  it('sends pieces of a twentieth of the file, between 64 KiB and 32 MiB', () => {
    expect(chunkSizeFor(500_000)).toBe(64 * 1024);
    expect(chunkSizeFor(100 * 1024 ** 2)).toBe(5 * 1024 ** 2);
    expect(chunkSizeFor(4 * 1024 ** 3)).toBe(32 * 1024 ** 2);
  });

  it('says sizes, speeds, times and percentages in decimal units, in the page language', () => {
    expect(formatBytes(573_000, 'en')).toBe('573 kB');
    expect(formatBytes(2_097_152, 'en')).toBe('2.1 MB');
    expect(formatBytes(4 * 1024 ** 3, 'es')).toBe('4,3 GB');
    expect(formatSpeed(270_000, 'en')).toBe('270 kB/s');
    expect(formatSpeed(12_500_000, 'en')).toBe('13 MB/s');
    expect(formatDuration(42, 'en')).toBe('42 sec');
    expect(formatDuration(190, 'en')).toBe('3 min 10 sec');
    expect(formatDuration(2 * 3600 + 5 * 60 + 7, 'es')).toBe('2 h 5 min');
    // Never 100 % before the last byte.
    expect(formatPercent(0.999, 'en')).toBe('99%');
    expect(formatPercent(1, 'en')).toBe('100%');
  });
});

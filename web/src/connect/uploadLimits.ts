// What the server takes as footage, checked in the browser before a byte is sent: the same file name endings as
// src/evidence/evidence.service.ts VIDEO_EXTENSIONS (a test keeps the two lists equal), and the size limit the
// tus server announces (Tus-Max-Size in its OPTIONS answer, from WATCHFLOOR_UPLOAD_MAX_BYTES).

export const VIDEO_EXTENSIONS = ['.mp4', '.mov', '.m4v', '.avi', '.mkv', '.webm', '.ts', '.mts', '.3gp', '.dav', '.h264', '.264', '.asf', '.wmv', '.flv'];

/** For the file picker: phones offer their videos; desktop pickers show the endings the server takes. */
export const ACCEPT = ['video/*', ...VIDEO_EXTENSIONS].join(',');

export const UPLOAD_ENDPOINT = '/api/v1/uploads';

export type FileProblem = { code: 'not-video'; extension: string } | { code: 'empty' } | { code: 'too-large'; maxBytes: number };

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/** Why the server would refuse this file, or undefined when it would take it. */
export function fileProblem(file: { name: string; size: number }, maxBytes: number | undefined): FileProblem | undefined {
  const extension = extensionOf(file.name);
  if (!VIDEO_EXTENSIONS.includes(extension)) return { code: 'not-video', extension };
  if (file.size <= 0) return { code: 'empty' };
  if (maxBytes !== undefined && file.size > maxBytes) return { code: 'too-large', maxBytes };
  return undefined;
}

let limits: Promise<{ maxBytes: number | undefined }> | undefined;

/** The largest file the server takes; undefined when it cannot be learnt (the server then says so itself). */
export function uploadLimits(): Promise<{ maxBytes: number | undefined }> {
  limits ??= fetch(UPLOAD_ENDPOINT, { method: 'OPTIONS', credentials: 'same-origin', headers: { 'tus-resumable': '1.0.0' } }).then(
    (res) => {
      const max = Number(res.headers.get('tus-max-size'));
      if (!res.ok) limits = undefined; // ask again next time (the session may not have been open yet)
      return { maxBytes: Number.isFinite(max) && max > 0 ? max : undefined };
    },
    () => {
      limits = undefined;
      return { maxBytes: undefined };
    },
  );
  return limits;
}

/**
 * Piece size for the PATCH requests: a twentieth of the file, at least 64 KiB and at most 32 MiB. Pieces keep each
 * request under what proxies in front of the server accept, and bound what a dropped connection costs.
 */
export function chunkSizeFor(size: number): number {
  return Math.min(32 * 1024 ** 2, Math.max(64 * 1024, Math.ceil(size / 20)));
}

// ---------- sizes, speeds and durations for people (decimal units, as phones and computers show files) ----------

export function formatBytes(bytes: number, lang: string): string {
  const [value, unit] = bytes >= 1e9 ? [bytes / 1e9, 'gigabyte'] : bytes >= 1e6 ? [bytes / 1e6, 'megabyte'] : [bytes / 1e3, 'kilobyte'];
  return new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: value < 10 ? 1 : 0 }).format(value);
}

export function formatSpeed(bytesPerSecond: number, lang: string): string {
  const [value, unit] = bytesPerSecond >= 1e6 ? [bytesPerSecond / 1e6, 'megabyte-per-second'] : [bytesPerSecond / 1e3, 'kilobyte-per-second'];
  return new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: value < 10 ? 1 : 0 }).format(value);
}

/** "2 h 5 min", "3 min 10 s", "40 s". */
export function formatDuration(seconds: number, lang: string): string {
  const unit = (value: number, u: string) => new Intl.NumberFormat(lang, { style: 'unit', unit: u, unitDisplay: 'short' }).format(value);
  const s = Math.max(1, Math.round(seconds));
  if (s >= 3600) return `${unit(Math.floor(s / 3600), 'hour')} ${unit(Math.floor((s % 3600) / 60), 'minute')}`;
  if (s >= 60) return `${unit(Math.floor(s / 60), 'minute')} ${unit(s % 60, 'second')}`;
  return unit(s, 'second');
}

export function formatPercent(fraction: number, lang: string): string {
  return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(Math.floor(Math.min(1, Math.max(0, fraction)) * 100) / 100);
}

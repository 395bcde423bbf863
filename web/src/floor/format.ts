// How the floor writes times, ages, distances, sizes and directions: short, and the same everywhere.
const numbers = new Intl.NumberFormat();

export const count = (n: number) => numbers.format(n);

/** "now", "45 s", "12 min", "3 h", "2 d". */
export function age(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 10) return 'now';
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

/** "14:05" today, "Tue 14:05" this week, else "10 Aug, 14:05". */
export function clock(iso: string, now = Date.now()): string {
  const d = new Date(iso);
  const days = (now - d.getTime()) / 86_400_000;
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (new Date(now).toDateString() === d.toDateString()) return time;
  if (days < 6 && days > -1) return `${d.toLocaleDateString([], { weekday: 'short' })} ${time}`;
  return `${d.toLocaleDateString([], { day: 'numeric', month: 'short' })}, ${time}`;
}

export const dateTime = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'medium' });

export function distance(m: number): string {
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function duration(seconds: number): string {
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return m ? `${m} min ${s % 60} s` : `${s} s`;
}

const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];
export const compass = (bearingDeg: number) => COMPASS[Math.round((((bearingDeg % 360) + 360) % 360) / 45) % 8]!;

export const messageOf = (err: unknown): string => (err && typeof err === 'object' && 'detail' in err && typeof err.detail === 'string' ? err.detail : String(err));

// The demo's incident feed is a city crime file played back (feed-replayer.ts), as a center would drill with its
// own city's open data. A fresh machine has no such file, so the demo writes one: a day of incidents in Open Data
// DC's "Crime Incidents" CSV layout (the columns `watchfloor import incidents` and `watchfloor replay` read),
// with DC's offense mix, mostly near the registered cameras (DemoFeed places them). The file is the project's
// own and synthetic: no real incident, block or number is in it.
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { latLngToMarylandStatePlane } from '../incidents/decoders/md-state-plane.js';
import type { DemoFeed } from '../incidents/demo-feed.js';

/** DC's 25 columns, in its order. */
export const DC_CRIME_COLUMNS = [
  'X', 'Y', 'CCN', 'REPORT_DAT', 'SHIFT', 'METHOD', 'OFFENSE', 'BLOCK', 'XBLOCK', 'YBLOCK', 'WARD', 'ANC', 'DISTRICT', 'PSA',
  'NEIGHBORHOOD_CLUSTER', 'BLOCK_GROUP', 'CENSUS_TRACT', 'VOTING_PRECINCT', 'LATITUDE', 'LONGITUDE', 'BID', 'START_DATE',
  'END_DATE', 'OBJECTID', 'OCTO_RECORD_ID',
] as const;

/** DC's timestamp style: "2024/02/19 03:05:00+00". */
function dcTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ').replaceAll('-', '/') + '+00';
}

/** MPD's shifts: day 07–15, evening 15–23, midnight 23–07 (local time; UTC-5 is close enough for a demo). */
function shiftOf(ms: number): string {
  const hour = (new Date(ms).getUTCHours() + 24 - 5) % 24;
  return hour >= 7 && hour < 15 ? 'DAY' : hour >= 15 && hour < 23 ? 'EVENING' : 'MIDNIGHT';
}

function methodOf(offense: string, random: () => number): string {
  if (offense === 'HOMICIDE' || offense === 'ASSAULT W/DANGEROUS WEAPON' || offense === 'ROBBERY') {
    const r = random();
    return r < 0.45 ? 'GUN' : r < 0.65 ? 'KNIFE' : 'OTHERS';
  }
  return 'OTHERS';
}

export interface DemoCrimeFileOptions {
  /** The recorded day ends here (exclusive); the demo uses the start of the current hour, so every time is past. */
  endMs: number;
  /** Incidents in the day. */
  count: number;
  random: () => number;
}

/** Writes the file and returns how many rows it holds. */
export function writeDemoCrimeFile(file: string, feed: Pick<DemoFeed, 'next'>, opts: DemoCrimeFileOptions): number {
  const { endMs, count, random } = opts;
  const startMs = endMs - 86_400_000;
  const starts = Array.from({ length: count }, () => startMs + Math.floor(random() * 86_400_000)).sort((a, b) => a - b);
  const year = String(new Date(startMs).getUTCFullYear()).slice(2);
  const rows = starts.map((start, i) => {
    const incident = feed.next();
    const point = incident.location;
    const reported = Math.min(endMs - 1, start + Math.floor(random() * 45 * 60_000));
    const end = Math.min(endMs - 1, start + Math.floor(random() * 20 * 60_000));
    const plane = point ? latLngToMarylandStatePlane(point.lat, point.lng) : undefined;
    const row: Record<string, string> = {
      X: point ? point.lng.toFixed(7) : '',
      Y: point ? point.lat.toFixed(7) : '',
      // Eight digits like MPD's complaint numbers, in a range of their own (9xxxxxx) so as never to look like one.
      CCN: `${year}9${String(i + 1).padStart(5, '0')}`,
      REPORT_DAT: dcTime(reported),
      SHIFT: shiftOf(reported),
      METHOD: methodOf(incident.type, random),
      OFFENSE: incident.type,
      BLOCK: point ? '' : (incident.address ?? 'UNKNOWN BLOCK'),
      XBLOCK: plane ? plane.eastingM.toFixed(2) : '',
      YBLOCK: plane ? plane.northingM.toFixed(2) : '',
      LATITUDE: point ? point.lat.toFixed(7) : '',
      LONGITUDE: point ? point.lng.toFixed(7) : '',
      START_DATE: dcTime(start),
      END_DATE: end > start ? dcTime(end) : '',
      OBJECTID: String(900_000_000 + i + 1),
    };
    return DC_CRIME_COLUMNS.map((c) => row[c] ?? '');
  });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, stringify([DC_CRIME_COLUMNS as unknown as string[], ...rows]));
  return rows.length;
}

// Synthetic incidents for the demo and drills: DC's offense mix, mostly near registered cameras (so that the
// matcher has work). The demo writes a day of them as a city crime file and plays it (demo-crime-file.ts).
import type { CameraRegistry } from '../cameras/camera-registry.js';
import type { ServiceArea } from '../geo/service-area.js';
import { destinationPoint } from '../geo/sphere.js';
import type { IncidentInput } from './incident.service.js';

/** Offense, share of incidents, priority — shares as in DC's 2024 open data. */
const OFFENSES: [string, number, number][] = [
  ['THEFT/OTHER', 0.42, 4],
  ['THEFT F/AUTO', 0.2, 4],
  ['MOTOR VEHICLE THEFT', 0.14, 3],
  ['ROBBERY', 0.07, 2],
  ['ASSAULT W/DANGEROUS WEAPON', 0.06, 1],
  ['BURGLARY', 0.06, 3],
  ['SEX ABUSE', 0.02, 2],
  ['HOMICIDE', 0.02, 1],
  ['ARSON', 0.01, 3],
];

export interface DemoFeedOptions {
  random?: () => number;
  now?: () => Date;
}

export class DemoFeed {
  #seq = 0;
  readonly #random: () => number;
  readonly #now: () => Date;

  constructor(
    private readonly cameras: CameraRegistry,
    private readonly area: ServiceArea,
    opts: DemoFeedOptions = {},
  ) {
    this.#random = opts.random ?? Math.random;
    this.#now = opts.now ?? (() => new Date());
  }

  /** One synthetic incident, placed near a random verified camera (so the matcher has work), or anywhere. */
  next(): IncidentInput {
    const r = this.#random;
    let pick = r();
    const [type, , priority] = OFFENSES.find(([, share]) => (pick -= share) <= 0) ?? OFFENSES[0]!;
    const [w, s, e, n] = this.area.bbox;
    let lat = s + r() * (n - s);
    let lng = w + r() * (e - w);
    const anchor = this.cameras.index.size > 0 ? this.randomCamera() : undefined;
    if (anchor && r() < 0.85) ({ lat, lng } = destinationPoint(anchor, r() * 120, r() * 360));
    const now = this.#now();
    const minutesAgo = Math.round(r() * 50);
    this.#seq++;
    return {
      source: 'demo-feed',
      externalId: `DEMO-${now.toISOString().slice(0, 10).replaceAll('-', '')}-${String(this.#seq).padStart(5, '0')}`,
      type,
      priority,
      occurredFrom: new Date(now.getTime() - minutesAgo * 60_000).toISOString(),
      occurredTo: null,
      location: this.area.contains(lat, lng) ? { lat, lng, accuracyM: [10, 25, 50, 100][Math.floor(r() * 4)]! } : null,
      address: this.area.contains(lat, lng) ? null : 'UNKNOWN BLOCK',
      details: { generatedBy: 'demo feed' },
    };
  }

  private randomCamera() {
    // The index has no random access by position; a random point's nearest cameras are close enough to random.
    const [w, s, e, n] = this.area.bbox;
    for (let i = 0; i < 5; i++) {
      const lat = s + this.#random() * (n - s);
      const lng = w + this.#random() * (e - w);
      const near = this.cameras.index.findCamerasThatCouldSee({ lat, lng, accuracyM: 300 }, 300, { limit: 1 });
      if (near[0]) return near[0].camera;
    }
    return undefined;
  }
}

// A city-sized demo registry: ~30,000 cameras over Washington, DC, denser along commercial corridors, with a
// realistic mix of kinds and tiers, some city CCTV, and a few registrations waiting for review. Deterministic
// (seeded), and made of invented people only (addresses under example.invalid).
import type { AppContext } from '../context.js';
import type { CameraKind, CameraTier, OwnerKind } from '../db/schema.js';
import { CONSENT_VERSION } from '../cameras/terms.js';
import * as cameraRepo from '../cameras/camera.repository.js';
import * as staffRepo from '../staff/staff.repository.js';
import { destinationPoint } from '../geo/sphere.js';
import { DEMO_AGENCY } from './demo-accounts.js';

/** Main commercial streets, as [lng, lat] polylines (approximate). */
const CORRIDORS: [number, number][][] = [
  [[-77.0219, 38.9823], [-77.0235, 38.9436], [-77.0216, 38.9167]], // Georgia Ave NW
  [[-77.0324, 38.9610], [-77.0320, 38.9171], [-77.0319, 38.8980]], // 14th St NW
  [[-77.0437, 38.9170], [-77.0300, 38.9169], [-77.0180, 38.9166]], // U St NW
  [[-77.0024, 38.9000], [-76.9840, 38.9001], [-76.9760, 38.8998]], // H St NE
  [[-77.0010, 38.8850], [-76.9850, 38.8780], [-76.9550, 38.8700]], // Pennsylvania Ave SE
  [[-77.0630, 38.9560], [-77.0490, 38.9230], [-77.0380, 38.9050]], // Connecticut Ave NW
  [[-77.0800, 38.9480], [-77.0720, 38.9250], [-77.0620, 38.9060]], // Wisconsin Ave NW
  [[-76.9990, 38.8640], [-76.9950, 38.8460], [-77.0080, 38.8260]], // MLK Jr Ave SE
  [[-76.9820, 38.8980], [-76.9600, 38.8940], [-76.9380, 38.8900]], // Benning Rd NE
  [[-77.0080, 38.8770], [-77.0030, 38.8760], [-76.9950, 38.8770]], // Navy Yard
  [[-77.0270, 38.9010], [-77.0220, 38.8990], [-77.0090, 38.8980]], // Downtown / Chinatown
];

const KIND_MIX: [CameraKind, number][] = [['doorbell', 0.46], ['fixed', 0.3], ['dome', 0.16], ['ptz', 0.08]];
const OWNER_MIX: [OwnerKind, number][] = [['resident', 0.62], ['business', 0.24], ['apartment_commercial', 0.08], ['nonprofit', 0.03], ['religious', 0.03]];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickWeighted<T>(mix: [T, number][], r: number): T {
  let acc = 0;
  for (const [v, w] of mix) if ((acc += w) >= r) return v;
  return mix[mix.length - 1]![0];
}

export interface DemoCamera {
  lat: number;
  lng: number;
  kind: CameraKind;
  bearingDeg: number;
  fovDeg: number;
  rangeM: number;
  retentionDays: number;
  tier: CameraTier;
  ownerKind: OwnerKind | null;
}

/** Generates `count` cameras inside `contains`; 70 % along corridors, the rest spread over the area. */
export function generateDemoCameras(count: number, bbox: [number, number, number, number], contains: (lat: number, lng: number) => boolean, seed = 20261126): DemoCamera[] {
  const random = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const out: DemoCamera[] = [];
  while (out.length < count) {
    let lat: number;
    let lng: number;
    if (random() < 0.7) {
      const line = CORRIDORS[Math.floor(random() * CORRIDORS.length)]!;
      const seg = Math.floor(random() * (line.length - 1));
      const t = random();
      const [aLng, aLat] = line[seg]!;
      const [bLng, bLat] = line[seg + 1]!;
      const p = destinationPoint({ lat: aLat + (bLat - aLat) * t, lng: aLng + (bLng - aLng) * t }, Math.abs(gauss()) * 90, random() * 360);
      lat = p.lat;
      lng = p.lng;
    } else {
      lat = bbox[1] + random() * (bbox[3] - bbox[1]);
      lng = bbox[0] + random() * (bbox[2] - bbox[0]);
    }
    if (!contains(lat, lng)) continue;
    const city = random() < 0.03;
    const kind: CameraKind = city ? (random() < 0.8 ? 'cctv' : 'traffic') : pickWeighted(KIND_MIX, random());
    const ownerKind = city ? null : pickWeighted(OWNER_MIX, random());
    const fovDeg = kind === 'ptz' || kind === 'cctv' ? 360 : kind === 'doorbell' ? 150 : kind === 'dome' ? 100 : 70 + Math.round(random() * 40);
    const rangeM = kind === 'doorbell' ? 8 + Math.round(random() * 10) : kind === 'cctv' ? 60 + Math.round(random() * 60) : 15 + Math.round(random() * 45);
    const integrated = !city && (ownerKind === 'business' || ownerKind === 'apartment_commercial') && random() < 0.25;
    out.push({
      lat,
      lng,
      kind,
      bearingDeg: fovDeg === 360 ? 0 : Math.round(random() * 359),
      fovDeg,
      rangeM,
      retentionDays: [3, 7, 7, 14, 30, 30, 60][Math.floor(random() * 7)]!,
      tier: city ? 'city' : integrated ? 'integrated' : 'registered',
      ownerKind,
    });
  }
  return out;
}

/** Loads the demo registry when the database has no cameras yet. Returns how many cameras it added. */
export async function seedDemoCameras(ctx: AppContext, count = 30_000, pending = 8): Promise<number> {
  const db = ctx.database.db;
  if ((await cameraRepo.countCameras(db, {})) > 0) return 0;
  const agency = await staffRepo.findAgencyByName(db, DEMO_AGENCY);
  const now = ctx.clock.now();
  const cams = generateDemoCameras(count + pending, ctx.serviceArea.bbox, ctx.serviceArea.contains);
  const CHUNK = 1000;
  for (let start = 0; start < cams.length; start += CHUNK) {
    const slice = cams.slice(start, start + CHUNK);
    await db.transaction(async (tx) => {
      // Ids made here, so owners and cameras go in as two multi-row inserts.
      const owners = slice.map((c, i) =>
        c.ownerKind
          ? { id: crypto.randomUUID(), name: `Demo owner ${start + i + 1}`, email: `owner${start + i + 1}@example.invalid`, kind: c.ownerKind, consentVersion: CONSENT_VERSION, consentAt: now }
          : undefined,
      );
      await cameraRepo.insertOwners(tx, owners.filter((o) => o !== undefined));
      await cameraRepo.insertCameras(
        tx,
        slice.map((c, i) => {
          const isPending = start + i >= count;
          return {
            ownerId: owners[i]?.id ?? null,
            agencyId: owners[i] ? null : agency!.id,
            lat: c.lat,
            lng: c.lng,
            kind: c.kind,
            bearingDeg: c.bearingDeg,
            fovDeg: c.fovDeg,
            rangeM: c.rangeM,
            retentionDays: c.retentionDays,
            tier: c.tier,
            status: isPending && owners[i] ? ('pending' as const) : ('verified' as const),
            verifiedAt: isPending && owners[i] ? null : now,
            source: owners[i] ? ('registration' as const) : ('import' as const),
            label: owners[i] ? null : `${c.kind === 'cctv' ? 'MPD CCTV' : 'DDOT traffic camera'} ${start + i + 1}`,
            createdAt: now,
            updatedAt: now,
          };
        }),
      );
    });
  }
  await ctx.cameras.load(db);
  return cams.length;
}

// The live set of verified cameras that the matcher queries: the camera index, loaded from the database at start
// and kept in step with every committed change (register, verify, edit, pause, withdraw) without a rebuild.
import type { Db } from '../db/client.js';
import { CameraIndex, type CameraForIndex } from '../geo/camera-index.js';
import { verifiedCameras, type Camera, type IndexRow } from './camera.repository.js';

/** What the index keeps per camera: geometry and what ranking and filtering need, nothing personal. */
export interface IndexedCamera extends CameraForIndex {
  readonly retentionDays: number;
  readonly ownerId: string | null;
  readonly kind: string;
  /** Request kinds the owner declined (bitmask, src/requests/request-kinds.ts): matching leaves the camera out. */
  readonly declinedKindsMask: number;
}

export function toIndexed(c: IndexRow): IndexedCamera {
  return {
    id: c.id,
    lat: c.lat,
    lng: c.lng,
    bearingDeg: c.bearingDeg % 360,
    fovDeg: c.fovDeg,
    rangeM: c.rangeM,
    tier: c.tier,
    retentionDays: c.retentionDays,
    ownerId: c.ownerId,
    kind: c.kind,
    declinedKindsMask: c.declinedKindsMask,
  };
}

export class CameraRegistry {
  #index: CameraIndex<IndexedCamera> = CameraIndex.build<IndexedCamera>([]);

  get index(): CameraIndex<IndexedCamera> {
    return this.#index;
  }

  /** Replaces the index with the verified cameras in the database; returns how many and how long it took. */
  async load(db: Db): Promise<{ cameras: number; ms: number }> {
    const started = performance.now();
    const all: IndexedCamera[] = [];
    for await (const page of verifiedCameras(db)) for (const c of page) all.push(toIndexed(c));
    this.#index = CameraIndex.build(all);
    return { cameras: all.length, ms: Math.round(performance.now() - started) };
  }

  /** Applies a committed change: verified cameras are (re)indexed, every other status leaves the index. */
  apply(camera: Camera): void {
    if (camera.status === 'verified') this.#index.upsert(toIndexed(camera));
    else this.#index.remove(camera.id);
  }

  applyAll(cameras: readonly Camera[]): void {
    for (const c of cameras) this.apply(c);
  }
}

// The live set of verified cameras that the matcher queries: the camera index, loaded from the database at start
// and kept in step with every committed change (register, verify, edit, pause, withdraw) without a rebuild.
import type { Db } from '../db/client.js';
import { CameraIndex, type CameraForIndex } from '../geo/camera-index.js';
import { verifiedCamerasForIndex, type Camera, type IndexRow } from './camera.repository.js';

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

  /**
   * Replaces the index with the verified cameras in the database; returns how many, how long it took, and how much
   * of that was reading them.
   */
  async load(db: Db): Promise<{ cameras: number; ms: number; readMs: number }> {
    const started = performance.now();
    const rows = await verifiedCamerasForIndex(db);
    const readMs = performance.now() - started;
    // The rows already have the index's shape; only a bearing of 360° needs folding to 0°.
    for (const r of rows) if (r.bearingDeg >= 360) r.bearingDeg %= 360;
    this.#index = CameraIndex.build(rows as IndexedCamera[]);
    return { cameras: rows.length, ms: Math.round(performance.now() - started), readMs: Math.round(readMs) };
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

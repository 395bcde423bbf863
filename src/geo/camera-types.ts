import type { CameraFieldOfView } from './fov.js';
import type { CameraTier } from './ranking.js';

export interface CameraForIndex extends CameraFieldOfView {
  readonly id: string;
  readonly tier: CameraTier;
}

export interface CameraMatch<T extends CameraForIndex = CameraForIndex> {
  readonly camera: T;
  /** Camera to incident centre, metres. */
  readonly distanceM: number;
  /** The incident centre lies within the wedge's angle (not merely the uncertainty circle grazing it). */
  readonly facesArea: boolean;
  /** Angle between the camera's bearing and the direction of the incident centre, degrees; 0 for a 360° camera. */
  readonly offAxisDeg: number;
  /** Likely usefulness, higher first; see ranking.ts for the formula. */
  readonly score: number;
}

/**
 * A query's matches as parallel columns, best first (entry k of each is the k-th best match): the same answer as a
 * list of CameraMatch, without an object per match, in the shape an incident's stored match list has.
 */
export interface CameraMatchColumns<T extends CameraForIndex = CameraForIndex> {
  readonly cameras: T[];
  readonly distanceM: number[];
  readonly facesArea: boolean[];
  readonly offAxisDeg: number[];
  readonly score: number[];
}

export function validateCamera(c: CameraForIndex): void {
  if (typeof c?.id !== 'string' || c.id.length === 0) invalidCamera(c, 'id', 'a non-empty string', c?.id);
  if (!(c.lat >= -90 && c.lat <= 90)) invalidCamera(c, 'lat', 'in [-90, 90]', c.lat);
  if (!(c.lng >= -180 && c.lng <= 180)) invalidCamera(c, 'lng', 'in [-180, 180]', c.lng);
  if (!(c.bearingDeg >= 0 && c.bearingDeg <= 360)) invalidCamera(c, 'bearingDeg', 'in [0, 360]', c.bearingDeg);
  if (!(c.fovDeg >= 1 && c.fovDeg <= 360)) invalidCamera(c, 'fovDeg', 'in [1, 360]', c.fovDeg);
  if (!(c.rangeM > 0 && Number.isFinite(c.rangeM))) invalidCamera(c, 'rangeM', 'a finite number > 0', c.rangeM);
  if (c.tier !== 'registered' && c.tier !== 'integrated' && c.tier !== 'city') invalidCamera(c, 'tier', "'registered', 'integrated' or 'city'", c.tier);
}

// A separate function, not a closure inside validateCamera: a closure would be allocated for every camera.
function invalidCamera(c: CameraForIndex | undefined, field: string, rule: string, value: unknown): never {
  throw new RangeError(`camera "${String(c?.id)}": ${field} must be ${rule}, got ${String(value)}`);
}

// The in-process index of verified cameras that answers "which cameras could have seen this incident?".
//
// - Base (static-cameras.ts): per range class, cameras in flat typed arrays sorted into latitude rows and, within
//   a row, into cells of longitude, built in bulk; a query box is a few contiguous runs of slots.
// - Overlay: cameras added or moved since the last build, in flat arrays scanned with a box test.
// - Tombstones: a removed or moved base camera's slot is cleared, so it vanishes from the very next query.
// - When the overlay passes `overlayLimit` (or tombstones pass a quarter of the base), the index is rebuilt from
//   the live cameras, base slots first then the overlay: deterministic, and ~0.7 s for a million cameras here.
// Every answer passes the same exact predicate (`matchCameraToArea` / its field form) that the brute-force test
// oracle uses; the spatial search, the distance bound and the facing test only ever discard cameras that predicate
// would reject.
// A query allocates nothing per candidate: matches go into typed arrays (match-buffer.ts), are ranked there, and
// only the ones returned become match objects.

import { validateCamera, type CameraForIndex, type CameraMatch, type CameraMatchColumns } from './camera-types.js';
import { BOUNDARY_TOLERANCE_M, FACES_AREA, NO_INTERSECTION, OUT_DISTANCE_M, OUT_OFF_AXIS_DEG, matchWedgeFieldsInto, prepareArea, type IncidentArea } from './fov.js';
import { IdTable, MAX_CODE } from './id-table.js';
import { MatchBuffer } from './match-buffer.js';
import { TIER_WEIGHT, usefulnessScoreOf } from './ranking.js';
import { DistanceLowerBound, boundingBoxesAround, boxContains } from './sphere.js';
import { StaticCameras, allocateFields, readFieldsInto } from './static-cameras.js';

export type { CameraForIndex, CameraMatch, CameraMatchColumns } from './camera-types.js';

export interface FindCamerasOptions<T> {
  /**
   * Non-geometric filter applied to geometric matches (e.g. retention still covers the incident time). It may
   * query the index but must not change it (that throws).
   */
  readonly accept?: (camera: T) => boolean;
  /** Return at most this many of the best-ranked matches. */
  readonly limit?: number;
}

export interface CameraIndexOptions {
  /** Added/moved cameras held outside the trees before a rebuild; default 1024. */
  readonly overlayLimit?: number;
  /** Rebuild automatically when the overlay or tombstones pass their limits (default true). */
  readonly autoCompact?: boolean;
}

export interface CameraIndexMemory {
  readonly cameras: number;
  readonly baseCameras: number;
  readonly overlayCameras: number;
  readonly tombstones: number;
  /** Row tables of the range classes: where each latitude row starts. */
  readonly rowBytes: number;
  /** Float64 lat, lng, range, bearing and fov plus a tier byte per base slot. */
  readonly fieldBytes: number;
  readonly idTableBytes: number;
  /** One reference per record slot, counted at 8 bytes (Node's default, no pointer compression). */
  readonly recordRefBytes: number;
  /** Overlay coordinates and the reusable query buffers. */
  readonly otherBytes: number;
  /** Everything above: what the index costs beyond the camera objects themselves. */
  readonly indexBytes: number;
  readonly bytesPerCamera: number;
}

const REF_BYTES = 8;
/** Cameras read at a time by a build before their ids are filed. */
const ID_BLOCK = 64;

export class CameraIndex<T extends CameraForIndex = CameraForIndex> {
  readonly #overlayLimit: number;
  readonly #autoCompact: boolean;
  #base: StaticCameras<T> = StaticCameras.build<T>([]).base;
  #overlay: T[] = [];
  #overlayLat = new Float64Array(16);
  #overlayLng = new Float64Array(16);
  #overlayMaxRangeM = 0;
  /** id → code; codes below the base size are base slots, the rest are overlay positions after them. */
  #ids: IdTable;
  readonly #matches = new MatchBuffer();
  readonly #relation = new Float64Array(2);
  /**
   * The scan's distance bound, aimed anew by each query. Not one made per query: V8 holds the hidden class of an
   * object with added fields only weakly (through its parent's transition), so with no such object alive at a
   * full collection the class died, and with it the scan's optimised code, which names it. Every full collection
   * sent the next queries back to the interpreter until the scan was compiled again: 3–4 times slower for the
   * ~50 queries that took (index bench, first pass after a collection).
   */
  readonly #bound = new DistanceLowerBound();
  readonly #idOf = (code: number): string => this.#cameraAt(code)!.id;
  /** Counts changes, so that a query can tell that `accept` changed the index under it. */
  #version = 0;

  constructor(options: CameraIndexOptions = {}) {
    const overlayLimit = options.overlayLimit ?? 1024;
    if (!(Number.isInteger(overlayLimit) && overlayLimit >= 1)) throw new RangeError(`overlayLimit must be a positive integer, got ${overlayLimit}`);
    this.#overlayLimit = overlayLimit;
    this.#autoCompact = options.autoCompact ?? true;
    this.#ids = new IdTable((code) => this.#keyOf(code));
  }

  /** Bulk build. Throws on an invalid camera or a duplicate id, naming the camera. */
  static build<T extends CameraForIndex>(cameras: Iterable<T>, options: CameraIndexOptions = {}): CameraIndex<T> {
    const index = new CameraIndex<T>(options);
    const list = Array.isArray(cameras) ? (cameras as T[]) : Array.from(cameras);
    index.#rebuild(list, true);
    return index;
  }

  /** Number of live cameras. */
  get size(): number {
    return this.#ids.size;
  }

  /** Longest range of any indexed camera, metres (an upper bound between rebuilds). */
  get maxRangeM(): number {
    return Math.max(this.#base.maxRangeM, this.#overlay.length > 0 ? this.#overlayMaxRangeM : 0);
  }

  get(id: string): T | undefined {
    const code = this.#ids.get(id);
    return code === undefined ? undefined : this.#cameraAt(code);
  }

  has(id: string): boolean {
    return this.#ids.get(id) !== undefined;
  }

  /** Adds the camera or replaces the one with the same id; visible to the next query, with no rebuild unless compacting. */
  upsert(camera: T): void {
    validateCamera(camera);
    this.#version++;
    const code = this.#ids.get(camera.id);
    const baseCount = this.#base.records.length;
    if (code === undefined) {
      this.#pushOverlay(camera);
    } else if (code < baseCount) {
      if (this.#base.replaceInPlace(code, camera)) return;
      // Moved, or now outruns its class's search radius: carry it in the overlay, then tombstone the slot.
      this.#pushOverlay(camera);
      this.#base.remove(code);
    } else {
      const j = code - baseCount;
      this.#overlay[j] = camera;
      this.#overlayLat[j] = camera.lat;
      this.#overlayLng[j] = camera.lng;
      this.#overlayMaxRangeM = Math.max(this.#overlayMaxRangeM, camera.rangeM);
    }
    this.#maybeCompact();
  }

  /** Removes the camera; it is gone from the very next query. Returns false when the id was not indexed. */
  remove(id: string): boolean {
    const code = this.#ids.get(id);
    if (code === undefined) return false;
    this.#version++;
    this.#ids.delete(id);
    const baseCount = this.#base.records.length;
    if (code < baseCount) {
      this.#base.remove(code);
    } else {
      const j = code - baseCount;
      const last = this.#overlay.length - 1;
      if (j !== last) {
        const moved = this.#overlay[last]!;
        // Re-point before moving: the table finds `moved` by asking for the key of its current code.
        this.#ids.set(moved.id, code);
        this.#overlay[j] = moved;
        this.#overlayLat[j] = this.#overlayLat[last]!;
        this.#overlayLng[j] = this.#overlayLng[last]!;
      }
      this.#overlay.pop();
    }
    this.#maybeCompact();
    return true;
  }

  /** Rebuilds the trees from the live cameras and empties the overlay. */
  compact(): void {
    this.#rebuild([...this.cameras()]);
  }

  /** Every live camera, base slots first, then the overlay. */
  *cameras(): IterableIterator<T> {
    for (const c of this.#base.records) if (c !== undefined) yield c;
    yield* this.#overlay;
  }

  /**
   * Cameras whose wedge meets the incident circle, whose range reaches it (distanceM − accuracyM ≤ rangeM) and
   * that lie within `searchRadiusM` of its edge (distanceM − accuracyM ≤ searchRadiusM), best first.
   */
  findCamerasThatCouldSee(area: IncidentArea, searchRadiusM: number, options: FindCamerasOptions<T> = {}): CameraMatch<T>[] {
    return this.#query(area, searchRadiusM, options, this.#asObjects);
  }

  /**
   * The same answer as `findCamerasThatCouldSee`, as parallel columns, best first: no object per match (for each,
   * V8 makes the object and a box for each of its three fractional numbers), which for a busy corridor's few
   * hundred matches is a tenth of the query. Intake matches with it: its stored match list has this shape.
   */
  findMatchColumns(area: IncidentArea, searchRadiusM: number, options: FindCamerasOptions<T> = {}): CameraMatchColumns<T> {
    return this.#query(area, searchRadiusM, options, this.#asColumns);
  }

  /** Validates, collects, filters with `accept` and ranks; `answer` makes the result of the best `count` (`order`). */
  #query<R>(area: IncidentArea, searchRadiusM: number, options: FindCamerasOptions<T>, answer: (matches: MatchBuffer, count: number) => R): R {
    validateArea(area);
    if (!(searchRadiusM >= 0 && Number.isFinite(searchRadiusM))) throw new RangeError(`searchRadiusM must be a finite number ≥ 0, got ${searchRadiusM}`);
    const { accept, limit } = options;
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) throw new RangeError(`limit must be an integer ≥ 0, got ${limit}`);
    // A query started from `accept` (which runs while this one's matches are still buffered) gets its own buffer.
    const matches = this.#matches.busy ? new MatchBuffer() : this.#matches;
    matches.busy = true;
    try {
      matches.length = 0;
      this.#collect(area, searchRadiusM, matches);
      // `accept` runs last, on geometric matches only. Matches hold codes, which a change could reassign.
      if (accept !== undefined) {
        const version = this.#version;
        matches.retain((code) => {
          const keep = accept(this.#cameraAt(code)!);
          if (this.#version !== version) throw new Error('CameraIndex: `accept` must not change the index it filters');
          return keep;
        });
      }
      return answer(matches, matches.rank(limit ?? matches.length, this.#idOf));
    } finally {
      matches.busy = false;
    }
  }

  readonly #asObjects = (matches: MatchBuffer, count: number): CameraMatch<T>[] => {
    const out = new Array<CameraMatch<T>>(count);
    const { order, code, distanceM, facesArea, offAxisDeg, score } = matches;
    for (let k = 0; k < count; k++) {
      const i = order[k]!;
      out[k] = { camera: this.#cameraAt(code[i]!)!, distanceM: distanceM[i]!, facesArea: facesArea[i] === 1, offAxisDeg: offAxisDeg[i]!, score: score[i]! };
    }
    return out;
  };

  readonly #asColumns = (matches: MatchBuffer, count: number): CameraMatchColumns<T> => {
    // Each column made at its size; arrays of numbers hold them unboxed.
    const columns: CameraMatchColumns<T> = { cameras: new Array<T>(count), distanceM: new Array<number>(count), facesArea: new Array<boolean>(count), offAxisDeg: new Array<number>(count), score: new Array<number>(count) };
    const { order, code, distanceM, facesArea, offAxisDeg, score } = matches;
    for (let k = 0; k < count; k++) {
      const i = order[k]!;
      columns.cameras[k] = this.#cameraAt(code[i]!)!;
      columns.distanceM[k] = distanceM[i]!;
      columns.facesArea[k] = facesArea[i] === 1;
      columns.offAxisDeg[k] = offAxisDeg[i]!;
      columns.score[k] = score[i]!;
    }
    return columns;
  };

  /** Adds every live camera that passes the exact match to `out`, with its code. */
  #collect(area: IncidentArea, searchRadiusM: number, out: MatchBuffer): void {
    const slackM = area.accuracyM + BOUNDARY_TOLERANCE_M;
    const bound = this.#bound.aim(area, boundingBoxesAround(area, Math.min(searchRadiusM, this.maxRangeM) + slackM));
    const prepared = prepareArea(area);
    const relation = this.#relation;
    this.#base.collectMatches(prepared, searchRadiusM, bound, out, relation);
    if (this.#overlay.length === 0) return;
    const baseCount = this.#base.records.length;
    const boxes = boundingBoxesAround(area, Math.min(searchRadiusM, this.#overlayMaxRangeM) + slackM);
    for (let j = 0; j < this.#overlay.length; j++) {
      let inBox = false;
      for (const box of boxes) inBox ||= boxContains(box, this.#overlayLat[j]!, this.#overlayLng[j]!);
      if (!inBox) continue;
      const camera = this.#overlay[j]!;
      const code = matchWedgeFieldsInto(camera.lat, camera.lng, camera.bearingDeg, camera.fovDeg, camera.rangeM, prepared, searchRadiusM, relation);
      if (code === NO_INTERSECTION) continue;
      const distanceM = relation[OUT_DISTANCE_M]!;
      const offAxisDeg = relation[OUT_OFF_AXIS_DEG]!;
      const faces = code === FACES_AREA;
      out.push(baseCount + j, distanceM, faces, offAxisDeg, usefulnessScoreOf(distanceM, faces, offAxisDeg, camera.fovDeg, TIER_WEIGHT[camera.tier] ?? 1));
    }
  }

  memoryUsage(): CameraIndexMemory {
    const base = this.#base.byteLength(REF_BYTES);
    const idTableBytes = this.#ids.byteLength;
    const recordRefBytes = base.refs + this.#overlay.length * REF_BYTES;
    const otherBytes = this.#overlayLat.byteLength + this.#overlayLng.byteLength + this.#matches.byteLength + this.#relation.byteLength;
    const indexBytes = base.rows + base.fields + idTableBytes + recordRefBytes + otherBytes;
    return {
      cameras: this.size,
      baseCameras: this.#base.records.length - this.#base.tombstones,
      overlayCameras: this.#overlay.length,
      tombstones: this.#base.tombstones,
      rowBytes: base.rows,
      fieldBytes: base.fields,
      idTableBytes,
      recordRefBytes,
      otherBytes,
      indexBytes,
      bytesPerCamera: this.size === 0 ? 0 : indexBytes / this.size,
    };
  }

  #keyOf(code: number): string {
    const camera = this.#cameraAt(code);
    if (camera === undefined) throw new Error(`CameraIndex: id table points at empty slot ${code}`);
    return camera.id;
  }

  #cameraAt(code: number): T | undefined {
    const records = this.#base.records;
    return code < records.length ? records[code] : this.#overlay[code - records.length];
  }

  #pushOverlay(camera: T): void {
    const j = this.#overlay.length;
    if (j === this.#overlayLat.length) {
      const lat = new Float64Array(j * 2);
      const lng = new Float64Array(j * 2);
      lat.set(this.#overlayLat);
      lng.set(this.#overlayLng);
      this.#overlayLat = lat;
      this.#overlayLng = lng;
    }
    const code = this.#base.records.length + j;
    if (code > MAX_CODE) throw new RangeError(`CameraIndex holds at most ${MAX_CODE + 1} cameras`);
    this.#overlay.push(camera);
    this.#overlayLat[j] = camera.lat;
    this.#overlayLng[j] = camera.lng;
    this.#overlayMaxRangeM = Math.max(this.#overlayMaxRangeM, camera.rangeM);
    this.#ids.set(camera.id, code);
  }

  #maybeCompact(): void {
    if (!this.#autoCompact) return;
    const base = this.#base;
    if (this.#overlay.length > this.#overlayLimit || base.tombstones > Math.max(this.#overlayLimit, base.records.length / 4)) this.compact();
  }

  /**
   * Replaces every structure from `cameras`, validating them if asked (only `build` needs to, and only it can
   * meet a duplicate id). Throws on the first invalid camera, else on the first duplicate id, in input order.
   */
  #rebuild(cameras: readonly T[], validate = false): void {
    if (cameras.length > MAX_CODE + 1) throw new RangeError(`CameraIndex holds at most ${MAX_CODE + 1} cameras, got ${cameras.length}`);
    // One pass over the camera objects: a block at a time, validation and fields, then the block's ids while their
    // strings are still in cache. The id table files input indices until the slots are known, then takes the
    // slots in one pass over its buckets. After a duplicate id, the rest is only validated (an invalid camera is
    // reported first, as if all were validated before any id was filed).
    const n = cameras.length;
    const fields = allocateFields(n);
    // Room for the overlay's new cameras too (one more than its limit, which sets off the next rebuild), so that
    // none of them makes the table grow before that rebuild sizes it anew.
    const byInput = new IdTable((i) => cameras[i]!.id, n + this.#overlayLimit + 1);
    const visit = validate ? validateCamera : ignore;
    let duplicate = -1;
    for (let from = 0; from < n; from += ID_BLOCK) {
      const to = Math.min(n, from + ID_BLOCK);
      readFieldsInto(fields, cameras, from, to, visit);
      if (duplicate < 0) duplicate = byInput.addCodes(from, to);
    }
    if (duplicate >= 0) throw new RangeError(`duplicate camera id "${cameras[duplicate]!.id}"`);
    const { base, slotOfInput } = StaticCameras.build(cameras, fields);
    this.#version++;
    this.#base = base;
    this.#overlay = [];
    this.#overlayLat = new Float64Array(16);
    this.#overlayLng = new Float64Array(16);
    this.#overlayMaxRangeM = 0;
    this.#ids = byInput.recode(slotOfInput, (code) => this.#keyOf(code));
  }
}

const ignore = (): void => {};

function validateArea(a: IncidentArea): void {
  if (!(a.lat >= -90 && a.lat <= 90)) throw new RangeError(`area lat must be in [-90, 90], got ${a.lat}`);
  if (!(a.lng >= -180 && a.lng <= 180)) throw new RangeError(`area lng must be in [-180, 180], got ${a.lng}`);
  if (!(a.accuracyM >= 0 && Number.isFinite(a.accuracyM))) throw new RangeError(`area accuracyM must be a finite number ≥ 0, got ${a.accuracyM}`);
}

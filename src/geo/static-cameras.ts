// The bulk-built, immutable-shape part of the camera index: cameras in flat typed arrays, sorted into latitude
// rows and, within a row, into cells of longitude.
//
// Cameras are grouped by range class (≤16 m, ≤32 m, … doubling): a query searches each class only as far as
// that class's longest range reaches, so the many short-range doorbells near an incident are not all tested
// against a 250 m radius. Within a class, slot order is by row (a band of latitude about as tall as the class
// reaches), then by cell (a column of longitude about as wide), then by input order. A query box therefore
// becomes, per row it crosses, one contiguous run of slots, its cells' bounds read from the cell table: no tree
// to walk, and the run is read front to back.
// Each slot's latitude, longitude and range sit together in one Float64Array (24 bytes, read in order by the scan),
// its bearing and fov in another (16 bytes, read for the slots within reach only) and its tier in a byte. A query
// drops most of a run with a trig-free distance bound, then most wedges facing away with a planar facing test,
// runs the exact test on the copied fields, and never dereferences a camera object (in V8 every double field of an
// object is a separate heap number, so that would be several cache misses per candidate).
// Removals leave a tombstone (an undefined record and a NaN latitude, which no distance test passes); edits that keep
// the point and the range class are in place.

import type { CameraForIndex } from './camera-types.js';
import { BOUNDARY_TOLERANCE_M, CAM_BEARING_DEG, CAM_FOV_DEG, CAM_LAT, CAM_LNG, CAM_RANGE_M, FACES_AREA, NO_INTERSECTION, matchWedgeAt, type PreparedArea } from './fov.js';
import type { MatchBuffer } from './match-buffer.js';
import { TIER_WEIGHT, usefulnessScoreOf, type CameraTier } from './ranking.js';
import { DistanceLowerBound, EARTH_RADIUS_M, boundingBoxesAround } from './sphere.js';

/** Upper range limits of the classes, metres; a camera goes to the first class whose limit reaches its range. */
const RANGE_CLASS_LIMITS_M = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, Infinity];
/** Row height and, where memory allows, cell width, metres: the class's longest range, within these bounds. */
const MIN_CELL_M = 32;
const MAX_CELL_M = 256;
/**
 * At most one row, and one cell, per this many cameras of a class, or else one cell either side of 0° a row: the
 * row table (8 bytes a row) and the cell table (4 bytes a cell) then cost at most 2 + 2 bytes a camera, however
 * the cameras are spread.
 */
const CAMERAS_PER_ROW = 4;
const CAMERAS_PER_CELL = 4;
/**
 * Columns never get wider than 360°, so that the halves of a box split at the antimeridian (one east of 0°, one
 * west) never share a cell and no camera is visited twice.
 */
const MIN_COLS_PER_DEG = 1 / 360;
const DEG_PER_M = 180 / Math.PI / EARTH_RADIUS_M;

/** Rows for cells `cellM` tall, fewer when the class is spread thin over a wide band of latitude. */
function rowsPerDegFor(cellM: number, minLat: number, maxLat: number, count: number): number {
  const maxRows = Math.max(1, Math.floor(count / CAMERAS_PER_ROW));
  const rowsPerDeg = 1 / (cellM * DEG_PER_M);
  const spanDeg = maxLat - minLat;
  return spanDeg * rowsPerDeg > maxRows ? maxRows / spanDeg : rowsPerDeg;
}

/** How many cells of a row-and-column grid the cameras `members` would occupy (each row from its least to its greatest column). */
function occupiedCells(members: Uint32Array, place: Float64Array, minLat: number, maxLat: number, rowsPerDeg: number, colsPerDeg: number): number {
  const firstRow = Math.floor(minLat * rowsPerDeg);
  const rows = Math.floor(maxLat * rowsPerDeg) - firstRow + 1;
  const least = new Float64Array(rows).fill(Infinity);
  const greatest = new Float64Array(rows).fill(-Infinity);
  for (let s = 0; s < members.length; s++) {
    const p = 3 * members[s]!;
    const lat = place[p]!;
    const lng = place[p + 1]!;
    const r = Math.floor(lat * rowsPerDeg) - firstRow;
    if (lng < least[r]!) least[r] = lng;
    if (lng > greatest[r]!) greatest[r] = lng;
  }
  let cells = 0;
  for (let r = 0; r < rows; r++) if (least[r]! <= greatest[r]!) cells += Math.floor(greatest[r]! * colsPerDeg) - Math.floor(least[r]! * colsPerDeg) + 1;
  return cells;
}

/** `place` holds per slot, at PLACE·slot + … : */
const PLACE = 3;
const LAT = CAM_LAT;
const LNG = CAM_LNG;
const RANGE = CAM_RANGE_M;
/** `view` holds per slot, at VIEW·slot + … : */
const VIEW = 2;
const BEARING = CAM_BEARING_DEG;
const FOV = CAM_FOV_DEG;

/**
 * The scan's facing test: sine and cosine of whole degrees 0 … 360; it runs where the area lies within
 * FACING_MAX_LAT of the equator and the search reaches at most FACING_MAX_M, where the plane's bearings and
 * distances are within 0.25 % and 0.002 rad of the sphere's; FACING_SLACK_M is added to the reach besides.
 */
const SIN_DEG = Float64Array.from({ length: 361 }, (_, k) => Math.sin((k * Math.PI) / 180));
const COS_DEG = Float64Array.from({ length: 361 }, (_, k) => Math.cos((k * Math.PI) / 180));
const FACING_MAX_LAT = 70;
const FACING_MAX_M = 3000;
const FACING_SLACK_M = 1;

const TIER_CODES: readonly CameraTier[] = ['registered', 'integrated', 'city'];
const TIER_WEIGHTS = Float64Array.from(TIER_CODES, (t) => TIER_WEIGHT[t]);
const tierCode = (tier: CameraTier): number => (tier === 'registered' ? 0 : tier === 'integrated' ? 1 : 2);

interface RangeClass {
  readonly firstSlot: number;
  readonly count: number;
  readonly maxRangeM: number;
  /** A latitude's row is floor(lat × rowsPerDeg) − firstRow. */
  readonly rowsPerDeg: number;
  readonly firstRow: number;
  /** A longitude's column is floor(lng × colsPerDeg); row r's cells are columns rowFirstCol[r] onwards. */
  readonly colsPerDeg: number;
  readonly rowFirstCol: Int32Array;
  /** Row r has cells rowCell[r] … rowCell[r + 1] − 1 (none when the row is empty); one entry more than rows. */
  readonly rowCell: Uint32Array;
  /** Cell c holds slots cellStart[c] … cellStart[c + 1] − 1 (in input order); one entry more than cells. */
  readonly cellStart: Uint32Array;
}

/** A growable list of (from, to) slot pairs, reused across queries. */
class SlotRuns {
  data = new Int32Array(256);
  length = 0;

  push(from: number, to: number): void {
    if (this.length + 2 > this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = from;
    this.data[this.length++] = to;
  }
}

export class StaticCameras<T extends CameraForIndex> {
  tombstones = 0;
  readonly #slotRuns = new SlotRuns();
  /** The slots of a query's runs that pass the distance bound (see collectMatches). */
  #candidates = new Int32Array(1024);
  /** A query's numbers for the scan (see collectMatches). */
  readonly #query = new Float64Array(8);

  private constructor(
    readonly classes: readonly RangeClass[],
    /** Slot → camera; undefined marks a tombstone. */
    readonly records: (T | undefined)[],
    /** What the scan reads for every candidate: lat, lng, rangeM. */
    readonly place: Float64Array,
    /** What only the exact test reads: bearingDeg, fovDeg. */
    readonly view: Float64Array,
    readonly tier: Uint8Array,
  ) {}

  /**
   * Builds from validated cameras and their fields in input order (`readFields`), which it takes over and reorders
   * into slot order in place; slot order is a pure function of the input order. Also returns each input camera's
   * slot. Each pass is a function of its own: at start the code is cold, and a function that holds several
   * million-iteration loops is compiled on stack replacement in the first, then meets code it has never run in the
   * next and falls back to the interpreter, once for every loop.
   */
  static build<T extends CameraForIndex>(cameras: readonly T[], fields: CameraFields = readFields(cameras, ignore)): { base: StaticCameras<T>; slotOfInput: Uint32Array } {
    const n = cameras.length;
    const { place, view, tier } = fields;
    const stats = classStats(place, n);
    const { counts, maxRange, minLat, maxLat, sumLat } = stats;
    // Counting sort into class order (stable), then each class into rows (stable), then each row into cells (stable).
    const classCount = RANGE_CLASS_LIMITS_M.length;
    const firstSlots = new Int32Array(classCount);
    for (let k = 1; k < classCount; k++) firstSlots[k] = firstSlots[k - 1]! + counts[k - 1]!;
    const byClass = sortByClass(stats.classOf, firstSlots);
    const inputOfSlot = new Int32Array(n);
    const scratch = new RowScratch();
    const classes: RangeClass[] = [];
    for (let k = 0; k < classCount; k++) {
      const count = counts[k]!;
      if (count === 0) continue;
      const firstSlot = firstSlots[k]!;
      const members = byClass.subarray(firstSlot, firstSlot + count);
      const cosLat = Math.max(0.01, Math.cos((sumLat[k]! / count) * (Math.PI / 180)));
      const maxCells = Math.max(1, Math.floor(count / CAMERAS_PER_CELL));
      // Square cells as wide as the class's longest range; larger ones if that would make too many cells.
      let cellM = Math.min(MAX_CELL_M, Math.max(MIN_CELL_M, maxRange[k]!));
      const cells = occupiedCells(members, place, minLat[k]!, maxLat[k]!, rowsPerDegFor(cellM, minLat[k]!, maxLat[k]!, count), cosLat / (cellM * DEG_PER_M));
      if (cells > maxCells) cellM *= Math.sqrt(cells / maxCells);
      const rowsPerDeg = rowsPerDegFor(cellM, minLat[k]!, maxLat[k]!, count);
      const firstRow = Math.floor(minLat[k]! * rowsPerDeg);
      const rowCount = Math.floor(maxLat[k]! * rowsPerDeg) - firstRow + 1;
      const { rowStart, rowMinLng, rowMaxLng } = sortIntoRows(members, place, rowsPerDeg, firstRow, rowCount, firstSlot, inputOfSlot);
      const { nonEmptyRows, sumSpanDeg } = rowSpans(rowStart, rowCount, rowMinLng, rowMaxLng);
      // Square at the class's mean latitude, unless that still makes too many: then wider (down to one a row).
      let colsPerDeg = cosLat / (cellM * DEG_PER_M);
      if (sumSpanDeg * colsPerDeg + nonEmptyRows > maxCells) colsPerDeg = Math.max(MIN_COLS_PER_DEG, (maxCells - 2 * nonEmptyRows) / sumSpanDeg);
      let cellCount = cellsFor(colsPerDeg, rowStart, rowCount, rowMinLng, rowMaxLng);
      while (cellCount > maxCells && colsPerDeg > MIN_COLS_PER_DEG) {
        colsPerDeg = Math.max(MIN_COLS_PER_DEG, colsPerDeg / 2);
        cellCount = cellsFor(colsPerDeg, rowStart, rowCount, rowMinLng, rowMaxLng);
      }
      const rowFirstCol = new Int32Array(rowCount);
      const rowCell = new Uint32Array(rowCount + 1);
      const cellStart = new Uint32Array(cellCount + 1);
      layCells(colsPerDeg, rowStart, rowCount, rowMinLng, rowMaxLng, place, inputOfSlot, rowFirstCol, rowCell, cellStart, scratch);
      cellStart[cellCount] = firstSlot + count;
      classes.push({ firstSlot, count, maxRangeM: maxRange[k]!, rowsPerDeg, firstRow, colsPerDeg, rowFirstCol, rowCell, cellStart });
    }
    // The class-order list is done with; its memory takes each input camera's slot.
    const slotOfInput = byClass;
    for (let s = 0; s < n; s++) slotOfInput[inputOfSlot[s]!] = s;
    const records = gatherRecords(cameras, inputOfSlot);
    permuteFields(place, view, tier, inputOfSlot);
    return { base: new StaticCameras<T>(classes, records, place, view, tier), slotOfInput };
  }

  get maxRangeM(): number {
    let max = 0;
    for (const c of this.classes) max = Math.max(max, c.maxRangeM);
    return max;
  }

  /** Replaces the camera in its slot if it has not moved and its range stays within its class; else returns false. */
  replaceInPlace(slot: number, camera: T): boolean {
    const old = this.records[slot];
    if (old === undefined || old.lat !== camera.lat || old.lng !== camera.lng || camera.rangeM > this.#classOf(slot).maxRangeM) return false;
    this.records[slot] = camera;
    this.#copyFields(slot, camera);
    return true;
  }

  remove(slot: number): void {
    if (this.records[slot] === undefined) return;
    this.records[slot] = undefined;
    this.place[PLACE * slot + LAT] = Number.NaN;
    this.tombstones++;
  }

  /**
   * Adds every live camera that passes the exact match to `out`, its slot as its code. `bound` must cover
   * the largest class's boxes; `relation` is scratch for the exact test.
   */
  collectMatches(area: PreparedArea, searchRadiusM: number, bound: DistanceLowerBound, out: MatchBuffer, relation: Float64Array): void {
    const slackM = area.accuracyM + BOUNDARY_TOLERANCE_M;
    const { place, view, tier, records } = this;
    // First every run of slots the query boxes cover, then a touch of the first cache lines of each run, then
    // the scan. The touches are independent loads, so the processor fetches those lines all at once instead of
    // stalling on each in turn between stretches of trigonometry; once a run is being read, the hardware
    // prefetcher keeps ahead of it.
    const runs = this.#runs(area, searchRadiusM, slackM);
    let touched = 0;
    for (let k = 0; k < runs.length; k += 2) {
      const from = runs.data[k]!;
      const to = Math.min(runs.data[k + 1]!, from + 8);
      for (let s = from; s < to; s += 2) touched += place[PLACE * s]!;
      for (let s = from; s < to; s += 4) touched += view[VIEW * s]!;
      touched += tier[from]!;
    }
    if (touched === -1) return; // never: keeps the touches from being optimised away
    // `bound.flatSq(lat, lng) <= bound.limitSq(min(rangeM, searchRadiusM) + slackM)`, written out over locals: in
    // the loop, every field of an object, and every module constant, is a load and a check, at thousands of slots
    // a query. Held in a Float64Array, the query's numbers stay raw doubles (a field or parameter may be a small
    // integer, and mixing the two makes the compiler box numbers inside the loop).
    const q = this.#query;
    q[0] = bound.lat0;
    q[1] = bound.lng0;
    q[2] = bound.cosMinSq;
    q[3] = DistanceLowerBound.LIMIT_SCALE;
    q[4] = slackM + 1e-6;
    q[5] = searchRadiusM;
    q[6] = area.cosLat;
    // The facing test below (see there) holds where the plane is a close enough map of the sphere; elsewhere its
    // reach is one that every camera is within.
    q[7] = Math.abs(bound.lat0) <= FACING_MAX_LAT && searchRadiusM + slackM <= FACING_MAX_M ? (slackM + FACING_SLACK_M) * DEG_PER_M : Infinity;
    const lat0 = q[0]!;
    const lng0 = q[1]!;
    const cosMinSq = q[2]!;
    const limitScale = q[3]!;
    const slackLimitM = q[4]!;
    const radiusM = q[5]!;
    const cosLat0 = q[6]!;
    const facingReachDeg = q[7]!;
    const sinDeg = SIN_DEG;
    const cosDeg = COS_DEG;
    const areaFields = area.fields;
    const runData = runs.data;
    const runEnd = runs.length;
    // First the distance bound over every slot of the runs, keeping the slots that pass: written without a branch
    // (the comparison's 0 or 1 moves the end of the list on), because its outcome is a coin toss no predictor gets
    // right, and a mispredicted branch on every third slot cost more than the slot's arithmetic.
    let total = 0;
    for (let k = 0; k < runEnd; k += 2) total += runData[k + 1]! - runData[k]!;
    if (total > this.#candidates.length) this.#candidates = new Int32Array(Math.max(total, 2 * this.#candidates.length));
    const candidates = this.#candidates;
    let m = 0;
    for (let k = 0; k < runEnd; k += 2) {
      const to = runData[k + 1]!;
      // Literal offsets (PLACE = 3: LAT, LNG, RANGE; VIEW = 2: BEARING, FOV) for the same reason.
      for (let s = runData[k]!, p = 3 * s; s < to; s++, p += 3) {
        const dLat = place[p]! - lat0;
        let dLng = Math.abs(place[p + 1]! - lng0);
        const rangeM = place[p + 2]!;
        if (dLng > 180) dLng = 360 - dLng;
        const limitM = (rangeM < radiusM ? rangeM : radiusM) + slackLimitM;
        candidates[m] = s;
        // A tombstone's NaN latitude fails it too: the scan never reads the records.
        m += +(dLat * dLat + cosMinSq * dLng * dLng <= limitM * limitM * limitScale);
      }
    }
    // Then, for each of those, the facing test and the exact test.
    for (let j = 0; j < m; j++) {
      const s = candidates[j]!;
      const p = 3 * s;
      const fovDeg = view[2 * s + 1]!;
      if (fovDeg < 360) {
        // A wedge facing away from the area: on the plane about the area's centre (degrees of arc), the centre is
        // w = (we, wn) from the camera, at angle α from the axis; the wedge's half-angle h. The disc can meet the
        // wedge only if w is within the reach of the cone of half-angle h, and |w × axis|·cos h − (w · axis)·sin h
        // = |w|·sin(α − h) is never more than that distance. The axis is the bearing's whole degree below and h is
        // rounded up to a whole degree, from a table: the margin of 0.025 × (|we| + |wn|) ≥ |w| × (a degree, and
        // what the plane gets wrong here) covers both. Whatever this rejects, the exact test would reject too; it
        // costs a few multiplications.
        let e = place[p + 1]! - lng0;
        if (e > 180) e -= 360;
        else if (e < -180) e += 360;
        const we = -e * cosLat0;
        const wn = lat0 - place[p]!;
        const b = view[2 * s]! | 0;
        const h = Math.ceil(fovDeg * 0.5);
        const sinB = sinDeg[b]!;
        const cosB = cosDeg[b]!;
        const dot = we * sinB + wn * cosB;
        const cross = Math.abs(we * cosB - wn * sinB);
        if (cross * cosDeg[h]! - dot * sinDeg[h]! > facingReachDeg + 0.025 * (Math.abs(we) + Math.abs(wn))) continue;
      }
      const code = matchWedgeAt(place, p, view, 2 * s, areaFields, radiusM, relation);
      // A match's record is read when the answer is built; asking for it now lets its cache miss overlap the scan.
      if (code === NO_INTERSECTION || records[s] === undefined) continue;
      const distanceM = relation[0]!; // OUT_DISTANCE_M
      const offAxisDeg = relation[1]!; // OUT_OFF_AXIS_DEG
      const faces = code === FACES_AREA;
      out.push(s, distanceM, faces, offAxisDeg, usefulnessScoreOf(distanceM, faces, offAxisDeg, view[2 * s + 1]!, TIER_WEIGHTS[tier[s]!]!));
    }
  }

  /** The runs of slots (from, to pairs) in the cells that each class's box around the area covers. */
  #runs(area: PreparedArea, searchRadiusM: number, slackM: number): SlotRuns {
    const runs = this.#slotRuns;
    runs.length = 0;
    for (const cls of this.classes) {
      const { rowsPerDeg, firstRow, colsPerDeg, rowFirstCol, rowCell, cellStart } = cls;
      const lastRow = rowFirstCol.length - 1;
      for (const box of boundingBoxesAround(area, Math.min(searchRadiusM, cls.maxRangeM) + slackM)) {
        const r0 = Math.max(0, Math.floor(box.minLat * rowsPerDeg) - firstRow);
        const r1 = Math.min(lastRow, Math.floor(box.maxLat * rowsPerDeg) - firstRow);
        const col0 = Math.floor(box.minLng * colsPerDeg);
        const col1 = Math.floor(box.maxLng * colsPerDeg);
        for (let r = r0; r <= r1; r++) {
          const firstCell = rowCell[r]!;
          const cells = rowCell[r + 1]! - firstCell;
          const c0 = Math.max(0, col0 - rowFirstCol[r]!);
          const c1 = Math.min(cells - 1, col1 - rowFirstCol[r]!);
          if (c0 > c1) continue;
          const from = cellStart[firstCell + c0]!;
          const to = cellStart[firstCell + c1 + 1]!;
          if (from < to) runs.push(from, to);
        }
      }
    }
    return runs;
  }

  /** Bytes held beyond the camera objects, with `refBytes` per record reference. */
  byteLength(refBytes: number): { rows: number; fields: number; refs: number } {
    let rows = 0;
    for (const c of this.classes) rows += c.rowFirstCol.byteLength + c.rowCell.byteLength + c.cellStart.byteLength;
    const fields = this.place.byteLength + this.view.byteLength + this.tier.byteLength;
    return { rows, fields, refs: this.records.length * refBytes };
  }

  #copyFields(slot: number, c: T): void {
    const p = PLACE * slot;
    this.place[p + LAT] = c.lat;
    this.place[p + LNG] = c.lng;
    this.place[p + RANGE] = c.rangeM;
    const v = VIEW * slot;
    this.view[v + BEARING] = c.bearingDeg;
    this.view[v + FOV] = c.fovDeg;
    this.tier[slot] = tierCode(c.tier);
  }

  #classOf(slot: number): RangeClass {
    for (const c of this.classes) if (slot < c.firstSlot + c.count) return c;
    throw new Error(`StaticCameras: slot ${slot} is in no range class`);
  }
}

/** The cameras' fields as the base holds them (see StaticCameras), in input order until `StaticCameras.build` reorders them. */
export interface CameraFields {
  readonly place: Float64Array;
  readonly view: Float64Array;
  readonly tier: Uint8Array;
}

const ignore = (): void => {};

/**
 * Copies every camera's fields into the arrays the base will hold, input camera i at slot i, after `visit` has seen
 * it (the index validates it there): read in the order the camera objects were allocated, and no temporary copies
 * of the fields.
 */
export function readFields<T extends CameraForIndex>(cameras: readonly T[], visit: (camera: T, i: number) => void): CameraFields {
  const fields = allocateFields(cameras.length);
  readFieldsInto(fields, cameras, 0, cameras.length, visit);
  return fields;
}

export function allocateFields(n: number): CameraFields {
  return { place: new Float64Array(PLACE * n), view: new Float64Array(VIEW * n), tier: new Uint8Array(n) };
}

/** `readFields` for the cameras from … to − 1, into arrays from `allocateFields`. */
export function readFieldsInto<T extends CameraForIndex>(fields: CameraFields, cameras: readonly T[], from: number, to: number, visit: (camera: T, i: number) => void): void {
  const { place, view, tier } = fields;
  for (let i = from; i < to; i++) {
    const c = cameras[i]!;
    visit(c, i);
    place[3 * i] = c.lat;
    place[3 * i + 1] = c.lng;
    place[3 * i + 2] = c.rangeM;
    view[2 * i] = c.bearingDeg;
    view[2 * i + 1] = c.fovDeg;
    tier[i] = tierCode(c.tier);
  }
}

/** Each camera's range class, and per class its count, longest range, latitude bounds and latitude sum (in input order). */
function classStats(place: Float64Array, n: number) {
  const classCount = RANGE_CLASS_LIMITS_M.length;
  const classOf = new Uint8Array(n);
  const counts = new Int32Array(classCount);
  const maxRange = new Float64Array(classCount);
  const minLat = new Float64Array(classCount).fill(Infinity);
  const maxLat = new Float64Array(classCount).fill(-Infinity);
  const sumLat = new Float64Array(classCount);
  for (let i = 0; i < n; i++) {
    const lat = place[3 * i]!;
    const r = place[3 * i + 2]!;
    let k = 0;
    while (r > RANGE_CLASS_LIMITS_M[k]!) k++;
    classOf[i] = k;
    counts[k]!++;
    if (r > maxRange[k]!) maxRange[k] = r;
    if (lat < minLat[k]!) minLat[k] = lat;
    if (lat > maxLat[k]!) maxLat[k] = lat;
    sumLat[k]! += lat;
  }
  return { classOf, counts, maxRange, minLat, maxLat, sumLat };
}

/** The input indices in class order, stable (a counting sort from each class's first slot). */
function sortByClass(classOf: Uint8Array, firstSlots: Int32Array): Uint32Array {
  const next = firstSlots.slice();
  const byClass = new Uint32Array(classOf.length);
  for (let i = 0; i < classOf.length; i++) byClass[next[classOf[i]!]!++] = i;
  return byClass;
}

/**
 * Puts a class's members into inputOfSlot by row, stable (a counting sort); returns where each row starts (slots,
 * one entry more than rows) and each row's least and greatest longitude.
 */
function sortIntoRows(members: Uint32Array, place: Float64Array, rowsPerDeg: number, firstRow: number, rowCount: number, firstSlot: number, inputOfSlot: Int32Array) {
  const count = members.length;
  const rowStart = new Uint32Array(rowCount + 1);
  const rowMinLng = new Float64Array(rowCount).fill(Infinity);
  const rowMaxLng = new Float64Array(rowCount).fill(-Infinity);
  for (let s = 0; s < count; s++) rowStart[Math.floor(place[3 * members[s]!]! * rowsPerDeg) - firstRow + 1]!++;
  for (let r = 0; r < rowCount; r++) rowStart[r + 1]! += rowStart[r]!;
  for (let r = 0; r <= rowCount; r++) rowStart[r]! += firstSlot;
  const fill = rowStart.slice(0, rowCount);
  for (let s = 0; s < count; s++) {
    const i = members[s]!;
    const r = Math.floor(place[3 * i]! * rowsPerDeg) - firstRow;
    const lng = place[3 * i + 1]!;
    inputOfSlot[fill[r]!++] = i;
    if (lng < rowMinLng[r]!) rowMinLng[r] = lng;
    if (lng > rowMaxLng[r]!) rowMaxLng[r] = lng;
  }
  return { rowStart, rowMinLng, rowMaxLng };
}

/** How many rows hold cameras, and the sum of their longitude spans (in row order). */
function rowSpans(rowStart: Uint32Array, rowCount: number, rowMinLng: Float64Array, rowMaxLng: Float64Array): { nonEmptyRows: number; sumSpanDeg: number } {
  let nonEmptyRows = 0;
  let sumSpanDeg = 0;
  for (let r = 0; r < rowCount; r++) {
    if (rowStart[r + 1] === rowStart[r]) continue;
    nonEmptyRows++;
    sumSpanDeg += rowMaxLng[r]! - rowMinLng[r]!;
  }
  return { nonEmptyRows, sumSpanDeg };
}

/** How many cells the rows make at `colsPerDeg` (each row from its least longitude's column to its greatest's). */
function cellsFor(colsPerDeg: number, rowStart: Uint32Array, rowCount: number, rowMinLng: Float64Array, rowMaxLng: Float64Array): number {
  let cells = 0;
  for (let r = 0; r < rowCount; r++) {
    if (rowStart[r + 1]! > rowStart[r]!) cells += Math.floor(rowMaxLng[r]! * colsPerDeg) - Math.floor(rowMinLng[r]! * colsPerDeg) + 1;
  }
  return cells;
}

/** Per-row work arrays, grown to the longest row and the most cells in a row. */
class RowScratch {
  payload = new Int32Array(64);
  column = new Int32Array(64);
  next = new Uint32Array(64);

  reserve(slots: number, cells: number): void {
    if (slots > this.payload.length) {
      this.payload = new Int32Array(Math.max(slots, 2 * this.payload.length));
      this.column = new Int32Array(this.payload.length);
    }
    if (cells > this.next.length) this.next = new Uint32Array(Math.max(cells, 2 * this.next.length));
  }
}

/**
 * Orders each row's slots by column (a counting sort, stable, so by input order within a cell) and fills the row
 * and cell tables of a class (all but the closing entry of `cellStart`). A query reads whole cells, so nothing
 * needs a finer order, and the counts are the cell table.
 */
function layCells(colsPerDeg: number, rowStart: Uint32Array, rowCount: number, rowMinLng: Float64Array, rowMaxLng: Float64Array, place: Float64Array, inputOfSlot: Int32Array, rowFirstCol: Int32Array, rowCell: Uint32Array, cellStart: Uint32Array, scratch: RowScratch): void {
  let cell = 0;
  for (let r = 0; r < rowCount; r++) {
    rowCell[r] = cell;
    const a = rowStart[r]!;
    const b = rowStart[r + 1]!;
    if (b === a) continue;
    const firstCol = Math.floor(rowMinLng[r]! * colsPerDeg);
    const cells = Math.floor(rowMaxLng[r]! * colsPerDeg) - firstCol + 1;
    rowFirstCol[r] = firstCol;
    scratch.reserve(b - a, cells);
    const { payload, column, next } = scratch;
    // Count each column into the entry after it, then sum: cell j starts after the row's slots in columns < j.
    cellStart.fill(0, cell, cell + cells + 1);
    for (let t = 0; t < b - a; t++) {
      const i = inputOfSlot[a + t]!;
      const col = Math.floor(place[3 * i + 1]! * colsPerDeg) - firstCol;
      payload[t] = i;
      column[t] = col;
      cellStart[cell + col + 1]!++;
    }
    cellStart[cell] = a;
    for (let j = 1; j <= cells; j++) cellStart[cell + j]! += cellStart[cell + j - 1]!;
    for (let j = 0; j < cells; j++) next[j] = cellStart[cell + j]!;
    for (let t = 0; t < b - a; t++) inputOfSlot[next[column[t]!]!++] = payload[t]!;
    cell += cells;
  }
  rowCell[rowCount] = cell;
}

function gatherRecords<T>(cameras: readonly T[], inputOfSlot: Int32Array): (T | undefined)[] {
  const n = cameras.length;
  const records = new Array<T | undefined>(n).fill(undefined);
  for (let s = 0; s < n; s++) records[s] = cameras[inputOfSlot[s]!];
  return records;
}

/**
 * Moves every camera's fields from its input index to its slot, in place, one cycle of the permutation at a time;
 * `inputOfSlot` is used up (each slot done is marked by pointing at itself).
 */
function permuteFields(place: Float64Array, view: Float64Array, tier: Uint8Array, inputOfSlot: Int32Array): void {
  for (let start = 0; start < inputOfSlot.length; start++) {
    let i = inputOfSlot[start]!;
    if (i === start) continue;
    const lat = place[3 * start]!;
    const lng = place[3 * start + 1]!;
    const range = place[3 * start + 2]!;
    const bearing = view[2 * start]!;
    const fov = view[2 * start + 1]!;
    const t = tier[start]!;
    let s = start;
    while (i !== start) {
      place[3 * s] = place[3 * i]!;
      place[3 * s + 1] = place[3 * i + 1]!;
      place[3 * s + 2] = place[3 * i + 2]!;
      view[2 * s] = view[2 * i]!;
      view[2 * s + 1] = view[2 * i + 1]!;
      tier[s] = tier[i]!;
      inputOfSlot[s] = s;
      s = i;
      i = inputOfSlot[s]!;
    }
    place[3 * s] = lat;
    place[3 * s + 1] = lng;
    place[3 * s + 2] = range;
    view[2 * s] = bearing;
    view[2 * s + 1] = fov;
    tier[s] = t;
    inputOfSlot[s] = s;
  }
}

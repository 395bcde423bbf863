/**
 * A tolerant reader for the PIDF-LO (RFC 4119 / 5491, civic RFC 5139) strings that EIDO carries in
 * `locationByValue`. No XML library is installed, and PIDF-LO is a handful of well-known leaf elements, so
 * this matches elements by local name with regular expressions: any namespace prefix (or none), any
 * whitespace, attributes in any order. It does not validate XML; real senders produce slightly broken XML
 * (the NENA 2020 sample has a tag without its `>`), and a location we can read beats a perfect rejection.
 */

export interface PidfPoint {
  lat: number;
  lng: number;
  accuracyM: number; // 0 when the shape is a bare Point: the sender gave no uncertainty
  shape: string; // GML / GeoShape element name: Point, Circle, Ellipse …
}

export interface PidfLocation {
  point: PidfPoint | null;
  civic: Record<string, string> | null; // civicAddress leaf elements by local name (HNO, RD, A3 …)
  address: string | null; // the civic address as one line of text
  problems: string[]; // shapes present but not used, with the reason
}

const NAME = '(?:[\\w.-]+:)?'; // an optional namespace prefix
const SHAPES = ['Point', 'Circle', 'Sphere', 'Ellipse', 'Ellipsoid', 'Polygon', 'ArcBand', 'Prism'] as const;
const METRES_UOM = 'EPSG::9001';
const WGS84_CRS = /EPSG::?(4326|4979)\b/;
// A PIDF-LO is a few kilobytes. The limits keep a hostile payload from turning the regular expressions below
// into seconds of CPU: every pattern is linear in the text it scans, and at most MAX_SHAPES shapes are scanned.
export const MAX_PIDF_CHARS = 256 * 1024;
const MAX_SHAPES = 8;

export function parsePidfLo(xml: string): PidfLocation {
  const raw = String(xml);
  if (raw.length > MAX_PIDF_CHARS) {
    return { point: null, civic: null, address: null, problems: [`larger than ${MAX_PIDF_CHARS} characters: not read`] };
  }
  const text = stripComments(raw);
  const problems: string[] = [];
  const civic = readCivic(text);
  return { point: readShape(text, problems), civic, address: civic ? formatCivicAddress(civic) : null, problems };
}

/** Removes `<!-- … -->`; an unclosed comment runs to the end, as in XML. */
function stripComments(text: string): string {
  let out = '';
  let from = 0;
  for (let open = text.indexOf('<!--'); open !== -1; open = text.indexOf('<!--', from)) {
    out += `${text.slice(from, open)} `;
    const close = text.indexOf('-->', open + 4);
    if (close === -1) return out;
    from = close + 3;
  }
  return out + text.slice(from);
}

/** The text from `start` up to the closing tag of `name` (any prefix), or to the end when it is never closed. */
function bodyUntilClose(text: string, start: number, name: string): string {
  const close = new RegExp(`</${NAME}${name}\\s*>`, 'g');
  close.lastIndex = start;
  const m = close.exec(text);
  return text.slice(start, m ? m.index : text.length);
}

/** The first geodetic shape in the document that yields a point. */
function readShape(text: string, problems: string[]): PidfPoint | null {
  const open = new RegExp(`<${NAME}(${SHAPES.join('|')})(?:\\s([^<>]*))?>`, 'g');
  let tried = 0;
  for (const m of text.matchAll(open)) {
    if (++tried > MAX_SHAPES) {
      problems.push(`more than ${MAX_SHAPES} shapes: the rest not read`);
      break;
    }
    const [whole, shape = '', attributes = ''] = m;
    const body = bodyUntilClose(text, (m.index ?? 0) + whole.length, shape);
    const srs = attribute(attributes, 'srsName');
    if (srs !== null && !WGS84_CRS.test(srs)) {
      problems.push(`${shape}: coordinate system ${srs} is not WGS84 (EPSG:4326/4979)`);
      continue;
    }
    if (shape === 'ArcBand' || shape === 'Prism') {
      problems.push(`${shape}: shape not supported`);
      continue;
    }
    const before = problems.length;
    const point = shape === 'Polygon' ? readPolygon(body) : readPointShape(shape, body, problems);
    if (point) return point;
    if (problems.length === before) problems.push(`${shape}: no usable position`);
  }
  return null;
}

function readPointShape(shape: string, body: string, problems: string[]): PidfPoint | null {
  const pos = leaf(body, 'pos');
  const coords = pos === null ? [] : numbers(pos.text);
  const [lat, lng] = coords;
  if (lat === undefined || lng === undefined || Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
  if (shape === 'Point') return { lat, lng, accuracyM: 0, shape };
  // Circles and spheres say their uncertainty with a radius; ellipses with two axes, of which the larger
  // bounds the area the caller can be in.
  const measure = leaf(body, shape === 'Circle' || shape === 'Sphere' ? 'radius' : 'semiMajorAxis');
  const value = measure === null ? undefined : numbers(measure.text)[0];
  if (measure === null || value === undefined || value < 0) {
    problems.push(`${shape}: no usable ${shape === 'Circle' || shape === 'Sphere' ? 'radius' : 'semiMajorAxis'}`);
    return null;
  }
  const uom = attribute(measure.attributes, 'uom');
  if (uom !== null && !uom.includes(METRES_UOM)) {
    problems.push(`${shape}: uncertainty in unit ${uom}, not metres`);
    return null;
  }
  return { lat, lng, accuracyM: value, shape };
}

/** A polygon becomes its vertex centroid with the distance to its farthest vertex as the accuracy. */
function readPolygon(body: string): PidfPoint | null {
  const list = leaf(body, 'posList');
  // posList for EPSG:4326 is lat lon pairs (RFC 5491 polygons are 2D); separate pos elements may carry an altitude.
  const flat = list
    ? numbers(list.text)
    : [...body.matchAll(leafPattern('pos'))].flatMap((m) => numbers(m[2] ?? '').slice(0, 2));
  const vertices: Array<[number, number]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) vertices.push([flat[i] as number, flat[i + 1] as number]);
  // A GML ring repeats its first vertex at the end; counting it twice would pull the centroid towards it.
  const [first, last] = [vertices[0], vertices[vertices.length - 1]];
  if (vertices.length > 1 && first && last && first[0] === last[0] && first[1] === last[1]) vertices.pop();
  if (vertices.length < 3 || vertices.some(([lat, lng]) => Math.abs(lat) > 90 || Math.abs(lng) > 180)) return null;
  const lat = vertices.reduce((s, v) => s + v[0], 0) / vertices.length;
  const lng = vertices.reduce((s, v) => s + v[1], 0) / vertices.length;
  const metresPerDeg = 111_320;
  const lngScale = metresPerDeg * Math.cos((lat * Math.PI) / 180);
  // A loop, not Math.max(...): a posList of 100k vertices would overflow the argument stack.
  const farthest = vertices.reduce(
    (max, [vLat, vLng]) => Math.max(max, Math.hypot((vLat - lat) * metresPerDeg, (vLng - lng) * lngScale)),
    0,
  );
  return { lat, lng, accuracyM: farthest, shape: 'Polygon' };
}

function readCivic(text: string): Record<string, string> | null {
  const open = new RegExp(`<${NAME}civicAddress(?:\\s[^<>]*)?>`).exec(text);
  if (!open) return null;
  const body = bodyUntilClose(text, open.index + open[0].length, 'civicAddress');
  const fields: Record<string, string> = {};
  const leaves = /<(?:[\w.-]+:)?([\w.-]+)(?:\s[^<>]*)?>([^<]*)<\/(?:[\w.-]+:)?\1\s*>/g;
  for (const [, name = '', value = ''] of body.matchAll(leaves)) {
    const clean = decodeEntities(value).replace(/\s+/g, ' ').trim();
    if (clean !== '' && fields[name] === undefined) fields[name] = clean;
  }
  return Object.keys(fields).length > 0 ? fields : null;
}

/**
 * One line in US order: "42 W Cellular Street Apt 4, Wilmington, DE 19801". RFC 5139 field names: HNO/HNS house
 * number and suffix, PRD/PRM pre-directional/modifier, RD road (A6 in older senders), STS street suffix,
 * POD/POM post-directional/modifier, LOC unit, A3 city, A1 state, PC postal code. NAM (a landmark) is used when
 * there is no street at all.
 */
export function formatCivicAddress(civic: Readonly<Record<string, string>>): string | null {
  const join = (parts: Array<string | undefined>, sep: string): string => parts.filter((p) => p).join(sep);
  const street = join(
    [join([civic.HNO, civic.HNS], ''), civic.PRD, civic.PRM, civic.RD ?? civic.A6, civic.STS, civic.POD, civic.POM],
    ' ',
  );
  const line = join([street || civic.NAM, civic.LOC], ' ');
  const address = join([line, civic.A3, join([civic.A1, civic.PC], ' ')], ', ');
  return address === '' ? null : address;
}

function leafPattern(name: string): RegExp {
  // The attribute part stops at `<` too, so a tag missing its `>` cannot swallow the next element.
  return new RegExp(`<${NAME}${name}(?:\\s([^<>]*))?(?:>([^<]*))?</${NAME}${name}\\s*>`, 'g');
}

function leaf(body: string, name: string): { attributes: string; text: string } | null {
  const m = leafPattern(name).exec(body);
  return m ? { attributes: m[1] ?? '', text: decodeEntities(m[2] ?? '') } : null;
}

function attribute(attributes: string, name: string): string | null {
  const m = new RegExp(`(?:^|\\s)(?:[\\w.-]+:)?${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attributes);
  return m ? decodeEntities(m[1] ?? m[2] ?? '') : null;
}

/** Whitespace- (or comma-) separated numbers; one token that is not a number spoils the lot. */
function numbers(text: string): number[] {
  const values = text
    .trim()
    .split(/[\s,]+/)
    .filter((s) => s !== '')
    .map(Number);
  return values.every((n) => Number.isFinite(n)) ? values : [];
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (whole, code: string) => {
    if (code.startsWith('#')) {
      const n = code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
      return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : whole;
    }
    return named[code.toLowerCase()] ?? whole;
  });
}

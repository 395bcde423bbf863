/**
 * NAD83 / Maryland State Plane (EPSG:26985, metres) → latitude/longitude, the projection DC publishes its
 * XBLOCK/YBLOCK in. Lambert Conformal Conic with two standard parallels, inverted as in IOGP Guidance Note 7-2
 * §3.2.1.1 (method EPSG:9802). Written here because it is ~40 lines and proj4 is not a dependency.
 *
 * NAD83 and WGS84 differ by about a metre in DC; that is far inside the 100 m block accuracy the data carries,
 * so the result is used as WGS84 without a datum shift.
 */

// GRS80 ellipsoid.
const A = 6_378_137;
const F = 1 / 298.257222101;
const E2 = F * (2 - F);
const E = Math.sqrt(E2);

const RAD = Math.PI / 180;
// EPSG:26985 parameters: standard parallels 39°27′ and 38°18′, origin 37°40′N 77°W, false easting 400 km.
const LAT_1 = 39.45 * RAD;
const LAT_2 = 38.3 * RAD;
const LAT_0 = (37 + 40 / 60) * RAD;
const LON_0 = -77 * RAD;
const X_0 = 400_000;
const Y_0 = 0;

const m = (phi: number): number => Math.cos(phi) / Math.sqrt(1 - E2 * Math.sin(phi) ** 2);
const t = (phi: number): number =>
  Math.tan(Math.PI / 4 - phi / 2) / ((1 - E * Math.sin(phi)) / (1 + E * Math.sin(phi))) ** (E / 2);

const N = (Math.log(m(LAT_1)) - Math.log(m(LAT_2))) / (Math.log(t(LAT_1)) - Math.log(t(LAT_2)));
const AF = (A * m(LAT_1)) / (N * t(LAT_1) ** N); // a·F in the guidance note
const R_0 = AF * t(LAT_0) ** N;

/** Easting/northing in metres (EPSG:26985) → { lat, lng } in degrees; null for input that is not finite. */
export function marylandStatePlaneToLatLng(eastingM: number, northingM: number): { lat: number; lng: number } | null {
  if (!Number.isFinite(eastingM) || !Number.isFinite(northingM)) return null;
  const dx = eastingM - X_0;
  const dy = R_0 - (northingM - Y_0);
  const r = Math.sign(N) * Math.hypot(dx, dy);
  const tPrime = (r / AF) ** (1 / N);
  const theta = Math.atan2(dx, dy);
  // φ appears on both sides of the inverse; fixed-point iteration converges to 1e-12 rad in a handful of steps.
  let phi = Math.PI / 2 - 2 * Math.atan(tPrime);
  for (let i = 0; i < 15; i++) {
    const s = E * Math.sin(phi);
    const next = Math.PI / 2 - 2 * Math.atan(tPrime * ((1 - s) / (1 + s)) ** (E / 2));
    const converged = Math.abs(next - phi) < 1e-12;
    phi = next;
    if (converged) break;
  }
  const lat = phi / RAD;
  const lng = (theta / N + LON_0) / RAD;
  return Number.isFinite(lat) && Number.isFinite(lng) ? { lat, lng } : null;
}

/** The forward projection, kept for round-trip tests and for exporting to the city's GIS. */
export function latLngToMarylandStatePlane(lat: number, lng: number): { eastingM: number; northingM: number } {
  const r = AF * t(lat * RAD) ** N;
  const theta = N * (lng * RAD - LON_0);
  return { eastingM: X_0 + r * Math.sin(theta), northingM: Y_0 + R_0 - r * Math.cos(theta) };
}

/**
 * Chooses the incident's point and address among an EIDO's location components. A call transfer typically
 * carries a routing location (civic, from the carrier), a caller location (often only by reference) and,
 * once a call-taker has verified it, the incident location; the incident's own location is preferred.
 */
import { describeType, field } from './common.js';
import { parsePidfLo, type PidfLocation } from './pidf-lo.js';

type Json = Record<string, unknown>;

export interface EidoPlace {
  point: { lat: number; lng: number; accuracyM: number } | null;
  address: string | null;
}

/** Lower ranks first; the registry text is free enough in practice ("Incident", "IncidentLocation") to match loosely. */
function rank(locationType: string): number {
  const t = locationType.toLowerCase();
  if (t.includes('incident')) return 0;
  if (t.includes('caller')) return 1;
  return 2;
}

export function readEidoLocation(
  locations: Array<{ path: string; component: Json }>,
  errors: string[],
  ignored: string[],
  details: Json,
): EidoPlace {
  const read: Array<{ path: string; type: string; pidf: PidfLocation }> = [];
  for (const { path, component } of locations) {
    const type = field(component, 'locationTypeDescriptionRegistryText');
    const byValue = field(component, 'locationByValue');
    const byReference = field(component, 'locationByReferenceUrl');
    if (byValue !== undefined && byValue !== null && typeof byValue !== 'string') {
      errors.push(`${path}.locationByValue: expected a PIDF-LO string, got ${describeType(byValue)}`);
      continue;
    }
    // Dereferencing is a network call to a location server: the intake path does not make it, and says so.
    if (typeof byReference === 'string' && byReference.trim() !== '') {
      ignored.push(`${path}.locationByReferenceUrl (not dereferenced)`);
    }
    if (typeof byValue !== 'string' || byValue.trim() === '') continue;
    const pidf = parsePidfLo(byValue);
    for (const problem of pidf.problems) ignored.push(`${path}.locationByValue: ${problem}`);
    read.push({ path, type: typeof type === 'string' ? type : '', pidf });
  }
  const ordered = [...read].sort((a, b) => rank(a.type) - rank(b.type)); // stable: document order within a rank
  const withPoint = ordered.find((l) => l.pidf.point !== null);
  const withAddress = ordered.find((l) => l.pidf.address !== null);
  for (const l of read) {
    if (l !== withPoint && l !== withAddress) ignored.push(`${l.path} (another location was preferred)`);
  }
  const point = withPoint?.pidf.point ?? null;
  if (withPoint && point) {
    details.locationShape = point.shape;
    details.locationType = withPoint.type || null;
    if (point.shape === 'Point') details.locationUncertainty = 'not given by the sender';
  }
  if (withAddress) details.addressLocationType = withAddress.type || null;
  return {
    point: point ? { lat: point.lat, lng: point.lng, accuracyM: point.accuracyM } : null,
    address: withAddress?.pidf.address ?? null,
  };
}

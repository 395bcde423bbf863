// Address search through a Nominatim-compatible endpoint (configurable; nothing is called when unset).
import { AppError } from '../errors.js';
import type { ServiceArea } from '../geo/service-area.js';

interface NominatimPlace {
  display_name?: string;
  lat?: string;
  lon?: string;
}

export async function searchAddress(baseUrl: string, query: string, area: ServiceArea, fetchFn: typeof fetch = fetch) {
  const url = new URL(baseUrl);
  url.searchParams.set('q', query);
  url.searchParams.set('format', 'jsonv2');
  url.searchParams.set('limit', '5');
  const [w, s, e, n] = area.bbox;
  url.searchParams.set('viewbox', `${w},${n},${e},${s}`);
  url.searchParams.set('bounded', '1');
  let places: NominatimPlace[];
  try {
    const res = await fetchFn(url, { headers: { accept: 'application/json', 'user-agent': 'Watchfloor (CameraConnect registration)' }, signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    places = (await res.json()) as NominatimPlace[];
  } catch (err) {
    throw new AppError('UNAVAILABLE', `Address search is not answering (${(err as Error).message}); place the pin on the map instead.`);
  }
  return (Array.isArray(places) ? places : [])
    .map((p) => ({ label: String(p.display_name ?? ''), lat: Number(p.lat), lng: Number(p.lon) }))
    .filter((p) => p.label && Number.isFinite(p.lat) && Number.isFinite(p.lng) && area.contains(p.lat, p.lng));
}

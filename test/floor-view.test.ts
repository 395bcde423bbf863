// The floor's view in the query string (web/src/floor/view.ts): a view survives the round trip, junk in a shared
// link is left out rather than trusted, and the one filter rule agrees with the server's list query.
import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, fadeSpanMs, matchesFilters, parseView, serializeView, windowOf, type FilterableIncident, type FloorView } from '../web/src/floor/view.js';

const NOW = Date.parse('2026-08-10T20:00:00Z');
const incident = (o: Partial<FilterableIncident> = {}): FilterableIncident => ({
  externalId: 'I-2026-000123',
  type: 'ROBBERY',
  priority: 2,
  occurredFrom: '2026-08-10T19:40:00Z',
  address: '1200 BLOCK OF U ST NW',
  status: 'open',
  district: '3',
  ward: '1',
  ...o,
});

describe('floor view in the URL', () => {
  it('leaves the defaults out and round-trips every part of a view', () => {
    expect(serializeView(DEFAULT_VIEW)).toBe('');
    expect(parseView('')).toEqual(DEFAULT_VIEW);
    const view: FloorView = {
      filters: { range: 'custom', from: '2026-08-09T00:00:00.000Z', to: '2026-08-10T00:00:00.000Z', types: ['ROBBERY', 'THEFT F/AUTO'], maxPriority: 2, district: '3', ward: '1', status: 'all', q: 'u st' },
      incidentId: '286e1f2a-73f4-44ff-b712-535e7f0f535e',
      map: { lat: 38.9, lng: -77.03, zoom: 14.5 },
      outlines: 'wards',
      sort: 'priority',
    };
    const qs = serializeView(view);
    expect(qs).toContain('type=ROBBERY%2CTHEFT+F%2FAUTO');
    expect(qs).toContain('map=38.90000%2C-77.03000%2C14.50');
    expect(parseView(`?${qs}`)).toEqual(view);
  });

  it('leaves out what it does not understand', () => {
    const v = parseView('?range=2y&maxp=9&status=maybe&incident=../../etc&map=1,2&outlines=x&sort=z&q=%20%20&type=,,');
    expect(v).toEqual(DEFAULT_VIEW);
    expect(parseView('?map=95,0,10').map).toBeUndefined();
    expect(parseView('?map=38.9,-77,30').map).toBeUndefined();
    expect(parseView('?maxp=2.5').filters.maxPriority).toBeUndefined();
    // A custom range needs a start; an end before the start is dropped.
    expect(parseView('?range=custom').filters.range).toBe('24h');
    expect(parseView('?range=custom&from=2026-08-10T00:00:00Z&to=2026-08-09T00:00:00Z').filters).toMatchObject({ range: 'custom', from: '2026-08-10T00:00:00.000Z' });
    expect(parseView('?range=custom&from=2026-08-10T00:00:00Z&to=2026-08-09T00:00:00Z').filters.to).toBeUndefined();
    expect(parseView(`?q=${'x'.repeat(500)}`).filters.q).toHaveLength(200);
    expect(parseView('?incident=286E1F2A-73F4-44FF-B712-535E7F0F535E').incidentId).toBe('286e1f2a-73f4-44ff-b712-535e7f0f535e');
  });

  it('filters incidents by status, priority, type, district, ward, time and text', () => {
    const f = DEFAULT_VIEW.filters;
    expect(matchesFilters(incident(), f, NOW)).toBe(true);
    expect(matchesFilters(incident({ status: 'closed' }), f, NOW)).toBe(false);
    expect(matchesFilters(incident({ status: 'closed' }), { ...f, status: 'all' }, NOW)).toBe(true);
    expect(matchesFilters(incident({ priority: 3 }), { ...f, maxPriority: 2 }, NOW)).toBe(false);
    expect(matchesFilters(incident({ priority: 1 }), { ...f, maxPriority: 2 }, NOW)).toBe(true);
    expect(matchesFilters(incident(), { ...f, types: ['HOMICIDE'] }, NOW)).toBe(false);
    expect(matchesFilters(incident(), { ...f, types: ['HOMICIDE', 'ROBBERY'] }, NOW)).toBe(true);
    expect(matchesFilters(incident(), { ...f, district: '4' }, NOW)).toBe(false);
    expect(matchesFilters(incident(), { ...f, ward: '1' }, NOW)).toBe(true);
    expect(matchesFilters(incident({ occurredFrom: '2026-08-09T19:00:00Z' }), f, NOW)).toBe(false);
    expect(matchesFilters(incident({ occurredFrom: '2026-08-09T19:00:00Z' }), { ...f, range: '7d' }, NOW)).toBe(true);
    expect(matchesFilters(incident(), { ...f, range: '1h' }, NOW)).toBe(true);
    expect(matchesFilters(incident({ occurredFrom: '2026-08-10T18:59:00Z' }), { ...f, range: '1h' }, NOW)).toBe(false);
    for (const q of ['u st', 'i-2026', 'rob']) expect(matchesFilters(incident(), { ...f, q }, NOW)).toBe(true);
    expect(matchesFilters(incident({ address: null }), { ...f, q: 'u st' }, NOW)).toBe(false);
    const custom = { ...f, range: 'custom' as const, from: '2026-08-10T19:00:00Z', to: '2026-08-10T19:30:00Z' };
    expect(matchesFilters(incident(), custom, NOW)).toBe(false);
    expect(matchesFilters(incident({ occurredFrom: '2026-08-10T19:15:00Z' }), custom, NOW)).toBe(true);
  });

  it('fades incidents over the length of the time window', () => {
    expect(fadeSpanMs({ ...DEFAULT_VIEW.filters, range: '6h' }, NOW)).toBe(6 * 3_600_000);
    expect(windowOf({ ...DEFAULT_VIEW.filters, range: 'custom', from: '2026-08-10T10:00:00Z' }, NOW)).toEqual({ from: Date.parse('2026-08-10T10:00:00Z'), to: undefined });
    expect(fadeSpanMs({ ...DEFAULT_VIEW.filters, range: 'custom', from: '2026-08-10T10:00:00Z', to: '2026-08-10T12:00:00Z' }, NOW)).toBe(2 * 3_600_000);
  });
});

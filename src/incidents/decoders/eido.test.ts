import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEido, priorityFromCommonNumber } from './eido.js';
import { incidentProblems } from './invariants.js';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const DATA = path.resolve(REPO, '../shared/data');
const SKIP = `(skipped: real data folder ${DATA} is absent)`;
// Every kind of value fast-check can make, not only what JSON.parse returns: callers pass parsed bodies along.
const anyValue = fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withBoxedValues: true, withSparseArray: true, withTypedArray: true });
const NOW = new Date('2026-08-10T20:00:00Z');

const circle = (lat: number, lng: number, radiusM: number) =>
  '<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" ' +
  'xmlns:gml="http://www.opengis.net/gml" xmlns:gs="http://www.opengis.net/pidflo/1.0" entity="pres:x@example.com">' +
  `<tuple id="a"><status><gp:geopriv><gp:location-info><gs:Circle srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>${lat} ${lng}</gml:pos>` +
  `<gs:radius uom="urn:ogc:def:uom:EPSG::9001">${radiusM}</gs:radius></gs:Circle></gp:location-info></gp:geopriv></status></tuple></presence>`;
const civic = '<presence><civicAddress><HNO>1600</HNO><RD>Pennsylvania</RD><STS>Ave</STS><POD>NW</POD><A3>Washington</A3><A1>DC</A1></civicAddress></presence>';

/** A current-shape EIDO written for these tests: a CAD-verified incident location and a caller location. */
function currentEido(): Record<string, unknown> {
  const prologue = { lastUpdateTimeStamp: '2026-08-10T19:59:00Z', updatedByAgencyReference: { $ref: 'mpd.dc.gov' } };
  return {
    $id: 'urn:emergency:uid:incidentid:0001:mpd.dc.gov',
    ...prologue,
    eidoVersion: '1.0',
    issuingElementIdentification: 'cad.mpd.dc.gov',
    incidentComponent: {
      $id: 'urn:emergency:uid:incidentid:0001:mpd.dc.gov:incident',
      ...prologue,
      incidentTypeCommonRegistryText: 'ROBBERY',
      incidentTypeInternalText: 'ROBBERY - ARMED',
      incidentCommonPriorityNumber: 8,
      incidentStatusCommonRegistryText: ['Dispatched'],
      beatOrDispatchGroupText: '1D1',
    },
    callComponent: [
      { $id: 'c2', ...prologue, standardPrimaryCallType: 'emergency', direction: 'incoming', callStateRegistryText: 'callAnswered', callStartTimestamp: '2026-08-10T15:45:10-04:00' },
      { $id: 'c1', ...prologue, standardPrimaryCallType: 'emergency', direction: 'incoming', callStateRegistryText: 'callEnd', callStartTimestamp: '2026-08-10T15:44:00-04:00', priorityIdentifier: 'lowest' },
    ],
    locationComponent: [
      { $id: 'l1', ...prologue, locationTypeDescriptionRegistryText: 'Caller', locationByValue: circle(38.9, -77.03, 150) },
      { $id: 'l2', ...prologue, locationTypeDescriptionRegistryText: 'Incident', locationByValue: circle(38.8977, -77.0365, 25) },
      { $id: 'l3', ...prologue, locationTypeDescriptionRegistryText: 'Incident', locationByValue: civic },
    ],
    personComponent: [{ $id: 'p1', ...prologue }],
    '@context': { '@vocab': './JSON-LD_Contexts/EmergencyIncidentDataObjectType.jsonld' },
  };
}

describe('decodeEido on the current shape', () => {
  it('takes id, type, priority, earliest call start, and the incident location over the caller', () => {
    expect(decodeEido(currentEido(), { now: NOW })).toEqual({
      ok: true,
      ignored: ['locationComponent[0] (another location was preferred)', 'personComponent'],
      incident: {
        source: 'eido',
        externalId: 'urn:emergency:uid:incidentid:0001:mpd.dc.gov:incident',
        type: 'ROBBERY - ARMED',
        priority: 2,
        occurredFrom: '2026-08-10T19:44:00.000Z',
        occurredTo: null,
        reportedAt: '2026-08-10T19:44:00.000Z',
        location: { lat: 38.8977, lng: -77.0365, accuracyM: 25 },
        address: '1600 Pennsylvania Ave NW, Washington, DC',
        details: {
          incidentTypeRegistry: 'ROBBERY', callType: 'emergency', beat: '1D1', status: ['Dispatched'], priorityCommonNumber: 8,
          occurredFromField: 'callStartTimestamp', locationShape: 'Circle', locationType: 'Incident',
          addressLocationType: 'Incident', eidoVersion: '1.0', issuingElement: 'cad.mpd.dc.gov', owningAgency: 'mpd.dc.gov',
        },
      },
    });
  });

  it('maps the common priority number (larger is more urgent, 0–10) and falls back to the call priority', () => {
    expect([10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 99, -3].map(priorityFromCommonNumber)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 5, 1, 5]);
    const doc = currentEido();
    delete (doc.incidentComponent as Record<string, unknown>).incidentCommonPriorityNumber;
    expect(decodeEido(doc, { now: NOW })).toMatchObject({ incident: { priority: 5 } });
    (doc.callComponent as Array<Record<string, unknown>>)[1]!.priorityIdentifier = 'urgent-ish';
    expect(decodeEido(doc, { now: NOW })).toMatchObject({
      incident: { priority: 3 },
      ignored: expect.arrayContaining(['callComponent[1].priorityIdentifier (unknown value "urgent-ish")']),
    });
  });

  it('accepts JSON text as well as a parsed object', () => {
    expect(decodeEido(JSON.stringify(currentEido()), { now: NOW }).ok).toBe(true);
  });
});

describe('decodeEido refuses garbled documents with specific errors', () => {
  const errorsOf = (doc: unknown) => {
    const r = decodeEido(doc, { now: NOW });
    return r.ok ? [] : r.errors;
  };
  const without = (...keys: string[]) => {
    const doc = currentEido();
    for (const k of keys) delete doc[k];
    return doc;
  };

  it('names the wrong shape', () => {
    expect(errorsOf(null)).toEqual(['EIDO: expected a JSON object, got null']);
    expect(errorsOf([currentEido()])).toEqual(['EIDO: expected a JSON object, got an array']);
    expect(errorsOf('{"$id":')).toEqual(['EIDO: text is not JSON']);
    expect(errorsOf({ ...currentEido(), callComponent: 'call' })).toEqual(['callComponent: expected an array of objects']);
    expect(errorsOf({ ...currentEido(), incidentComponent: 7 })).toContain('incidentComponent: expected an object, got a number');
  });

  it('names a field of the wrong type', () => {
    expect(errorsOf({ ...currentEido(), incidentTrackingIdentifier: 42 })).toEqual(['incidentTrackingIdentifier: expected a string, got a number']);
    const doc = currentEido();
    (doc.incidentComponent as Record<string, unknown>).incidentCommonPriorityNumber = 'high';
    expect(errorsOf(doc)).toEqual(['incidentComponent.incidentCommonPriorityNumber: expected a number, got a string']);
    const loc = currentEido();
    (loc.locationComponent as Array<Record<string, unknown>>)[1]!.locationByValue = { lat: 1 };
    expect(errorsOf(loc)).toEqual(['locationComponent[1].locationByValue: expected a PIDF-LO string, got an object']);
  });

  it('requires an id and a time, and refuses times in the future or without an offset', () => {
    const noId = without('$id');
    delete (noId.incidentComponent as Record<string, unknown>).$id;
    expect(errorsOf(noId)).toEqual(['no incident id: expected incidentTrackingIdentifier, incidentComponent.$id or $id']);
    const noTime = without('lastUpdateTimeStamp', 'callComponent');
    delete (noTime.incidentComponent as Record<string, unknown>).lastUpdateTimeStamp;
    expect(errorsOf(noTime)).toEqual(['no time: expected callComponent[].callStartTimestamp or lastUpdateTimeStamp']);
    const future = currentEido();
    (future.callComponent as Array<Record<string, unknown>>)[0]!.callStartTimestamp = '2026-08-10T20:30:00Z';
    expect(errorsOf(future)).toEqual(['callComponent[0].callStartTimestamp: 2026-08-10T20:30:00.000Z is in the future']);
    const local = currentEido();
    (local.callComponent as Array<Record<string, unknown>>)[0]!.callStartTimestamp = '2026-08-10T15:45:10';
    expect(errorsOf(local)).toEqual(['callComponent[0].callStartTimestamp: no UTC offset in "2026-08-10T15:45:10"']);
  });
});

describe('decodeEido properties', () => {
  const check = (doc: unknown) => {
    const r = decodeEido(doc, { now: NOW });
    if (r.ok) expect(incidentProblems(r.incident)).toEqual([]);
    else expect(r.errors.length).toBeGreaterThan(0);
  };

  it('never throws on arbitrary values or JSON', () => {
    fc.assert(fc.property(anyValue, check));
    fc.assert(fc.property(fc.json(), check));
  });

  it('never throws when any field of a good document is replaced by anything', () => {
    const keys = Object.keys(currentEido());
    const value = fc.oneof(anyValue, fc.constantFrom('2026-08-10T10:00:00Z', circle(91, 0, -1), '<gml:pos>1 2</gml:pos>', [], [{}]));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys, 'incidentTrackingIdentifier', 'LastUpdateTimeStamp'), value), (over) => check({ ...currentEido(), ...over })),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('callStartTimestamp', 'priorityIdentifier', 'standardPrimaryCallType', '$id'), value), (over) => {
        const doc = currentEido();
        doc.callComponent = [{ ...(doc.callComponent as object[])[0], ...over }];
        check(doc);
      }),
      { numRuns: 300 },
    );
  });
});

describe('NENA sample documents', () => {
  const current = path.join(DATA, 'eido/sample_call_transfer_EIDO.json');
  it.skipIf(!existsSync(current))(`decodes the call-transfer sample: civic routing location, location by reference ignored ${existsSync(current) ? '' : SKIP}`, () => {
    const r = decodeEido(JSON.parse(readFileSync(current, 'utf8')));
    expect(r).toMatchObject({
      ok: true,
      incident: {
        externalId: 'urn:emergency:uid:incidentid:a56e556d871:bcf.state.pa.us',
        type: 'emergency',
        priority: 3,
        occurredFrom: '2021-04-30T18:40:00.000Z',
        reportedAt: '2021-04-30T18:40:00.000Z',
        location: null,
        address: '42 W Cellular Street, Wilmington, DE',
        details: { owningAgency: 'state.pa.us', issuingElement: 'idx.state.pa.us' },
      },
    });
    if (!r.ok) throw new Error('unreachable');
    expect(r.ignored).toEqual(
      expect.arrayContaining(['personComponent', 'callbackComponent', 'additionalDataComponent', 'agentComponent', 'locationComponent[1].locationByReferenceUrl (not dereferenced)']),
    );
  });

  const draft = path.join(DATA, 'eido/sample_EIDO_2020_draft.json');
  it.skipIf(!existsSync(draft))(`decodes the 2020 draft: tracking id, internal type, priority 10 → 1, ellipsoid accuracy ${existsSync(draft) ? '' : SKIP}`, () => {
    const r = decodeEido(JSON.parse(readFileSync(draft, 'utf8')));
    expect(r).toMatchObject({
      ok: true,
      incident: {
        externalId: 'urn:emergency:uid:incidentid:0:psap.allegheny.pa.us',
        type: 'CIVIL UNREST; REQUEST MUTUAL AID',
        priority: 1,
        occurredFrom: '2020-10-29T18:40:04.337Z',
        location: { lat: 40.441345, lng: -80.000266, accuracyM: 7.7156 },
        details: { incidentTypeCode: '10-101', priorityInternalText: '10: VERY HIGH PRIORITY', owningAgency: 'psap.allegheny.pa.us' },
      },
    });
    if (r.ok) expect(r.ignored).toEqual(expect.arrayContaining(['agentComponent', 'dispatchComponent', 'reasonForIssueRegistryText']));
  });
});

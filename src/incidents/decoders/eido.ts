/**
 * NENA Emergency Incident Data Object (NENA-STA-021, JSON) → IncidentInput. Reads the current shape
 * (`incidentComponent` an object, `locationComponent`, camelCase prologue) and the 2020 draft
 * (`incidentComponent` an array, `locationInformationComponent`, `LastUpdateTimeStamp`), so keys are matched
 * without regard to case. Only what the floor needs is read; everything else is listed in `ignored`.
 */
import { describeType, field, isFuture, isPlainObject, parseTimestamp, toIso, truncate } from './common.js';
import { readEidoLocation } from './eido-location.js';
import type { DecodeResult, IncidentInput } from './types.js';

export const EIDO_SOURCE = 'eido';
export const EIDO_DEFAULT_PRIORITY = 3;

/**
 * The schema only says incidentCommonPriorityNumber is "a globally unique priority of an incident", with no
 * scale or direction. NENA's own 2020 sample pairs 10 with incidentPriorityInternalText "10: VERY HIGH
 * PRIORITY", so larger is more urgent and 10 is the top of a 0–10 scale; folded two-to-one onto our five levels:
 * 9–10 → 1, 7–8 → 2, 5–6 → 3, 3–4 → 4, 0–2 → 5. Values outside 0–10 are clamped.
 */
export function priorityFromCommonNumber(n: number): number {
  const level = Math.ceil((11 - Math.round(n)) / 2);
  return Math.min(5, Math.max(1, level));
}

// callComponent.priorityIdentifier (NENA-STA-023), used when the incident carries no common priority number.
const CALL_PRIORITY: Readonly<Record<string, number>> = { highest: 1, high: 2, normal: 3, low: 4, lowest: 5 };

// Top-level keys this decoder reads; any other key present is reported in `ignored`. `@context` is JSON-LD
// plumbing, not incident data, so it is neither read nor reported.
const READ_KEYS = [
  '$id',
  'incidentTrackingIdentifier',
  'lastUpdateTimeStamp',
  'incidentComponent',
  'callComponent',
  'locationComponent',
  'locationInformationComponent',
  'eidoVersion',
  'issuingElementIdentification',
  'owningAgencyIdentifier',
  'updatedByAgencyReference',
  '@context',
].map((k) => k.toLowerCase());

type Json = Record<string, unknown>;

export function decodeEido(doc: unknown, opts: { now?: Date } = {}): DecodeResult {
  const now = opts.now ?? new Date();
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch {
      return { ok: false, errors: ['EIDO: text is not JSON'] };
    }
  }
  if (!isPlainObject(doc)) return { ok: false, errors: [`EIDO: expected a JSON object, got ${describeType(doc)}`] };

  const errors: string[] = [];
  const ignored: string[] = [];
  const details: Json = {};
  const incident = readIncidentComponent(doc, errors, ignored);
  const calls = listOf(doc, 'callComponent', errors);

  const externalId = readId(doc, incident, errors);
  const type = readType(incident, calls, errors, details);
  const priority = readPriority(incident, calls, errors, ignored, details);
  const times = readTimes(doc, incident, calls, now, errors, details);
  const locations = ['locationComponent', 'locationInformationComponent'].flatMap((name) =>
    listOf(doc, name, errors).map((component, i) => ({ path: `${name}[${i}]`, component })),
  );
  const place = readEidoLocation(locations, errors, ignored, details);

  for (const [name, path] of [['eidoVersion', 'eidoVersion'], ['issuingElementIdentification', 'issuingElement']]) {
    const value = field(doc, name as string);
    if (typeof value === 'string' && value.trim() !== '') details[path as string] = value.trim();
  }
  const agency = owningAgency(incident ?? {}) ?? owningAgency(doc);
  if (agency) details.owningAgency = agency;
  for (const key of Object.keys(doc)) if (!READ_KEYS.includes(key.toLowerCase())) ignored.push(key);

  if (errors.length > 0 || externalId === null || times === null) {
    return { ok: false, errors: errors.length > 0 ? errors : ['EIDO: unusable'] };
  }
  const result: IncidentInput = {
    source: EIDO_SOURCE,
    externalId,
    type,
    priority,
    occurredFrom: times.from,
    occurredTo: null,
    reportedAt: times.reported,
    location: place.point,
    address: place.address,
    details,
  };
  return { ok: true, incident: result, ignored };
}

/** `incidentComponent` is one object in the current schema and an array in the 2020 draft. */
function readIncidentComponent(doc: Json, errors: string[], ignored: string[]): Json | null {
  const value = field(doc, 'incidentComponent');
  if (value === undefined || value === null) return null;
  if (isPlainObject(value)) return value;
  if (Array.isArray(value)) {
    value.slice(1).forEach((_, i) => ignored.push(`incidentComponent[${i + 1}]`));
    if (value.length === 0) return null;
    if (isPlainObject(value[0])) return value[0];
  }
  errors.push(`incidentComponent: expected an object, got ${describeType(Array.isArray(value) ? value[0] : value)}`);
  return null;
}

/** An array of component objects (a lone object is accepted as a list of one). */
export function listOf(doc: Json, name: string, errors: string[]): Json[] {
  const value = field(doc, name);
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  const objects = items.filter(isPlainObject);
  if (objects.length !== items.length) errors.push(`${name}: expected an array of objects`);
  return objects;
}

/** A string field; wrong types are errors, absent or blank is null. */
function text(obj: Json | null | undefined, name: string, path: string, errors: string[]): string | null {
  if (!obj) return null;
  const value = field(obj, name);
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    errors.push(`${path}: expected a string, got ${describeType(value)}`);
    return null;
  }
  return value.trim() === '' ? null : value.trim();
}

function readId(doc: Json, incident: Json | null, errors: string[]): string | null {
  const candidates = [
    text(doc, 'incidentTrackingIdentifier', 'incidentTrackingIdentifier', errors),
    text(incident, 'incidentTrackingIdentifier', 'incidentComponent.incidentTrackingIdentifier', errors),
    text(incident, '$id', 'incidentComponent.$id', errors),
    text(doc, '$id', '$id', errors),
  ];
  const id = candidates.find((c) => c !== null) ?? null;
  if (id === null) errors.push('no incident id: expected incidentTrackingIdentifier, incidentComponent.$id or $id');
  return id;
}

function readType(incident: Json | null, calls: Json[], errors: string[], details: Json): string {
  const internal = text(incident, 'incidentTypeInternalText', 'incidentComponent.incidentTypeInternalText', errors);
  const common = text(incident, 'incidentTypeCommonRegistryText', 'incidentComponent.incidentTypeCommonRegistryText', errors);
  const code = text(incident, 'incidentTypeInternalCode', 'incidentComponent.incidentTypeInternalCode', errors);
  const local = text(calls[0], 'localCallType', 'callComponent[0].localCallType', errors);
  const primary = text(calls[0], 'standardPrimaryCallType', 'callComponent[0].standardPrimaryCallType', errors);
  if (code) details.incidentTypeCode = code;
  if (common) details.incidentTypeRegistry = common;
  if (primary) details.callType = primary;
  // Kept for the incident panel: the CAD's beat and status words are not ours to reinterpret.
  const beat = text(incident, 'beatOrDispatchGroupText', 'incidentComponent.beatOrDispatchGroupText', errors);
  if (beat) details.beat = beat;
  const status = incident ? field(incident, 'incidentStatusCommonRegistryText') : undefined;
  if (Array.isArray(status) && status.every((s) => typeof s === 'string') && status.length > 0) details.status = status;
  // A call with no type yet is still a call the floor must see; it is typed later, not refused.
  return internal ?? common ?? local ?? primary ?? 'UNSPECIFIED';
}

function readPriority(incident: Json | null, calls: Json[], errors: string[], ignored: string[], details: Json): number {
  const internal = text(incident, 'incidentPriorityInternalText', 'incidentComponent.incidentPriorityInternalText', errors);
  if (internal) details.priorityInternalText = internal;
  const common = incident ? field(incident, 'incidentCommonPriorityNumber') : undefined;
  if (typeof common === 'number' && Number.isFinite(common)) {
    details.priorityCommonNumber = common;
    return priorityFromCommonNumber(common);
  }
  if (common !== undefined && common !== null) {
    errors.push(`incidentComponent.incidentCommonPriorityNumber: expected a number, got ${describeType(common)}`);
  }
  for (const [i, call] of calls.entries()) {
    const id = text(call, 'priorityIdentifier', `callComponent[${i}].priorityIdentifier`, errors);
    if (id === null) continue;
    const level = CALL_PRIORITY[id.toLowerCase()];
    if (level !== undefined) return level;
    ignored.push(`callComponent[${i}].priorityIdentifier (unknown value ${JSON.stringify(truncate(id))})`);
  }
  return EIDO_DEFAULT_PRIORITY;
}

/**
 * The call's start is when the floor learnt of the incident and the best estimate of when it happened; without
 * a call, the incident's and then the document's last update are the only times there are.
 */
function readTimes(doc: Json, incident: Json | null, calls: Json[], now: Date, errors: string[], details: Json) {
  const read = (obj: Json | null | undefined, name: string, path: string): number | null => {
    if (!obj) return null;
    const parsed = parseTimestamp(field(obj, name), false);
    if (parsed.kind === 'invalid') errors.push(`${path}: ${parsed.reason}`);
    if (parsed.kind !== 'ok') return null;
    if (isFuture(parsed.ms, now)) {
      errors.push(`${path}: ${toIso(parsed.ms)} is in the future`);
      return null;
    }
    return parsed.ms;
  };
  const starts = calls
    .map((call, i) => read(call, 'callStartTimestamp', `callComponent[${i}].callStartTimestamp`))
    .filter((ms): ms is number => ms !== null);
  const callStart = starts.length > 0 ? Math.min(...starts) : null;
  const incidentUpdate = read(incident, 'lastUpdateTimeStamp', 'incidentComponent.lastUpdateTimeStamp');
  const docUpdate = read(doc, 'lastUpdateTimeStamp', 'lastUpdateTimeStamp');
  const [from, fromField] =
    callStart !== null
      ? [callStart, 'callStartTimestamp']
      : incidentUpdate !== null
        ? [incidentUpdate, 'incidentComponent.lastUpdateTimeStamp']
        : [docUpdate, 'lastUpdateTimeStamp'];
  if (from === null) {
    errors.push('no time: expected callComponent[].callStartTimestamp or lastUpdateTimeStamp');
    return null;
  }
  details.occurredFromField = fromField;
  return { from: toIso(from), reported: callStart === null ? null : toIso(callStart) };
}

/** The agency that owns the incident: 2020 draft `OwningAgencyIdentifier`, current `updatedByAgencyReference`. */
function owningAgency(obj: Json): string | null {
  const owning = field(obj, 'owningAgencyIdentifier');
  if (typeof owning === 'string' && owning.trim() !== '') return owning.trim();
  const ref = field(obj, 'updatedByAgencyReference');
  const id = isPlainObject(ref) ? field(ref, '$ref') : undefined;
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : null;
}

/**
 * What every decoded incident promises, whichever format it came from. The decoders' property tests hold
 * each ok result to this, and the intake service can apply it to incidents posted as plain JSON.
 */
import type { IncidentInput } from './types.js';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

/** Broken promises, as sentences; an empty list means the incident is sound. */
export function incidentProblems(incident: IncidentInput): string[] {
  const problems: string[] = [];
  if (incident.source.trim() === '') problems.push('source is empty');
  if (incident.externalId.trim() === '') problems.push('externalId is empty');
  if (incident.type.trim() === '') problems.push('type is empty');
  if (!Number.isInteger(incident.priority) || incident.priority < 1 || incident.priority > 5) {
    problems.push(`priority ${incident.priority} is not an integer 1–5`);
  }
  const from = utcMs(incident.occurredFrom);
  if (from === null) problems.push(`occurredFrom ${JSON.stringify(incident.occurredFrom)} is not ISO 8601 UTC`);
  if (incident.occurredTo !== null) {
    const to = utcMs(incident.occurredTo);
    if (to === null) problems.push(`occurredTo ${JSON.stringify(incident.occurredTo)} is not ISO 8601 UTC`);
    else if (from !== null && to < from) problems.push('occurredTo is before occurredFrom');
  }
  if (incident.reportedAt !== null && utcMs(incident.reportedAt) === null) {
    problems.push(`reportedAt ${JSON.stringify(incident.reportedAt)} is not ISO 8601 UTC`);
  }
  const { location } = incident;
  if (location !== null) {
    const { lat, lng, accuracyM } = location;
    if (!Number.isFinite(lat) || Math.abs(lat) > 90) problems.push(`latitude ${lat} is out of range`);
    if (!Number.isFinite(lng) || Math.abs(lng) > 180) problems.push(`longitude ${lng} is out of range`);
    if (!Number.isFinite(accuracyM) || accuracyM < 0) problems.push(`accuracyM ${accuracyM} is not a distance`);
  }
  return problems;
}

function utcMs(text: string): number | null {
  if (!ISO_UTC.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

// What a footage request says: a purpose code and a reason the owner reads, prefilled from the incident and
// editable. Shared by every one-click request of the open incident and by "request all".
import { useEffect, useState } from 'react';
import type { IncidentView, PurposeCode } from '../../api/incidents';

export const REASON_MIN = 10;
export const REASON_MAX = 1000;

export function defaultPurpose(type: string): PurposeCode {
  const t = type.toUpperCase();
  if (/MISSING/.test(t)) return 'missing-person';
  if (/CRASH|COLLISION|HIT AND RUN|TRAFFIC/.test(t)) return 'traffic-crash';
  return 'criminal-investigation';
}

export function defaultReason(i: IncidentView): string {
  const when = new Date(i.occurredFrom).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
  const where = i.address ? `near ${i.address}` : 'near your camera';
  return `Police are investigating a ${i.type.toLowerCase()} reported ${where} on ${when} (case ${i.externalId}). Footage from around that time may help.`;
}

export interface RequestForm {
  purposeCode: PurposeCode;
  reason: string;
  setPurposeCode(p: PurposeCode): void;
  setReason(r: string): void;
  /** Why the form cannot be sent as it is, if it cannot. */
  problem: string | undefined;
}

export function useRequestForm(incident: IncidentView | undefined): RequestForm {
  const [purposeCode, setPurposeCode] = useState<PurposeCode>('criminal-investigation');
  const [reason, setReason] = useState('');
  const id = incident?.id;
  // A new incident: the form starts over from it.
  useEffect(() => {
    if (!incident) return;
    setPurposeCode(defaultPurpose(incident.type));
    setReason(defaultReason(incident));
  }, [id]);
  const trimmed = reason.trim().length;
  const problem = trimmed < REASON_MIN ? `Write a reason of at least ${REASON_MIN} characters: the owner reads it.` : trimmed > REASON_MAX ? `Keep the reason under ${REASON_MAX} characters.` : undefined;
  return { purposeCode, reason, setPurposeCode, setReason, problem };
}

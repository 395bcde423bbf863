// Kinds of footage request an owner may turn down (C3, M1): every incident type falls into one kind, and the
// matcher leaves out the cameras of owners who declined that kind. The table below is the documented mapping
// (docs/privacy.md repeats it); a type not in it is tried against the keyword rules, and anything else is "other".

export const REQUEST_KIND_IDS = ['violent', 'property', 'vehicle', 'disorder', 'other'] as const;
export type RequestKindId = (typeof REQUEST_KIND_IDS)[number];

export interface RequestKind {
  id: RequestKindId;
  label: { en: string; es: string };
  description: { en: string; es: string };
}

export const REQUEST_KINDS: readonly RequestKind[] = [
  {
    id: 'violent',
    label: { en: 'Violent crime', es: 'Delitos violentos' },
    description: {
      en: 'Homicide, assault, robbery, sexual assault, shootings: harm or a threat to a person.',
      es: 'Homicidio, agresión, robo, agresión sexual, disparos: daño o amenaza a una persona.',
    },
  },
  {
    id: 'property',
    label: { en: 'Property crime', es: 'Delitos contra la propiedad' },
    description: {
      en: 'Burglary, theft, arson, vandalism: things taken or damaged.',
      es: 'Allanamiento, hurto, incendio provocado, vandalismo: bienes robados o dañados.',
    },
  },
  {
    id: 'vehicle',
    label: { en: 'Vehicle crime', es: 'Delitos con vehículos' },
    description: {
      en: 'Stolen cars, break-ins to cars, hit-and-run and traffic crashes.',
      es: 'Robo de autos, robos dentro de autos, atropellos con fuga y choques de tránsito.',
    },
  },
  {
    id: 'disorder',
    label: { en: 'Disorder', es: 'Desórdenes' },
    description: {
      en: 'Disorderly conduct, trespassing, noise, illegal dumping and similar disturbances.',
      es: 'Alteración del orden, entrada ilegal, ruido, vertido ilegal y molestias similares.',
    },
  },
  {
    id: 'other',
    label: { en: 'Anything else', es: 'Otros' },
    description: {
      en: 'Incidents that fit none of the kinds above (for example a missing person).',
      es: 'Incidentes que no encajan en ninguno de los tipos anteriores (por ejemplo, una persona desaparecida).',
    },
  },
];

/**
 * Incident types as the feeds send them (upper case) → kind. The DC offense names (src/incidents/decoders/dc-crime.ts,
 * and the demo feed in src/incidents/demo-feed.ts, which uses the same names) are all here.
 */
export const INCIDENT_TYPE_KINDS: Readonly<Record<string, RequestKindId>> = {
  HOMICIDE: 'violent',
  'ASSAULT W/DANGEROUS WEAPON': 'violent',
  'SEX ABUSE': 'violent',
  ROBBERY: 'violent',
  BURGLARY: 'property',
  'THEFT/OTHER': 'property',
  ARSON: 'property',
  'MOTOR VEHICLE THEFT': 'vehicle',
  'THEFT F/AUTO': 'vehicle',
};

/** For types outside the table (CAD and EIDO call types), tried in this order on the upper-cased type. */
export const KEYWORD_RULES: readonly (readonly [RegExp, RequestKindId])[] = [
  [/CARJACK/, 'violent'],
  [/HOMICIDE|MURDER|SHOOT|SHOTS|GUN|STAB|ASSAULT|ROBBERY|SEX|RAPE|KIDNAP|WEAPON|FIGHT/, 'violent'],
  [/VEHICLE|AUTO|\bCARS?\b|TRAFFIC|CRASH|COLLISION|HIT.AND.RUN|DUI/, 'vehicle'],
  [/BURGLAR|THEFT|LARCENY|SHOPLIFT|STOLEN|ARSON|VANDAL|DESTRUCTION|DAMAGE|GRAFFITI|FRAUD/, 'property'],
  [/DISORDER|DISTURB|TRESPASS|NOISE|LOITER|DRUNK|DRINKING|DUMPING|NUISANCE|SUSPICIOUS/, 'disorder'],
];

/** The kind of request an incident of this type makes. */
export function kindOfIncidentType(type: string): RequestKindId {
  const t = type.trim().toUpperCase();
  const exact = INCIDENT_TYPE_KINDS[t];
  if (exact) return exact;
  for (const [pattern, kind] of KEYWORD_RULES) if (pattern.test(t)) return kind;
  return 'other';
}

/** One bit per kind, in REQUEST_KIND_IDS order: the camera index keeps an owner's declined kinds as this mask. */
export function kindBit(kind: RequestKindId): number {
  return 1 << REQUEST_KIND_IDS.indexOf(kind);
}

export function maskOfKinds(kinds: readonly string[]): number {
  let mask = 0;
  for (const k of kinds) if ((REQUEST_KIND_IDS as readonly string[]).includes(k)) mask |= kindBit(k as RequestKindId);
  return mask;
}

export function isRequestKind(id: string): id is RequestKindId {
  return (REQUEST_KIND_IDS as readonly string[]).includes(id);
}

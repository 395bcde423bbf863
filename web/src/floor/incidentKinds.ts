// Incident types are free text from each feed ("THEFT F/AUTO", "ASSAULT W/DANGEROUS WEAPON"); the map colours them
// by five broad kinds, the same grouping owners decline requests by (violent, property, vehicle, disorder, other).
export const INCIDENT_KINDS = ['violent', 'property', 'vehicle', 'disorder', 'other'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const KIND_LABELS: Record<IncidentKind, string> = {
  violent: 'Violent',
  property: 'Property',
  vehicle: 'Vehicle',
  disorder: 'Disorder',
  other: 'Other',
};

/** Warm colours, apart from the cameras' blues; each reads on the dark base at 4.5:1 or more. */
export const KIND_COLORS: Record<IncidentKind, string> = {
  violent: '#ff5a5f',
  property: '#ff9f40',
  vehicle: '#f5e05e',
  disorder: '#ff7eb6',
  other: '#d4dae1',
};

const RULES: [IncidentKind, RegExp][] = [
  ['violent', /HOMICIDE|MURDER|ASSAULT|ROBBERY|SEX|RAPE|SHOOT|STAB|KIDNAP|WEAPON|CARJACK|BATTERY|GUN/],
  ['vehicle', /MOTOR VEHICLE|F\/AUTO|FROM AUTO|AUTO|VEHICLE|CRASH|COLLISION|TRAFFIC|HIT AND RUN/],
  ['property', /THEFT|BURGLARY|ARSON|VANDAL|SHOPLIFT|FRAUD|DAMAGE|LARCENY|STOLEN|BREAK/],
  ['disorder', /DISORDER|DISTURB|NOISE|FIGHT|TRESPASS|DRUG|NARCOTIC|LIQUOR|LOITER|PROSTITUT/],
];

export function kindOf(type: string): IncidentKind {
  const t = type.toUpperCase();
  return RULES.find(([, re]) => re.test(t))?.[0] ?? 'other';
}

/** "P1" … "P5" with a word for screen readers and tooltips. */
export const PRIORITY_WORDS = ['', 'highest', 'high', 'medium', 'low', 'lowest'];

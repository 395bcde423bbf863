// The camera registry's shapes as the API sends and takes them (src/cameras/camera.schema.ts and camera.views.ts).

export const OWNER_KINDS = ['resident', 'business', 'nonprofit', 'religious', 'apartment_commercial'] as const;
export type OwnerKind = (typeof OWNER_KINDS)[number];

/** Owner kinds that may offer live view (integrated tier): business, apartment or commercial sites. */
export const MAY_INTEGRATE: ReadonlySet<string> = new Set<OwnerKind>(['business', 'apartment_commercial']);

export const LANGUAGES = ['en', 'es', 'am', 'zh', 'vi', 'ko', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The kinds an owner registers; city cameras (cctv, traffic) come from imports. */
export const OWNER_CAMERA_KINDS = ['doorbell', 'fixed', 'dome', 'ptz'] as const;
export type OwnerCameraKind = (typeof OWNER_CAMERA_KINDS)[number];

export type CameraStatus = 'pending' | 'verified' | 'rejected' | 'paused' | 'withdrawn';
export type CameraTier = 'registered' | 'integrated' | 'city';

export interface LatLng {
  lat: number;
  lng: number;
}

export interface CameraView {
  id: string;
  label: string | null;
  location: LatLng;
  address: string | null;
  kind: string;
  bearingDeg: number;
  fovDeg: number;
  rangeM: number;
  indoor: boolean;
  retentionDays: number;
  tier: CameraTier;
  status: CameraStatus;
  reviewNote: string | null;
  changesRequested: boolean;
  /** A stream address is on file; it is never sent back. */
  hasStream: boolean;
  ownerId: string | null;
  agencyId: string | null;
  source: string;
  createdAt: string;
  updatedAt: string;
  verifiedAt: string | null;
}

export interface OwnerView {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  kind: OwnerKind;
  organization: string | null;
  language: string;
  contactByEmail: boolean;
  contactBySms: boolean;
  consentVersion: string;
  consentAt: string;
  createdAt: string;
  withdrawnAt: string | null;
  erasedAt: string | null;
}

export interface StreamInput {
  url: string;
  username?: string;
  password?: string;
}

/** One camera of a registration, or (every field optional) of an owner's edit. */
export interface CameraInput {
  location: LatLng;
  address?: string;
  label?: string;
  kind: OwnerCameraKind;
  bearingDeg: number;
  fovDeg: number;
  rangeM: number;
  indoor?: boolean;
  retentionDays: number;
  tier: 'registered' | 'integrated';
  stream?: StreamInput;
}

export interface RegistrationBody {
  owner: {
    name: string;
    email: string;
    phone?: string;
    kind: OwnerKind;
    organization?: string;
    language?: Language;
    contactBySms?: boolean;
  };
  cameras: CameraInput[];
  consent: true;
  /** The honeypot: always empty from people. */
  website: string;
}

export interface OwnerOverview {
  owner: OwnerView;
  cameras: CameraView[];
  /** Days personal data is kept after withdrawal. */
  retentionDays: number;
}

export interface ReviewItem {
  camera: CameraView;
  owner: OwnerView | null;
}

/** Properties of a feature of GET /api/v1/cameras/map.geojson. */
export interface MapCameraProperties {
  id: string;
  kind: string;
  tier: CameraTier;
  bearingDeg: number;
  fovDeg: number;
  rangeM: number;
  retentionDays: number;
}

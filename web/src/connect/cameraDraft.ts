// A camera as the form holds it (text where people type, numbers where sliders set them), and the ways from it
// to the API: the whole camera for a registration, only the changed fields for an owner's edit.
import type { CameraInput, CameraView, LatLng, OwnerCameraKind } from '../api/cameras';
import { OWNER_CAMERA_KINDS } from '../api/cameras';
import type { FieldErrors } from './form';
import type { Strings } from './strings';

export interface CameraDraft {
  /** React key; never sent. */
  key: string;
  location?: LatLng | undefined;
  label: string;
  address: string;
  kind: OwnerCameraKind;
  bearingDeg: number;
  fovDeg: number;
  rangeM: number;
  indoor: boolean;
  retentionDays: string;
  tier: 'registered' | 'integrated';
  streamUrl: string;
  streamUsername: string;
  streamPassword: string;
}

/** A camera field of view wider than a PTZ can turn does not exist; narrower than this is a slit. */
export const WIDTH_MIN_DEG = 10;
export const RANGE_MIN_M = 5;
export const RANGE_MAX_M = 200;
const DEFAULT_FOV_DEG = 90;

let counter = 0;
export function newDraft(): CameraDraft {
  return {
    key: `camera-${++counter}`,
    label: '',
    address: '',
    kind: 'doorbell',
    bearingDeg: 0,
    fovDeg: DEFAULT_FOV_DEG,
    rangeM: 30,
    indoor: false,
    retentionDays: '',
    tier: 'registered',
    streamUrl: '',
    streamUsername: '',
    streamPassword: '',
  };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function draftOf(c: CameraView): CameraDraft {
  return {
    key: c.id,
    location: { ...c.location },
    label: c.label ?? '',
    address: c.address ?? '',
    kind: (OWNER_CAMERA_KINDS as readonly string[]).includes(c.kind) ? (c.kind as OwnerCameraKind) : 'fixed',
    bearingDeg: Math.round(c.bearingDeg) % 360,
    fovDeg: clamp(Math.round(c.fovDeg), WIDTH_MIN_DEG, 360),
    rangeM: Math.round(c.rangeM),
    indoor: c.indoor,
    retentionDays: String(c.retentionDays),
    tier: c.tier === 'integrated' ? 'integrated' : 'registered',
    streamUrl: '',
    streamUsername: '',
    streamPassword: '',
  };
}

/** A change of kind: a PTZ sees all round; leaving PTZ leaves the full circle for an ordinary width. */
export function withKind(d: CameraDraft, kind: OwnerCameraKind): Partial<CameraDraft> {
  if (kind === 'ptz') return { kind, fovDeg: 360 };
  if (d.kind === 'ptz' && d.fovDeg === 360) return { kind, fovDeg: DEFAULT_FOV_DEG };
  return { kind };
}

const STREAM_URL = /^(rtsp|rtsps|https?):\/\/\S+/i;
const WHOLE_DAYS = /^\d{1,4}$/;

function stream(d: CameraDraft): CameraInput['stream'] | undefined {
  if (d.tier !== 'integrated' || !d.streamUrl.trim()) return undefined;
  return {
    url: d.streamUrl.trim(),
    ...(d.streamUsername ? { username: d.streamUsername } : {}),
    ...(d.streamPassword ? { password: d.streamPassword } : {}),
  };
}

export function inputOf(d: CameraDraft): CameraInput {
  const s = stream(d);
  return {
    location: d.location!,
    ...(d.address.trim() ? { address: d.address.trim() } : {}),
    ...(d.label.trim() ? { label: d.label.trim() } : {}),
    kind: d.kind,
    bearingDeg: d.bearingDeg,
    fovDeg: d.fovDeg,
    rangeM: d.rangeM,
    indoor: d.indoor,
    retentionDays: Number(d.retentionDays),
    tier: d.tier,
    ...(s ? { stream: s } : {}),
  };
}

/** The fields that differ from the camera as stored; a new stream only when one was typed. */
export function patchOf(original: CameraView, d: CameraDraft): Partial<CameraInput> {
  const before = draftOf(original);
  const patch: Partial<CameraInput> = {};
  if (d.location && (d.location.lat !== original.location.lat || d.location.lng !== original.location.lng)) patch.location = d.location;
  if (d.label.trim() !== before.label) patch.label = d.label.trim();
  if (d.address.trim() !== before.address) patch.address = d.address.trim();
  if (d.kind !== before.kind) patch.kind = d.kind;
  if (d.bearingDeg !== before.bearingDeg) patch.bearingDeg = d.bearingDeg;
  if (d.fovDeg !== before.fovDeg) patch.fovDeg = d.fovDeg;
  if (d.rangeM !== before.rangeM) patch.rangeM = d.rangeM;
  if (d.indoor !== before.indoor) patch.indoor = d.indoor;
  if (d.retentionDays.trim() !== before.retentionDays) patch.retentionDays = Number(d.retentionDays);
  if (d.tier !== before.tier) patch.tier = d.tier;
  const s = stream(d);
  if (s) patch.stream = s;
  return patch;
}

/** Only these change what the camera sees; changing them on a verified camera sends it back to review. */
export const GEOMETRY_KEYS = ['location', 'bearingDeg', 'fovDeg', 'rangeM', 'tier', 'stream'] as const;

/** What the form can tell before sending, keyed like the server's pointers under `prefix` ("cameras/0/" or ""). */
export function draftProblems(d: CameraDraft, prefix: string, t: Strings, opts: { streamOnFile?: boolean } = {}): FieldErrors {
  const errors: FieldErrors = {};
  if (!d.location) errors[`${prefix}location`] = t.errors.location;
  const days = d.retentionDays.trim();
  if (!WHOLE_DAYS.test(days) || Number(days) > 3650) errors[`${prefix}retentionDays`] = t.errors.retention;
  if (d.tier === 'integrated') {
    const url = d.streamUrl.trim();
    if ((!url && !opts.streamOnFile) || (url && !STREAM_URL.test(url))) errors[`${prefix}stream/url`] = t.errors.streamUrl;
  }
  return errors;
}

/** Every field key a camera form has, under `prefix`: where server problems can be shown. */
export function cameraFieldKeys(prefix: string): string[] {
  return ['label', 'address', 'location', 'kind', 'bearingDeg', 'fovDeg', 'rangeM', 'indoor', 'retentionDays', 'tier', 'stream/url', 'stream/username', 'stream/password'].map((k) => prefix + k);
}

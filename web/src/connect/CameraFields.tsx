// The controls of one camera, for registering it and for editing it later: where it is (address, map pin), what
// it sees (kind, direction, width, range, drawn live as a wedge), how long it keeps footage, and how it takes part.
import { useState } from 'react';
import { api, ApiError } from '../api/http';
import { OWNER_CAMERA_KINDS, type LatLng, type OwnerCameraKind } from '../api/cameras';
import { CameraMap } from '../map/CameraMap';
import type { PublicConfig } from '../map/publicConfig';
import { bearingOfCompassPoint, COMPASS_POINTS, compassPointOf, normalizeBearing, type CompassPoint } from '../map/wedge';
import { RANGE_MAX_M, RANGE_MIN_M, WIDTH_MIN_DEG, withKind, type CameraDraft } from './cameraDraft';
import { describedBy, Field, FieldError, fieldId, Optional, type FieldErrors } from './form';
import type { Strings } from './strings';

interface CameraFieldsProps {
  draft: CameraDraft;
  onChange(patch: Partial<CameraDraft>): void;
  /** 1-based, for the map's accessible name. */
  number: number;
  /** Prefix of this camera's field keys ("cameras/0/" on the registration form). */
  prefix: string;
  errors: FieldErrors;
  t: Strings;
  config: PublicConfig;
  /** Integrated (live view) is offered to business, apartment and commercial owners only. */
  allowIntegrated: boolean;
  /** Editing a camera whose stream is already on file: the stream fields may stay empty. */
  streamOnFile?: boolean;
  mapLocale?: Record<string, string>;
}

const TURN_STEP_DEG = 15;

export function CameraFields({ draft, onChange, number, prefix, errors, t, config, allowIntegrated, streamOnFile, mapLocale }: CameraFieldsProps) {
  const id = (key: string) => fieldId(prefix + key);
  const err = (key: string) => errors[prefix + key];
  const compassPoint = compassPointOf(draft.bearingDeg);
  const directionText = t.directionValue(draft.bearingDeg, t.compassPoints[compassPoint]);
  const turn = (by: number) => onChange({ bearingDeg: normalizeBearing(draft.bearingDeg + by) });
  const place = (location: LatLng) => onChange({ location });
  const whereId = id('location');

  return (
    <div className="camera-fields">
      <div className="camera-where">
        <Field id={id('label')} label={<>{t.label}<Optional text={t.optional} /></>} hint={t.labelHint} error={err('label')}>
          <input id={id('label')} maxLength={100} value={draft.label} onChange={(e) => onChange({ label: e.target.value })} aria-describedby={describedBy(id('label'), t.labelHint, err('label'))} aria-invalid={!!err('label') || undefined} />
        </Field>
        <AddressField draft={draft} onChange={onChange} id={id('address')} error={err('address')} t={t} geocoder={config.geocoder} />
        <div className={err('location') ? 'field field-invalid' : 'field'}>
          <div
            id={whereId}
            role="group"
            tabIndex={-1}
            className="where-group"
            aria-labelledby={`${whereId}-label`}
            aria-describedby={describedBy(whereId, t.whereHint, err('location'))}
          >
            <p id={`${whereId}-label`} className="pseudo-label">
              {t.where}
            </p>
            <p id={`${whereId}-hint`} className="hint">
              {t.whereHint}
            </p>
            <FieldError id={whereId} error={err('location')} />
            <CameraMap config={config} camera={draft} label={t.mapLabel(number)} onPlace={place} centreLabel={t.pinAtCentre} locale={mapLocale} />
            <p className="pin-status" aria-live="polite">
              {draft.location ? t.pinAt(draft.location.lat, draft.location.lng) : t.noPin}
            </p>
          </div>
        </div>
      </div>

      <div className="camera-aim">
        <Field id={id('kind')} label={t.cameraKind} hint={draft.kind === 'ptz' ? t.ptzHint : undefined} error={err('kind')}>
          <select
            id={id('kind')}
            value={draft.kind}
            onChange={(e) => onChange(withKind(draft, e.target.value as OwnerCameraKind))}
            aria-describedby={describedBy(id('kind'), draft.kind === 'ptz' ? t.ptzHint : undefined, err('kind'))}
          >
            {OWNER_CAMERA_KINDS.map((k) => (
              <option key={k} value={k}>
                {t.cameraKinds[k]}
              </option>
            ))}
          </select>
        </Field>

        <div className={err('bearingDeg') ? 'field field-invalid' : 'field'}>
          <div className="range-label">
            <label htmlFor={id('bearingDeg')}>{t.direction}</label>
            <span className="range-value" aria-hidden="true">
              {directionText}
            </span>
          </div>
          <FieldError id={id('bearingDeg')} error={err('bearingDeg')} />
          <input
            id={id('bearingDeg')}
            type="range"
            min={0}
            max={359}
            step={1}
            value={draft.bearingDeg}
            aria-valuetext={directionText}
            aria-describedby={describedBy(id('bearingDeg'), undefined, err('bearingDeg'))}
            onChange={(e) => onChange({ bearingDeg: Number(e.target.value) })}
          />
          <div className="turn-row">
            <button type="button" className="button-secondary" onClick={() => turn(-TURN_STEP_DEG)}>
              <span aria-hidden="true">↺ </span>
              {t.turnLeft}
            </button>
            <button type="button" className="button-secondary" onClick={() => turn(TURN_STEP_DEG)}>
              {t.turnRight}
              <span aria-hidden="true"> ↻</span>
            </button>
          </div>
          <div className="compass-row">
            <label htmlFor={id('compass')}>{t.compass}</label>
            <select id={id('compass')} value={compassPoint} onChange={(e) => onChange({ bearingDeg: bearingOfCompassPoint(e.target.value as CompassPoint) })}>
              {COMPASS_POINTS.map((p) => (
                <option key={p} value={p}>
                  {t.compassPoints[p]}
                </option>
              ))}
            </select>
          </div>
        </div>

        <RangeField id={id('fovDeg')} label={t.width} value={draft.fovDeg} valueText={t.widthValue(draft.fovDeg)} min={WIDTH_MIN_DEG} max={360} step={5} error={err('fovDeg')} onChange={(fovDeg) => onChange({ fovDeg })} />
        <RangeField
          id={id('rangeM')}
          label={t.range}
          hint={t.rangeHint}
          value={draft.rangeM}
          valueText={t.rangeValue(draft.rangeM)}
          min={RANGE_MIN_M}
          max={RANGE_MAX_M}
          step={5}
          error={err('rangeM')}
          onChange={(rangeM) => onChange({ rangeM })}
        />

        <div className="field check">
          <input id={id('indoor')} type="checkbox" checked={draft.indoor} onChange={(e) => onChange({ indoor: e.target.checked })} />
          <label htmlFor={id('indoor')}>{t.indoor}</label>
        </div>

        <Field id={id('retentionDays')} label={t.retention} hint={t.retentionHint} error={err('retentionDays')}>
          <input
            id={id('retentionDays')}
            className="input-short"
            type="number"
            inputMode="numeric"
            min={0}
            max={3650}
            step={1}
            value={draft.retentionDays}
            onChange={(e) => onChange({ retentionDays: e.target.value })}
            aria-describedby={describedBy(id('retentionDays'), t.retentionHint, err('retentionDays'))}
            aria-invalid={!!err('retentionDays') || undefined}
          />
        </Field>

        {allowIntegrated && <TierFields draft={draft} onChange={onChange} id={id} err={err} t={t} streamOnFile={!!streamOnFile} />}
      </div>
    </div>
  );
}

function RangeField(props: { id: string; label: string; hint?: string; value: number; valueText: string; min: number; max: number; step: number; error: string | undefined; onChange(v: number): void }) {
  const { id, label, hint, value, valueText, min, max, step, error, onChange } = props;
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <div className="range-label">
        <label htmlFor={id}>{label}</label>
        <span className="range-value" aria-hidden="true">
          {valueText}
        </span>
      </div>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      <FieldError id={id} error={error} />
      <input id={id} type="range" min={min} max={max} step={step} value={value} aria-valuetext={valueText} aria-describedby={describedBy(id, hint, error)} onChange={(e) => onChange(Number(e.target.value))} />
    </div>
  );
}

function TierFields({ draft, onChange, id, err, t, streamOnFile }: { draft: CameraDraft; onChange(p: Partial<CameraDraft>): void; id(k: string): string; err(k: string): string | undefined; t: Strings; streamOnFile: boolean }) {
  const tierId = id('tier');
  return (
    <>
      <fieldset id={tierId} className={err('tier') ? 'choices field-invalid' : 'choices'} aria-describedby={err('tier') ? `${tierId}-error` : undefined}>
        <legend>{t.tier}</legend>
        <FieldError id={tierId} error={err('tier')} />
        {(['registered', 'integrated'] as const).map((tier) => (
          <div key={tier} className="choice">
            <input id={`${tierId}-${tier}`} type="radio" name={tierId} value={tier} checked={draft.tier === tier} onChange={() => onChange({ tier })} aria-describedby={`${tierId}-${tier}-hint`} />
            <label htmlFor={`${tierId}-${tier}`}>{tier === 'registered' ? t.tierRegistered : t.tierIntegrated}</label>
            <p id={`${tierId}-${tier}-hint`} className="hint">
              {tier === 'registered' ? t.tierRegisteredHint : t.tierIntegratedHint}
            </p>
          </div>
        ))}
      </fieldset>
      {draft.tier === 'integrated' && (
        <div className="stream-fields">
          <p className="note">{streamOnFile ? t.streamKeep : t.streamNote}</p>
          <Field id={id('stream/url')} label={t.streamUrl} hint={t.streamUrlHint} error={err('stream/url')}>
            <input
              id={id('stream/url')}
              inputMode="url"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              maxLength={500}
              value={draft.streamUrl}
              onChange={(e) => onChange({ streamUrl: e.target.value })}
              aria-describedby={describedBy(id('stream/url'), t.streamUrlHint, err('stream/url'))}
              aria-invalid={!!err('stream/url') || undefined}
            />
          </Field>
          <Field id={id('stream/username')} label={<>{t.streamUsername}<Optional text={t.optional} /></>} error={err('stream/username')}>
            <input id={id('stream/username')} autoComplete="off" autoCapitalize="none" spellCheck={false} maxLength={200} value={draft.streamUsername} onChange={(e) => onChange({ streamUsername: e.target.value })} />
          </Field>
          <Field id={id('stream/password')} label={<>{t.streamPassword}<Optional text={t.optional} /></>} error={err('stream/password')}>
            <input id={id('stream/password')} type="password" autoComplete="new-password" maxLength={200} value={draft.streamPassword} onChange={(e) => onChange({ streamPassword: e.target.value })} />
          </Field>
        </div>
      )}
    </>
  );
}

interface GeocodeResult {
  label: string;
  lat: number;
  lng: number;
}

/** The address, and (where the server has a geocoder) a search that puts the pin on the address found. */
function AddressField({ draft, onChange, id, error, t, geocoder }: { draft: CameraDraft; onChange(p: Partial<CameraDraft>): void; id: string; error: string | undefined; t: Strings; geocoder: boolean }) {
  const [available, setAvailable] = useState(geocoder);
  const [results, setResults] = useState<GeocodeResult[]>();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();

  async function search() {
    const q = draft.address.trim();
    if (q.length < 3) return;
    setBusy(true);
    setMessage(undefined);
    setResults(undefined);
    try {
      const found = await api.get<GeocodeResult[]>(`/api/v1/public/geocode?q=${encodeURIComponent(q)}`);
      setResults(found);
      if (!found.length) setMessage(t.noAddressFound);
    } catch (err) {
      // 404: this server has no geocoder after all; the pin on the map is the way.
      if (err instanceof ApiError && err.status === 404) setAvailable(false);
      setMessage(err instanceof ApiError && err.status !== 404 ? err.detail : t.noAddressFound);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Field id={id} label={<>{t.address}<Optional text={t.optional} /></>} hint={t.addressHint} error={error}>
      <div className={available ? 'address-row' : undefined}>
        <input id={id} autoComplete="street-address" maxLength={300} value={draft.address} onChange={(e) => onChange({ address: e.target.value })} aria-describedby={describedBy(id, t.addressHint, error)} aria-invalid={!!error || undefined} />
        {available && (
          <button type="button" className="button-secondary" onClick={search} disabled={busy || draft.address.trim().length < 3}>
            {busy ? t.searching : t.findAddress}
          </button>
        )}
      </div>
      <div aria-live="polite">
        {message && <p className="hint">{message}</p>}
        {results && results.length > 0 && (
          <>
            <p className="hint">{t.addressResults}</p>
            <ul className="address-results">
              {results.map((r, i) => (
                <li key={i}>
                  <button
                    type="button"
                    className="button-link"
                    onClick={() => {
                      onChange({ address: r.label, location: { lat: r.lat, lng: r.lng } });
                      setResults(undefined);
                    }}
                  >
                    {r.label}
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </Field>
  );
}

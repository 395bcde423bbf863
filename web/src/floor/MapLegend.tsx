// The map's key, over its lower left corner: incident kinds (size: priority, fading: age), camera tiers and groups,
// the open incident's cameras by request state, and the choice of outlines. Folds away to one button.
import { useId, useState } from 'react';
import { TIER_COLORS } from './cameraLayers';
import { count } from './format';
import { INCIDENT_KINDS, KIND_COLORS, KIND_LABELS } from './incidentKinds';
import { STATE_COLORS, STATE_LABELS, type CameraRequestState } from './requestStates';
import { OUTLINES, type Outlines } from './view';

export const TIER_NAMES: Record<string, string> = { registered: 'Registered', integrated: 'Integrated (live view)', city: 'City' };
const OUTLINE_LABELS: Record<Outlines, string> = { districts: 'Districts', wards: 'Wards', none: 'None' };
const LEGEND_STATES: CameraRequestState[] = ['none', 'queued', 'sent', 'answered', 'declined', 'expired'];

interface MapLegendProps {
  showCameras: boolean;
  cameraCount: number | undefined;
  reviewing: boolean;
  incidentOpen: boolean;
  outlines: Outlines;
  onOutlinesChange(outlines: Outlines): void;
  areasLoaded: boolean;
}

function Swatch({ color, ring }: { color: string; ring?: boolean }) {
  return <span className={ring ? 'swatch swatch-ring' : 'swatch'} style={ring ? { borderColor: color } : { background: color }} aria-hidden="true" />;
}

export function MapLegend({ showCameras, cameraCount, reviewing, incidentOpen, outlines, onOutlinesChange, areasLoaded }: MapLegendProps) {
  const [open, setOpen] = useState(() => window.innerHeight >= 820);
  const bodyId = useId();
  const outlinesId = useId();
  return (
    <div className="map-legend" role="group" aria-label="Map legend">
      <div className="legend-head">
        <button type="button" className="legend-toggle" aria-expanded={open} aria-controls={bodyId} onClick={() => setOpen((o) => !o)}>
          Legend
        </button>
        {showCameras && (
          <p role="status" className="legend-count">
            {cameraCount === undefined ? 'Loading cameras…' : `${count(cameraCount)} on the map`}
          </p>
        )}
      </div>
      <div id={bodyId} hidden={!open} className="legend-body">
        <p className="legend-title">Incidents</p>
        <ul className="legend-row">
          {INCIDENT_KINDS.map((k) => (
            <li key={k}>
              <Swatch color={KIND_COLORS[k]} />
              {KIND_LABELS[k]}
            </li>
          ))}
        </ul>
        <p className="legend-note">Larger: higher priority · fainter: older · hollow: closed</p>
        {incidentOpen && (
          <>
            <p className="legend-title">Open incident’s cameras</p>
            <ul className="legend-row">
              {LEGEND_STATES.map((s) => (
                <li key={s}>
                  <Swatch color={STATE_COLORS[s]} />
                  {s === 'expired' ? 'Expired or cancelled' : STATE_LABELS[s]}
                </li>
              ))}
            </ul>
          </>
        )}
        {showCameras && (
          <>
            <p className="legend-title">Verified cameras</p>
            <ul className="legend-row">
              {Object.entries(TIER_COLORS).map(([tier, color]) => (
                <li key={tier}>
                  <Swatch color={color} />
                  {TIER_NAMES[tier]}
                </li>
              ))}
              <li>
                <span className="swatch swatch-group" aria-hidden="true" />
                Group
              </li>
              {reviewing && (
                <li>
                  <span className="swatch swatch-selected" aria-hidden="true" />
                  Under review
                </li>
              )}
            </ul>
          </>
        )}
        <div className="legend-foot">
          {areasLoaded && (
            <span className="legend-outlines">
              <label htmlFor={outlinesId}>Outlines</label>
              <select id={outlinesId} value={outlines} onChange={(e) => onOutlinesChange(e.target.value as Outlines)}>
                {OUTLINES.map((o) => (
                  <option key={o} value={o}>
                    {OUTLINE_LABELS[o]}
                  </option>
                ))}
              </select>
            </span>
          )}
        </div>
      </div>
    </div>
  );
}

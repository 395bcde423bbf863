// The floor's left column: the alert queue on top, and below it the incident list — with, for supervisors and
// admins, the camera review queue as a second tab.
import { useId, useState, type ReactNode } from 'react';
import type { IncidentView } from '../api/incidents';
import type { ReviewItem } from '../api/cameras';
import { ReviewQueue } from './ReviewQueue';
import { IncidentList } from './IncidentList';
import './Sidebar.css';

interface SidebarProps {
  alerts: ReactNode;
  incidents: IncidentView[] | undefined;
  incidentsError: string | undefined;
  mayListIncidents: boolean;
  filtered: boolean;
  now: number;
  cursorId: string | undefined;
  selectedId: string | undefined;
  onCursor(id: string): void;
  onOpen(id: string): void;
  reviews: boolean;
  reviewing: ReviewItem | undefined;
  onReview(item: ReviewItem | undefined): void;
  onReviewDecided(): void;
}

export function Sidebar(props: SidebarProps) {
  const { alerts, incidents, incidentsError, mayListIncidents, filtered, now, cursorId, selectedId, onCursor, onOpen, reviews, reviewing, onReview, onReviewDecided } = props;
  const [tab, setTab] = useState<'incidents' | 'review'>('incidents');
  const id = useId();
  const incidentsPanel = (
    <>
      {incidentsError && (
        <p role="alert" className="message message-alert sidebar-message">
          {incidentsError}
        </p>
      )}
      {!mayListIncidents && <p className="empty sidebar-message">Your role does not include the incident list.</p>}
      {mayListIncidents && !incidents && !incidentsError && <p className="muted sidebar-message">Loading incidents…</p>}
      {incidents && incidents.length === 0 && <p className="empty sidebar-message">{filtered ? 'No incidents match the filters.' : 'No incidents in this time range.'}</p>}
      {incidents && incidents.length > 0 && <IncidentList incidents={incidents} now={now} cursorId={cursorId} selectedId={selectedId} onCursor={onCursor} onOpen={onOpen} />}
    </>
  );
  return (
    <aside className="side-panel" aria-label="Alerts and incidents">
      {alerts}
      <section className="incidents-section" aria-labelledby={`${id}-incidents`}>
        {reviews ? (
          <div
            role="tablist"
            aria-label="Lists"
            className="tabs"
            onKeyDown={(e) => {
              if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
              const next = tab === 'incidents' ? 'review' : 'incidents';
              setTab(next);
              document.getElementById(`${id}-${next}`)?.focus();
            }}
          >
            <button type="button" role="tab" id={`${id}-incidents`} aria-selected={tab === 'incidents'} aria-controls={`${id}-incidents-panel`} onClick={() => setTab('incidents')} tabIndex={tab === 'incidents' ? 0 : -1}>
              Incidents
            </button>
            <button type="button" role="tab" id={`${id}-review`} aria-selected={tab === 'review'} aria-controls={`${id}-review-panel`} onClick={() => setTab('review')} tabIndex={tab === 'review' ? 0 : -1}>
              Camera review
            </button>
          </div>
        ) : (
          <h2 id={`${id}-incidents`} className="incidents-title">
            Incidents
          </h2>
        )}
        <div id={`${id}-incidents-panel`} role={reviews ? 'tabpanel' : undefined} aria-labelledby={reviews ? `${id}-incidents` : undefined} hidden={tab !== 'incidents'} className="tab-panel">
          {incidentsPanel}
        </div>
        {reviews && (
          <div id={`${id}-review-panel`} role="tabpanel" aria-labelledby={`${id}-review`} hidden={tab !== 'review'} className="tab-panel review-panel">
            <ReviewQueue selectedId={reviewing?.camera.id} onSelect={onReview} onDecided={onReviewDecided} />
          </div>
        )}
      </section>
    </aside>
  );
}

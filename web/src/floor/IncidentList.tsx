// The view's incidents as a list for triage: priority, type, age, number, where, cameras nearby. Thousands of rows
// stay quick because only those in sight (and a few around them) are rendered. The highlighted row (j/k, ↓/↑) is
// the listbox's active option and is kept in sight; a click or Enter opens the incident.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { IncidentView } from '../api/incidents';
import { age, count } from './format';
import { KIND_COLORS, KIND_LABELS, kindOf, PRIORITY_WORDS } from './incidentKinds';

/** Row height in rem (the CSS gives .incident-row the same). */
const ROW_REM = 3.5;
const OVERSCAN = 8;

interface IncidentListProps {
  incidents: readonly IncidentView[];
  now: number;
  cursorId: string | undefined;
  selectedId: string | undefined;
  onCursor(id: string): void;
  onOpen(id: string): void;
}

export const rowId = (id: string) => `incident-row-${id}`;

function useRowHeight(): number {
  const [px, setPx] = useState(() => ROW_REM * parseFloat(getComputedStyle(document.documentElement).fontSize || '15'));
  useEffect(() => {
    // The root font grows on a wall display (a media query): row positions follow.
    const measure = () => setPx(ROW_REM * parseFloat(getComputedStyle(document.documentElement).fontSize || '15'));
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, []);
  return px;
}

export function IncidentList({ incidents, now, cursorId, selectedId, onCursor, onOpen }: IncidentListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const rowPx = useRowHeight();
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    setHeight(el.clientHeight);
    return () => observer.disconnect();
  }, []);

  // The highlighted row stays in sight.
  const cursorIndex = cursorId ? incidents.findIndex((i) => i.id === cursorId) : -1;
  useEffect(() => {
    const el = scroller.current;
    if (!el || cursorIndex < 0) return;
    const top = cursorIndex * rowPx;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowPx > el.scrollTop + el.clientHeight) el.scrollTop = top + rowPx - el.clientHeight;
  }, [cursorIndex, rowPx]);

  const onScroll = useCallback(() => setScrollTop(scroller.current?.scrollTop ?? 0), []);
  const first = Math.max(0, Math.floor(scrollTop / rowPx) - OVERSCAN);
  const last = Math.min(incidents.length, Math.ceil((scrollTop + height) / rowPx) + OVERSCAN);

  return (
    <div ref={scroller} className="incident-scroller" onScroll={onScroll}>
      <div
        className="incident-list"
        role="listbox"
        aria-label="Incidents"
        tabIndex={0}
        data-incident-list
        aria-activedescendant={cursorIndex >= 0 ? rowId(cursorId!) : undefined}
        style={{ height: incidents.length * rowPx }}
        onFocus={() => {
          if (cursorIndex < 0 && incidents[0]) onCursor(incidents[0].id);
        }}
      >
        {incidents.slice(first, last).map((incident, i) => (
          <IncidentRow
            key={incident.id}
            incident={incident}
            index={first + i}
            total={incidents.length}
            top={(first + i) * rowPx}
            now={now}
            cursor={incident.id === cursorId}
            selected={incident.id === selectedId}
            onClick={() => {
              onCursor(incident.id);
              onOpen(incident.id);
            }}
          />
        ))}
      </div>
    </div>
  );
}

interface RowProps {
  incident: IncidentView;
  index: number;
  total: number;
  top: number;
  now: number;
  cursor: boolean;
  selected: boolean;
  onClick(): void;
}

function IncidentRow({ incident: i, index, total, top, now, cursor, selected, onClick }: RowProps) {
  const kind = kindOf(i.type);
  const where = i.district ? `District ${i.district}${i.ward ? `, ward ${i.ward}` : ''}` : (i.address ?? (i.location ? 'Located' : 'No location'));
  const cameras = i.matchCount ?? 0;
  return (
    <div
      id={rowId(i.id)}
      role="option"
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={total}
      className={`incident-row${cursor ? ' is-cursor' : ''}${selected ? ' is-selected' : ''}${i.status === 'closed' ? ' is-closed' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      onClick={onClick}
      data-incident-id={i.id}
    >
      <span className={`priority priority-${i.priority}`} title={`Priority ${i.priority} (${PRIORITY_WORDS[i.priority]})`}>
        P{i.priority}
      </span>
      <span className="incident-main">
        <span className="incident-line">
          <span className="kind-dot" style={{ background: KIND_COLORS[kind] }} title={KIND_LABELS[kind]} aria-hidden="true" />
          <span className="incident-type">{i.type}</span>
          <time className="incident-age" dateTime={i.occurredFrom} title={new Date(i.occurredFrom).toLocaleString()}>
            {age(i.occurredFrom, now)}
          </time>
        </span>
        <span className="incident-line incident-meta">
          <span className="incident-where">{where}</span>
          <span className="incident-number">{i.externalId}</span>
          <span className="incident-cams">
            {count(cameras)} cam{cameras === 1 ? '' : 's'}
          </span>
          {i.status === 'closed' && <span className="tag">Closed</span>}
        </span>
      </span>
    </div>
  );
}

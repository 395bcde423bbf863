// The view's filters and search, in one row under the top bar: search (/), time range (with a custom window),
// types, priority, district, ward, status, and the list's order. Every choice goes into the address at once;
// typed search text after a short pause.
import { useEffect, useId, useRef, useState, type RefObject } from 'react';
import type { AreasView } from '../api/areas';
import { count } from './format';
import { DEFAULT_FILTERS, isFiltered, RANGE_LABELS, SORTS, TIME_RANGES, type FloorFilters, type Sort, type StatusFilter, type TimeRange } from './view';

const SEARCH_DELAY_MS = 250;
const SORT_LABELS: Record<Sort, string> = { newest: 'Newest first', priority: 'Priority first' };
const STATUS_LABELS: Record<StatusFilter, string> = { open: 'Open', closed: 'Closed', all: 'Any status' };
const PRIORITY_LABELS = ['Any priority', 'P1 only', 'P1–P2', 'P1–P3', 'P1–P4'];

interface FilterBarProps {
  filters: FloorFilters;
  sort: Sort;
  onChange(filters: FloorFilters): void;
  onSortChange(sort: Sort): void;
  /** Types to offer: those seen in the loaded incidents, and any already chosen. */
  knownTypes: readonly string[];
  /** More types, from the time window's incidents of every type (asked for when the type menu opens). */
  loadTypes(): Promise<string[]>;
  areas: AreasView | undefined;
  searchRef: RefObject<HTMLInputElement | null>;
  /** How many incidents the view shows, how many the server has, and whether the load stopped short. */
  shown: number | undefined;
  total: number | null;
  truncated: boolean;
}

/** datetime-local wants local time without a zone. */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const t = new Date(value).getTime();
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

export function FilterBar({ filters, sort, onChange, onSortChange, knownTypes, loadTypes, areas, searchRef, shown, total, truncated }: FilterBarProps) {
  const id = useId();
  const [q, setQ] = useState(filters.q);
  const typed = useRef(false);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  // The page passes a new onChange on every render (a clock tick, a live update); the pause after typing must not
  // start over each time, or a busy floor never applies the search.
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  // The address may change the search (Back, a shared link): the box follows unless someone is typing.
  useEffect(() => {
    if (!typed.current) setQ(filters.q);
  }, [filters.q]);
  useEffect(() => {
    if (!typed.current) return;
    const timer = setTimeout(() => {
      typed.current = false;
      if (q.trim() !== filtersRef.current.q) onChangeRef.current({ ...filtersRef.current, q: q.trim() });
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [q]);

  const set = (change: Partial<FloorFilters>) => onChange({ ...filters, ...change });
  const setRange = (range: TimeRange) => {
    if (range !== 'custom') return set({ range, from: undefined, to: undefined });
    // A custom window starts as the last 24 hours, to be edited.
    const now = Date.now();
    set({ range, from: filters.from ?? new Date(now - 24 * 3_600_000).toISOString(), to: filters.to });
  };

  return (
    <form className="filter-bar" role="search" aria-label="Incident filters" onSubmit={(e) => e.preventDefault()}>
      <div className="filter-search">
        <label htmlFor={`${id}-q`} className="visually-hidden">
          Search incidents by number, type or address
        </label>
        <input
          ref={searchRef}
          id={`${id}-q`}
          type="search"
          value={q}
          placeholder="Search incidents"
          aria-keyshortcuts="/"
          autoComplete="off"
          onChange={(e) => {
            typed.current = true;
            setQ(e.target.value);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') e.currentTarget.blur();
          }}
        />
        <kbd className="search-key" aria-hidden="true">
          /
        </kbd>
      </div>

      <label htmlFor={`${id}-range`} className="visually-hidden">
        Time range
      </label>
      <select id={`${id}-range`} value={filters.range} onChange={(e) => setRange(e.target.value as TimeRange)}>
        {TIME_RANGES.map((r) => (
          <option key={r} value={r}>
            {RANGE_LABELS[r]}
          </option>
        ))}
      </select>
      {filters.range === 'custom' && (
        <span className="filter-custom">
          <label htmlFor={`${id}-from`}>From</label>
          <input id={`${id}-from`} type="datetime-local" value={toLocalInput(filters.from)} onChange={(e) => { const from = fromLocalInput(e.target.value); if (from) set({ from }); }} />
          <label htmlFor={`${id}-to`}>to</label>
          <input id={`${id}-to`} type="datetime-local" value={toLocalInput(filters.to)} onChange={(e) => set({ to: fromLocalInput(e.target.value) })} />
        </span>
      )}

      <TypeFilter chosen={filters.types} known={knownTypes} loadTypes={loadTypes} onChange={(types) => set({ types })} />

      <label htmlFor={`${id}-p`} className="visually-hidden">
        Priority
      </label>
      <select id={`${id}-p`} value={filters.maxPriority ?? 0} onChange={(e) => set({ maxPriority: Number(e.target.value) || undefined })}>
        {PRIORITY_LABELS.map((label, p) => (
          <option key={p} value={p}>
            {label}
          </option>
        ))}
      </select>

      <label htmlFor={`${id}-d`} className="visually-hidden">
        District
      </label>
      <select id={`${id}-d`} value={filters.district ?? ''} onChange={(e) => set({ district: e.target.value || undefined })} disabled={!areas && !filters.district}>
        <option value="">All districts</option>
        {areas?.districts.features.map((f) => (
          <option key={f.properties.id} value={f.properties.id}>
            {f.properties.name}
          </option>
        ))}
        {!areas && filters.district && <option value={filters.district}>District {filters.district}</option>}
      </select>

      <label htmlFor={`${id}-w`} className="visually-hidden">
        Ward
      </label>
      <select id={`${id}-w`} value={filters.ward ?? ''} onChange={(e) => set({ ward: e.target.value || undefined })} disabled={!areas && !filters.ward}>
        <option value="">All wards</option>
        {areas?.wards.features.map((f) => (
          <option key={f.properties.id} value={f.properties.id}>
            {f.properties.name}
          </option>
        ))}
        {!areas && filters.ward && <option value={filters.ward}>Ward {filters.ward}</option>}
      </select>

      <label htmlFor={`${id}-s`} className="visually-hidden">
        Status
      </label>
      <select id={`${id}-s`} value={filters.status} onChange={(e) => set({ status: e.target.value as StatusFilter })}>
        {(['open', 'closed', 'all'] as const).map((s) => (
          <option key={s} value={s}>
            {STATUS_LABELS[s]}
          </option>
        ))}
      </select>

      <label htmlFor={`${id}-sort`} className="visually-hidden">
        Order of the list
      </label>
      <select id={`${id}-sort`} value={sort} onChange={(e) => onSortChange(e.target.value as Sort)}>
        {SORTS.map((s) => (
          <option key={s} value={s}>
            {SORT_LABELS[s]}
          </option>
        ))}
      </select>

      {isFiltered(filters) && (
        <button type="button" className="button-link filter-clear" onClick={() => onChange({ ...DEFAULT_FILTERS, types: [] })}>
          Clear filters
        </button>
      )}
      <p className="filter-count" role="status">
        {shown === undefined ? 'Loading incidents…' : truncated ? `Newest ${count(shown)}${total !== null ? ` of ${count(total)}` : ''}: narrow the filters` : `${count(shown)} incident${shown === 1 ? '' : 's'}`}
      </p>
    </form>
  );
}

function TypeFilter({ chosen, known, loadTypes, onChange }: { chosen: readonly string[]; known: readonly string[]; loadTypes(): Promise<string[]>; onChange(types: string[]): void }) {
  const details = useRef<HTMLDetailsElement>(null);
  const [more, setMore] = useState<string[]>([]);
  const types = [...new Set([...chosen, ...known, ...more])].sort();
  const summary = chosen.length === 0 ? 'All types' : chosen.length === 1 ? chosen[0]! : `${chosen.length} types`;
  const toggle = (type: string, on: boolean) => onChange(on ? [...chosen, type] : chosen.filter((t) => t !== type));

  // Closes when focus or a click goes elsewhere.
  useEffect(() => {
    const onDown = (e: Event) => {
      if (details.current?.open && !details.current.contains(e.target as Node)) details.current.open = false;
    };
    document.addEventListener('pointerdown', onDown);
    document.addEventListener('focusin', onDown);
    return () => {
      document.removeEventListener('pointerdown', onDown);
      document.removeEventListener('focusin', onDown);
    };
  }, []);

  return (
    <details
      ref={details}
      className="type-filter"
      onToggle={(e) => {
        if (e.currentTarget.open) loadTypes().then(setMore, () => undefined);
      }}
    >
      <summary>
        <span className="visually-hidden">Incident types: </span>
        {summary}
      </summary>
      <fieldset>
        <legend className="visually-hidden">Incident types to show</legend>
        {types.length === 0 && <p className="muted">No incidents loaded yet.</p>}
        {types.map((t) => (
          <label key={t} className="check">
            <input type="checkbox" checked={chosen.includes(t)} onChange={(e) => toggle(t, e.target.checked)} />
            {t}
          </label>
        ))}
        {chosen.length > 0 && (
          <button type="button" className="button-link" onClick={() => onChange([])}>
            All types
          </button>
        )}
      </fieldset>
    </details>
  );
}

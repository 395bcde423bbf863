// Notes by staff on the incident (contract D): written here, audited by the server, listed from the timeline (which
// gives each on one line, shortened past 200 characters).
import { useId, useState } from 'react';
import { addNote, type NoteView, type TimelineEntry } from '../../api/incidents';
import { clock, messageOf } from '../format';

const NOTE_MAX = 2000;

interface NotesProps {
  incidentId: string;
  available: boolean;
  /** Partners read notes; writing them is the center's. */
  canWrite: boolean;
  timelineAvailable: boolean;
  entries: TimelineEntry[] | undefined;
  onAdded(): void;
  announce(text: string): void;
  now: number;
}

export function Notes({ incidentId, available, canWrite, timelineAvailable, entries, onAdded, announce, now }: NotesProps) {
  const id = useId();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [added, setAdded] = useState<NoteView[]>([]);
  const listed = entries?.filter((e) => e.kind === 'note') ?? [];
  // Notes added here show at once; the timeline lists them (with everyone else's) once it has been read again.
  const pending = added.filter((n) => n.incidentId === incidentId && !listed.some((e) => Date.parse(e.at) === Date.parse(n.createdAt)));

  async function submit() {
    const trimmed = text.trim();
    if (!trimmed) return setError('Write the note first.');
    if (trimmed.length > NOTE_MAX) return setError(`Keep a note under ${NOTE_MAX} characters.`);
    setBusy(true);
    setError(undefined);
    try {
      const note = await addNote(incidentId, trimmed);
      setAdded((list) => [...list, note]);
      setText('');
      announce('Note added.');
      onAdded();
    } catch (err) {
      setError(`The note could not be added: ${messageOf(err)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Notes</h3>
      {!available && <p className="empty">Notes are not available on this server yet.</p>}
      {available && timelineAvailable && listed.length + pending.length === 0 && <p className="muted">No notes yet.</p>}
      {(listed.length > 0 || pending.length > 0) && (
        <ul className="notes">
          {listed.map((e, i) => (
            <li key={`${e.at}-${i}`}>
              <span className="note-head">
                {e.actor?.name ?? 'Staff'} · <time dateTime={e.at}>{clock(e.at, now)}</time>
              </span>
              <span className="note-text">{e.summary.replace(/^Note: /, '')}</span>
            </li>
          ))}
          {pending.map((n) => (
            <li key={n.id}>
              <span className="note-head">
                {n.author.name} · <time dateTime={n.createdAt}>{clock(n.createdAt, now)}</time>
              </span>
              <span className="note-text">{n.text}</span>
            </li>
          ))}
        </ul>
      )}
      {available && canWrite && (
        <form
          className="note-form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <label htmlFor={`${id}-text`}>Add a note</label>
          <textarea id={`${id}-text`} rows={2} maxLength={NOTE_MAX} value={text} onChange={(e) => setText(e.target.value)} />
          {error && (
            <p role="alert" className="field-problem">
              {error}
            </p>
          )}
          <button type="submit" className="button-small" disabled={busy}>
            {busy ? 'Adding…' : 'Add note'}
          </button>
        </form>
      )}
    </section>
  );
}

// "Do not ask me about …": the kinds of incidents an owner does not want requests for (GET /api/v1/public/request-kinds,
// saved with PUT /api/v1/owner/preferences). Matching leaves the owner's cameras out of incidents of those kinds.
import { useEffect, useState, type FormEvent } from 'react';
import { requestKinds, saveDeclinedKinds, type RequestKind } from './ownerRequests';
import type { Strings } from './strings';

interface KindPreferencesProps {
  t: Strings;
  lang: string;
  declinedKinds: string[];
  onSaved(declinedKinds: string[]): void;
  failed(err: unknown): string;
}

export function KindPreferences({ t, lang, declinedKinds, onSaved, failed }: KindPreferencesProps) {
  const r = t.requests;
  const [kinds, setKinds] = useState<RequestKind[]>();
  const [chosen, setChosen] = useState(() => new Set(declinedKinds));
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: 'status' | 'alert'; text: string }>();

  useEffect(() => {
    let live = true;
    // Without the list (an older server), the section is left out.
    requestKinds().then(
      (k) => live && setKinds(k),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  const key = [...declinedKinds].sort().join(',');
  useEffect(() => setChosen(new Set(key ? key.split(',') : [])), [key]);

  if (!kinds || kinds.length === 0) return null;
  const text = (m: Record<string, string>) => m[lang] ?? m.en ?? Object.values(m)[0] ?? '';

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setMessage(undefined);
    try {
      const saved = await saveDeclinedKinds(kinds!.map((k) => k.id).filter((id) => chosen.has(id)));
      onSaved(saved.declinedKinds);
      setMessage({ tone: 'status', text: r.kindsSaved });
    } catch (err) {
      setMessage({ tone: 'alert', text: failed(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="kind-preferences" aria-labelledby="kinds-title">
      <h2 id="kinds-title">{r.kindsTitle}</h2>
      <p className="muted">{r.kindsIntro}</p>
      <form onSubmit={save}>
        <fieldset className="plain">
          <legend className="pseudo-label">{r.kindsLegend}</legend>
          <ul className="kind-list">
            {kinds.map((k) => {
              const id = `kind-${k.id}`;
              return (
                <li key={k.id} className="field check">
                  <input
                    id={id}
                    type="checkbox"
                    checked={chosen.has(k.id)}
                    aria-describedby={`${id}-hint`}
                    onChange={(e) => {
                      const next = new Set(chosen);
                      if (e.target.checked) next.add(k.id);
                      else next.delete(k.id);
                      setChosen(next);
                      setMessage(undefined);
                    }}
                  />
                  <div className="check-text">
                    <label htmlFor={id}>{text(k.label)}</label>
                    <p id={`${id}-hint`} className="hint">
                      {text(k.description)}
                    </p>
                  </div>
                </li>
              );
            })}
          </ul>
        </fieldset>
        <div aria-live="polite">
          {message && (
            <p role={message.tone} className={message.tone === 'alert' ? 'message message-alert' : 'message message-status'}>
              {message.text}
            </p>
          )}
        </div>
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? t.saving : r.kindsSave}
        </button>
      </form>
    </section>
  );
}

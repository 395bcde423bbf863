// "Email me a link": how an owner gets back to their page. The answer is the same whether or not the address is
// registered, so the form tells nobody who takes part.
import { useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/http';
import { describedBy, Field, fieldId } from './form';
import type { Strings } from './strings';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function RequestLink({ t, notice }: { t: Strings; notice?: { tone: 'alert' | 'status'; text: string } | undefined }) {
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const id = fieldId('email');

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    if (!EMAIL.test(email.trim())) {
      setError(email.trim() ? t.errors.emailFormat : t.errors.email);
      input.current?.focus();
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      await api.post('/api/v1/owner/links', { email: email.trim() });
      setSent(true);
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) setError(t.errors.emailFormat);
      else setFailure(err instanceof ApiError ? (err.code === 'NETWORK' ? t.errors.network : err.detail) : String(err));
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="request-link">
      {notice && (
        <p role={notice.tone} className={notice.tone === 'alert' ? 'message message-alert' : 'message message-status'}>
          {notice.text}
        </p>
      )}
      <h1>{t.requestLinkTitle}</h1>
      <p className="muted">{t.requestLinkIntro}</p>
      {sent ? (
        <p role="status" className="message message-status">
          {t.linkSent}
        </p>
      ) : (
        <form onSubmit={submit} noValidate>
          {failure && (
            <p role="alert" className="message message-alert">
              {failure}
            </p>
          )}
          <Field id={id} label={t.email} error={error}>
            <input
              ref={input}
              id={id}
              type="email"
              autoComplete="email"
              autoCapitalize="none"
              spellCheck={false}
              maxLength={320}
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-describedby={describedBy(id, undefined, error)}
              aria-invalid={!!error || undefined}
            />
          </Field>
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? t.sending : t.sendLink}
          </button>
        </form>
      )}
      <p className="request-link-foot">
        <a href="/connect">{t.registerInstead}</a>
      </p>
    </div>
  );
}

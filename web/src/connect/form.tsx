// Form plumbing for the public pages: field ids derived from the server's error pointers, fields whose hint and
// error are tied to the control with aria-describedby, and the error summary that takes focus on failure.
import { forwardRef, type MouseEvent, type ReactNode } from 'react';
import type { ProblemField } from '../api/http';

/** Problems by field key: a server pointer without "/body/" ("owner/email", "cameras/0/location", "consent"). */
export type FieldErrors = Record<string, string>;

export const fieldId = (key: string) => `f-${key.replace(/[^\w]+/g, '-')}`;

/**
 * Maps the server's per-field problems onto the fields that exist (a pointer deeper than any field lands on the
 * nearest field above it: /body/cameras/0/location/lat on cameras/0/location). Problems that fit no field are
 * returned apart, for the summary alone.
 */
export function errorsFromServer(problems: readonly ProblemField[], knownKeys: ReadonlySet<string>, rename: (key: string) => string = (k) => k): { fields: FieldErrors; other: string[] } {
  const fields: FieldErrors = {};
  const other: string[] = [];
  for (const p of problems) {
    const parts = rename(p.pointer.replace(/^\/body\/?/, '')).split('/').filter(Boolean);
    let key: string | undefined;
    for (let n = parts.length; n > 0 && !key; n--) {
      const candidate = parts.slice(0, n).join('/');
      if (knownKeys.has(candidate)) key = candidate;
    }
    if (key && !fields[key]) fields[key] = p.message;
    else if (!key) other.push(p.message);
  }
  return { fields, other };
}

export function describedBy(id: string, hint: ReactNode | undefined, error: string | undefined): string | undefined {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

interface FieldProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  className?: string;
  children: ReactNode;
}

/** Label, hint, error, then the control (which carries `id` and `describedBy(id, hint, error)` itself). */
export function Field({ id, label, hint, error, className, children }: FieldProps) {
  return (
    <div className={['field', error ? 'field-invalid' : '', className ?? ''].filter(Boolean).join(' ')}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      <FieldError id={id} error={error} />
      {children}
    </div>
  );
}

export function FieldError({ id, error }: { id: string; error: string | undefined }) {
  if (!error) return null;
  return (
    <p id={`${id}-error`} className="field-error">
      {error}
    </p>
  );
}

export function Optional({ text }: { text: string }) {
  return <span className="optional"> {text}</span>;
}

interface SummaryProps {
  title: string;
  /** Field problems in the order of the form, linked to their fields. */
  items: { key: string; message: string }[];
  /** Problems that belong to no field (a conflict, a rate limit, the network). */
  messages: string[];
}

/** role=alert so it is announced; focusable so the page can move focus onto it after a failed submit. */
export const ErrorSummary = forwardRef<HTMLDivElement, SummaryProps>(function ErrorSummary({ title, items, messages }, ref) {
  if (!items.length && !messages.length) return null;
  function jump(event: MouseEvent<HTMLAnchorElement>, key: string) {
    const target = document.getElementById(fieldId(key));
    if (!target) return;
    event.preventDefault();
    target.scrollIntoView({ block: 'center' });
    target.focus();
  }
  return (
    <div ref={ref} className="error-summary" role="alert" tabIndex={-1} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{title}</h2>
      {messages.map((m, i) => (
        <p key={i}>{m}</p>
      ))}
      {items.length > 0 && (
        <ul>
          {items.map(({ key, message }) => (
            <li key={key}>
              <a href={`#${fieldId(key)}`} onClick={(e) => jump(e, key)}>
                {message}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
});

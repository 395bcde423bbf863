// Sign-in: username and password, then the code from the authenticator app — or, on the first sign-in,
// setting that app up (QR code or typed key) and entering its first code.
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError } from '../api/http';
import { sessionStarted, type Notice, type SessionView } from '../api/session';
import './SignIn.css';

interface Enrollment {
  secret: string;
  otpauthUri: string;
  qrDataUrl: string;
}

type LoginResponse = { next: 'totp' } | { next: 'enroll'; enrollment: Enrollment };

type Step = { kind: 'password' } | { kind: 'totp'; username: string } | { kind: 'enroll'; username: string; enrollment: Enrollment };

const messageOf = (err: unknown) => (err instanceof ApiError ? err.detail : 'Something went wrong in the browser; reload the page and try again.');

export function SignIn({ notice }: { notice?: Notice | undefined }) {
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [shownNotice, setShownNotice] = useState(notice);
  const [error, setError] = useState<string>();

  useEffect(() => setShownNotice(notice), [notice]);
  useEffect(() => {
    document.title = step.kind === 'password' ? 'Sign in · Watchfloor' : step.kind === 'totp' ? 'Enter your code · Watchfloor' : 'Set up two-step sign-in · Watchfloor';
  }, [step.kind]);

  const fail = (message: string, back = false) => {
    setError(message);
    if (back) setStep({ kind: 'password' });
  };
  const clearMessages = () => {
    setShownNotice(undefined);
    setError(undefined);
  };

  return (
    <main className="signin">
      <div className="signin-brand">
        <img src="/favicon.svg" alt="" width="40" height="40" />
        <div>
          <p className="brand-name">Watchfloor</p>
          <p className="brand-sub">Real-time crime center</p>
        </div>
      </div>
      <div className={step.kind === 'enroll' ? 'card card-wide' : 'card'}>
        {shownNotice && (
          <p role={shownNotice.tone} className={shownNotice.tone === 'alert' ? 'message message-alert' : 'message message-status'}>
            {shownNotice.text}
          </p>
        )}
        {error && (
          <p role="alert" className="message message-alert">
            {error}
          </p>
        )}
        {step.kind === 'password' ? (
          <PasswordStep onSubmit={clearMessages} onError={fail} onNext={setStep} />
        ) : (
          <CodeStep step={step} onSubmit={clearMessages} onError={fail} onBack={() => {
              clearMessages();
              setStep({ kind: 'password' });
            }} />
        )}
      </div>
      <p className="signin-footnote">For authorised staff only. Sign-ins and access to sensitive data are recorded in the audit trail.</p>
    </main>
  );
}

interface StepProps {
  onSubmit(): void;
  onError(message: string, backToPassword?: boolean): void;
}

function PasswordStep({ onSubmit, onError, onNext }: StepProps & { onNext(step: Step): void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit();
    setBusy(true);
    try {
      const res = await api.post<LoginResponse>('/api/v1/auth/login', { username: username.trim(), password });
      onNext(res.next === 'enroll' ? { kind: 'enroll', username: username.trim(), enrollment: res.enrollment } : { kind: 'totp', username: username.trim() });
    } catch (err) {
      setBusy(false);
      setPassword('');
      onError(messageOf(err));
      passwordRef.current?.focus();
    }
  }

  return (
    <form onSubmit={submit} aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <Field label="Username">
        {(id) => (
          <input id={id} name="username" autoComplete="username" autoCapitalize="none" spellCheck={false} required autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
        )}
      </Field>
      <Field label="Password">
        {(id) => (
          <input id={id} ref={passwordRef} name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        )}
      </Field>
      <button type="submit" className="button-primary" disabled={busy}>
        {busy ? 'Checking…' : 'Continue'}
      </button>
    </form>
  );
}

type CodeStepKind = Extract<Step, { kind: 'totp' | 'enroll' }>;

function CodeStep({ step, onSubmit, onError, onBack }: StepProps & { step: CodeStepKind; onBack(): void }) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);
  const titleRef = useRef<HTMLHeadingElement>(null);
  const hintId = useId();
  const enrolling = step.kind === 'enroll';

  // Setting up starts with reading the instructions, so focus goes to the heading; otherwise straight to the code.
  useEffect(() => {
    if (enrolling) titleRef.current?.focus();
  }, [enrolling]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit();
    const digits = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(digits)) {
      onError('Enter the 6 digits your authenticator app shows.');
      codeRef.current?.focus();
      return;
    }
    setBusy(true);
    try {
      sessionStarted(await api.post<SessionView>('/api/v1/auth/totp', { code: digits }));
    } catch (err) {
      setBusy(false);
      setCode('');
      // The pending step lasts a few minutes; once it has ended only the password step can start a new one.
      const restart = err instanceof ApiError && err.code === 'SESSION_EXPIRED';
      onError(messageOf(err), restart);
      codeRef.current?.focus();
    }
  }

  const codeField = (
    <Field label={enrolling ? 'Code from the app' : 'Enter the 6-digit code'} hint={enrolling ? undefined : 'From the authenticator app on your phone. A new code appears every 30 seconds.'} hintId={hintId}>
      {(id) => (
        <input
          id={id}
          ref={codeRef}
          name="code"
          className="code-input"
          inputMode="numeric"
          autoComplete="one-time-code"
          spellCheck={false}
          maxLength={7}
          required
          autoFocus={!enrolling}
          aria-describedby={enrolling ? undefined : hintId}
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
      )}
    </Field>
  );
  const actions = (
    <div className="actions">
      <button type="submit" className="button-primary" disabled={busy}>
        {busy ? 'Checking…' : enrolling ? 'Finish setup' : 'Sign in'}
      </button>
      <button type="button" className="button-link" onClick={onBack}>
        Use another account
      </button>
    </div>
  );
  return (
    <form onSubmit={submit} aria-labelledby="code-title">
      <h1 id="code-title" ref={titleRef} tabIndex={-1}>
        {enrolling ? 'Set up two-step sign-in' : 'Enter your code'}
      </h1>
      <p className="muted">
        Signing in as <strong>{step.username}</strong>
      </p>
      {enrolling ? (
        <div className="enroll">
          <ManualKey enrollment={step.enrollment} />
          <div>
            <p>Watchfloor asks for a code from an authenticator app each time you sign in. Set it up once:</p>
            <ol>
              <li>Open an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator or FreeOTP).</li>
              <li>Add an account and scan the QR code.</li>
              <li>Type the 6-digit code the app then shows.</li>
            </ol>
            {codeField}
            {actions}
          </div>
        </div>
      ) : (
        <>
          {codeField}
          {actions}
        </>
      )}
    </form>
  );
}

/** The QR code, and the same key in groups of four for typing into the app by hand. */
function ManualKey({ enrollment }: { enrollment: Enrollment }) {
  const groups = enrollment.secret.match(/.{1,4}/g) ?? [];
  // Two lines of four groups for the usual 32-character key; the spaces keep the text copyable as one key.
  const lines = [groups.slice(0, 4).join(' '), groups.slice(4).join(' ')].filter(Boolean);
  return (
    <div className="enroll-key">
      <img className="qr" src={enrollment.qrDataUrl} width="240" height="240" alt="QR code that adds your Watchfloor account to an authenticator app" />
      <p className="muted">Cannot scan? Type this key into the app (time-based):</p>
      <p className="secret" data-testid="totp-secret">
        {lines.map((line, i) => (
          <span key={i}>
            {line}
            {i < lines.length - 1 ? ' ' : ''}
          </span>
        ))}
      </p>
    </div>
  );
}

function Field({ label, hint, hintId, children }: { label: string; hint?: string | undefined; hintId?: string; children(id: string): ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
    </div>
  );
}

// /connect: self-registration of an owner and their cameras (C1, C2) on one page — about you, your cameras,
// the terms — then a confirmation that a link to manage the cameras is in the mail.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/http';
import { MAY_INTEGRATE, type Language, type RegistrationBody } from '../api/cameras';
import { loadPublicConfig, type PublicConfig } from '../map/publicConfig';
import { cameraFieldKeys, draftProblems, inputOf, newDraft, type CameraDraft } from './cameraDraft';
import { CameraFields } from './CameraFields';
import { ErrorSummary, errorsFromServer, fieldId, type FieldErrors } from './form';
import { emptyOwner, OWNER_FIELD_KEYS, OwnerFields, ownerProblems, type OwnerDraft } from './OwnerFields';
import { PublicPage } from './PublicPage';
import { browserLanguage, mapLocaleOf, stringsFor, type Strings } from './strings';

interface Terms {
  version: string;
  text: string;
}

/** Draft properties whose field key differs from the property's name. */
const DRAFT_FIELD_KEYS: Partial<Record<keyof CameraDraft, string>> = { streamUrl: 'stream/url', streamUsername: 'stream/username', streamPassword: 'stream/password' };

/** Every field key in the order of the form: the order of the error summary. */
function orderedKeys(cameraCount: number): string[] {
  const keys = [...OWNER_FIELD_KEYS];
  for (let i = 0; i < cameraCount; i++) keys.push(...cameraFieldKeys(`cameras/${i}/`));
  keys.push('consent');
  return keys;
}

/** Server messages for fields people type are English and technical; the form's own sentence says it better. */
function friendlier(key: string, message: string, t: Strings): string {
  if (key === 'owner/email') return t.errors.emailFormat;
  if (key === 'owner/phone') return t.errors.phone;
  if (key === 'owner/name') return t.errors.name;
  if (key === 'consent') return t.errors.consent;
  if (/retentionDays$/.test(key)) return t.errors.retention;
  if (/stream\/url$/.test(key) && !/only integrated/.test(message)) return t.errors.streamUrl;
  return message;
}

export function Registration() {
  const [language, setLanguage] = useState<Language>(browserLanguage);
  const { t, lang } = stringsFor(language);
  const [config, setConfig] = useState<PublicConfig>();
  const [terms, setTerms] = useState<Terms>();
  const [loadError, setLoadError] = useState<string>();
  const [termsFailed, setTermsFailed] = useState(false);
  const [owner, setOwner] = useState<OwnerDraft>(emptyOwner);
  const [cameras, setCameras] = useState<CameraDraft[]>(() => [newDraft()]);
  const [consent, setConsent] = useState(false);
  const [website, setWebsite] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [messages, setMessages] = useState<string[]>([]);
  const [failures, setFailures] = useState(0);
  const [busy, setBusy] = useState(false);
  const sending = useRef(false);
  const [done, setDone] = useState<{ count: number; email: string }>();
  const summaryRef = useRef<HTMLDivElement>(null);
  const camerasTitleRef = useRef<HTMLHeadingElement>(null);
  const focusCamera = useRef<string | undefined>(undefined);
  const allowIntegrated = MAY_INTEGRATE.has(owner.kind);

  useEffect(() => {
    loadPublicConfig().then(setConfig, (err: unknown) => setLoadError(err instanceof ApiError ? err.detail : String(err)));
    api.get<Terms>('/api/v1/public/terms').then(setTerms, () => setTermsFailed(true));
  }, []);

  useEffect(() => {
    if (failures) summaryRef.current?.focus();
  }, [failures]);

  // A newly added camera's heading takes focus, so a screen reader (and the eye) starts there.
  useEffect(() => {
    if (!focusCamera.current) return;
    const heading = document.getElementById(`${focusCamera.current}-title`);
    focusCamera.current = undefined;
    heading?.focus();
    heading?.scrollIntoView({ block: 'start' });
  }, [cameras.length]);

  // A problem is taken off the page as soon as the field it is about changes.
  const clearErrors = (keys: string[]) =>
    setErrors((current) => (keys.some((k) => current[k]) ? Object.fromEntries(Object.entries(current).filter(([k]) => !keys.includes(k))) : current));
  const changeOwner = (patch: Partial<OwnerDraft>) => {
    clearErrors(Object.keys(patch).map((k) => `owner/${k}`));
    setOwner((o) => ({ ...o, ...patch }));
    // Live view is only for businesses and properties: a change of kind away from them takes it back.
    if (patch.kind && !MAY_INTEGRATE.has(patch.kind)) setCameras((cs) => cs.map((c) => (c.tier === 'integrated' ? { ...c, tier: 'registered' } : c)));
  };
  const changeCamera = (key: string, patch: Partial<CameraDraft>) => {
    const i = cameras.findIndex((c) => c.key === key);
    clearErrors(Object.keys(patch).map((k) => `cameras/${i}/${DRAFT_FIELD_KEYS[k as keyof CameraDraft] ?? k}`));
    setCameras((cs) => cs.map((c) => (c.key === key ? { ...c, ...patch } : c)));
  };
  const addCamera = () => {
    const draft = newDraft();
    focusCamera.current = draft.key;
    setCameras((cs) => [...cs, draft]);
  };
  const removeCamera = (key: string) => {
    setCameras((cs) => cs.filter((c) => c.key !== key));
    setErrors({});
    camerasTitleRef.current?.focus();
  };

  function fail(fieldErrors: FieldErrors, other: string[]) {
    setErrors(fieldErrors);
    setMessages(other);
    setFailures((n) => n + 1);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (sending.current) return;
    const problems: FieldErrors = { ...ownerProblems(owner, t) };
    cameras.forEach((c, i) => Object.assign(problems, draftProblems(c, `cameras/${i}/`, t)));
    if (!consent) problems.consent = t.errors.consent;
    if (Object.keys(problems).length) return fail(problems, []);

    const body: RegistrationBody = {
      owner: {
        name: owner.name.trim(),
        email: owner.email.trim(),
        ...(owner.phone.trim() ? { phone: owner.phone.trim(), contactBySms: owner.contactBySms } : {}),
        kind: owner.kind,
        ...(owner.kind !== 'resident' && owner.organization.trim() ? { organization: owner.organization.trim() } : {}),
        language,
      },
      cameras: cameras.map(inputOf),
      consent: true,
      website,
    };
    sending.current = true;
    setBusy(true);
    try {
      const res = await api.post<{ status: 'received'; cameraCount: number }>('/api/v1/registrations', body);
      setDone({ count: res.cameraCount, email: body.owner.email });
      setErrors({});
      setMessages([]);
      window.scrollTo(0, 0);
    } catch (err) {
      if (!(err instanceof ApiError)) return fail({}, [String(err)]);
      if (err.status === 400 && err.errors.length) {
        const known = new Set(orderedKeys(cameras.length));
        const { fields, other } = errorsFromServer(err.errors, known, (k) => k.replace(/(^|\/)stream$/, '$1stream/url'));
        for (const key of Object.keys(fields)) fields[key] = friendlier(key, fields[key]!, t);
        return fail(fields, other);
      }
      if (err.status === 413) return fail({}, [t.errors.tooLarge]);
      if (err.code === 'NETWORK') return fail({}, [t.errors.network]);
      // 409 (already received), 429 (too many from this address) and the rest: the server's own sentence.
      return fail({}, [err.detail]);
    } finally {
      sending.current = false;
      setBusy(false);
    }
  }

  if (done) {
    return (
      <PublicPage t={t} lang={lang} title={t.registerDocTitle}>
        <Done
          t={t}
          count={done.count}
          email={done.email}
          onMore={() => {
            setDone(undefined);
            setOwner(emptyOwner());
            setCameras([newDraft()]);
            setConsent(false);
          }}
        />
      </PublicPage>
    );
  }

  const summaryItems = orderedKeys(cameras.length)
    .filter((k) => errors[k])
    .map((key) => ({ key, message: errors[key]! }));
  const locale = mapLocaleOf(t);

  return (
    <PublicPage t={t} lang={lang} title={t.registerDocTitle}>
      <div className="public-intro">
        <h1>{t.registerTitle}</h1>
        <p>{t.registerIntro}</p>
      </div>
      <ErrorSummary ref={summaryRef} title={summaryItems.length ? t.errorSummary : t.notSent} items={summaryItems} messages={messages} />
      {loadError && (
        <p role="alert" className="message message-alert">
          {loadError}
        </p>
      )}
      <form className="register-form" onSubmit={submit} noValidate>
        <section className="form-section" aria-labelledby="about-title">
          <h2 id="about-title">
            <span className="step" aria-hidden="true">1</span>
            {t.aboutYou}
          </h2>
          <fieldset className="plain">
            <legend className="visually-hidden">{t.aboutYou}</legend>
            <OwnerFields owner={owner} onChange={changeOwner} language={language} onLanguage={setLanguage} errors={errors} t={t} />
          </fieldset>
        </section>

        <section className="form-section" aria-labelledby="cameras-title">
          <h2 id="cameras-title" ref={camerasTitleRef} tabIndex={-1}>
            <span className="step" aria-hidden="true">2</span>
            {t.yourCameras}
          </h2>
          <p className="section-intro">{t.camerasIntro}</p>
          {cameras.map((camera, i) => (
            <fieldset key={camera.key} className="camera" aria-labelledby={`${camera.key}-title`}>
              <legend className="camera-legend">
                <h3 id={`${camera.key}-title`} tabIndex={-1}>
                  {t.cameraHeading(i + 1)}
                </h3>
              </legend>
              {config ? (
                <CameraFields
                  draft={camera}
                  onChange={(patch) => changeCamera(camera.key, patch)}
                  number={i + 1}
                  prefix={`cameras/${i}/`}
                  errors={errors}
                  t={t}
                  config={config}
                  allowIntegrated={allowIntegrated}
                  mapLocale={locale}
                />
              ) : (
                <p className="muted">{t.loading}</p>
              )}
              {cameras.length > 1 && (
                <button type="button" className="button-secondary button-danger-quiet" onClick={() => removeCamera(camera.key)}>
                  {t.removeCamera(i + 1)}
                </button>
              )}
            </fieldset>
          ))}
          <button type="button" className="button-secondary add-camera" onClick={addCamera} disabled={cameras.length >= 50}>
            <span aria-hidden="true">+ </span>
            {t.addCamera}
          </button>
        </section>

        <section className="form-section" aria-labelledby="terms-title">
          <h2 id="terms-title">
            <span className="step" aria-hidden="true">3</span>
            {t.terms}
          </h2>
          <div className="terms" role="region" tabIndex={0} aria-label={t.termsRegion}>
            {terms ? <TermsText text={terms.text} /> : <p className="muted">{termsFailed ? t.termsFailed : t.loading}</p>}
          </div>
          <div className={errors.consent ? 'field check field-invalid' : 'field check'}>
            <input
              id={fieldId('consent')}
              type="checkbox"
              checked={consent}
              onChange={(e) => {
                clearErrors(['consent']);
                setConsent(e.target.checked);
              }}
              aria-describedby={errors.consent ? `${fieldId('consent')}-error` : undefined}
              aria-invalid={!!errors.consent || undefined}
            />
            <label htmlFor={fieldId('consent')}>{t.consent}</label>
            {errors.consent && (
              <p id={`${fieldId('consent')}-error`} className="field-error">
                {errors.consent}
              </p>
            )}
          </div>
          {/* Only bots fill this in; people neither see it nor reach it with the keyboard. */}
          <div className="visually-hidden" aria-hidden="true">
            <label htmlFor="website">{t.honeypot}</label>
            <input id="website" name="website" tabIndex={-1} autoComplete="off" value={website} onChange={(e) => setWebsite(e.target.value)} />
          </div>
          <button type="submit" className="button-primary submit" disabled={busy || !config || !terms}>
            {busy ? t.sending : t.submit}
          </button>
        </section>
      </form>
    </PublicPage>
  );
}

/** The terms are plain text with hard-wrapped lines; an indented line continues the one before it. */
function TermsText({ text }: { text: string }) {
  const paragraphs: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    if (/^\s/.test(line) && paragraphs.length) paragraphs[paragraphs.length - 1] += ` ${line.trim()}`;
    else paragraphs.push(line.trim());
  }
  return (
    <div className="terms-text">
      {paragraphs.map((p, i) => (
        <p key={i}>{p}</p>
      ))}
    </div>
  );
}

function Done({ t, count, email, onMore }: { t: Strings; count: number; email: string; onMore(): void }) {
  const titleRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => titleRef.current?.focus(), []);
  return (
    <div className="done">
      <h1 ref={titleRef} tabIndex={-1}>
        {t.doneTitle}
      </h1>
      <p role="status" className="message message-status">
        {t.doneReceived(count, email)}
      </p>
      <h2>{t.nextTitle}</h2>
      <ol className="next-steps">
        {t.nextSteps.map((step, i) => (
          <li key={i}>{step}</li>
        ))}
      </ol>
      <div className="done-actions">
        <button type="button" className="button-secondary" onClick={onMore}>
          {t.registerMore}
        </button>
        <a href="/connect/manage">{t.lostLink}</a>
      </div>
    </div>
  );
}

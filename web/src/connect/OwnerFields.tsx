// Step one of the registration: who registers, how to reach them, and in which language.
import { LANGUAGES, OWNER_KINDS, type Language, type OwnerKind } from '../api/cameras';
import { describedBy, Field, fieldId, Optional, type FieldErrors } from './form';
import { LANGUAGE_NAMES, type Strings } from './strings';

export interface OwnerDraft {
  name: string;
  email: string;
  phone: string;
  kind: OwnerKind;
  organization: string;
  contactBySms: boolean;
}

export const emptyOwner = (): OwnerDraft => ({ name: '', email: '', phone: '', kind: 'resident', organization: '', contactBySms: false });

export const OWNER_FIELD_KEYS = ['owner/language', 'owner/name', 'owner/email', 'owner/phone', 'owner/contactBySms', 'owner/kind', 'owner/organization'];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^[+0-9 ().-]{7,40}$/;

export function ownerProblems(o: OwnerDraft, t: Strings): FieldErrors {
  const errors: FieldErrors = {};
  if (!o.name.trim()) errors['owner/name'] = t.errors.name;
  if (!o.email.trim()) errors['owner/email'] = t.errors.email;
  else if (!EMAIL.test(o.email.trim())) errors['owner/email'] = t.errors.emailFormat;
  if (o.phone.trim() && !PHONE.test(o.phone.trim())) errors['owner/phone'] = t.errors.phone;
  return errors;
}

interface OwnerFieldsProps {
  owner: OwnerDraft;
  onChange(patch: Partial<OwnerDraft>): void;
  language: Language;
  onLanguage(language: Language): void;
  errors: FieldErrors;
  t: Strings;
}

export function OwnerFields({ owner, onChange, language, onLanguage, errors, t }: OwnerFieldsProps) {
  const id = (key: string) => fieldId(`owner/${key}`);
  const err = (key: string) => errors[`owner/${key}`];
  const input = (key: 'name' | 'email' | 'phone' | 'organization', hint?: string) => ({
    id: id(key),
    value: owner[key],
    onChange: (e: { target: { value: string } }) => onChange({ [key]: e.target.value }),
    'aria-describedby': describedBy(id(key), hint, err(key)),
    'aria-invalid': !!err(key) || undefined,
  });

  return (
    <>
      <Field id={id('language')} label={t.language} hint={t.languageHint}>
        <select id={id('language')} value={language} onChange={(e) => onLanguage(e.target.value as Language)} aria-describedby={`${id('language')}-hint`}>
          {LANGUAGES.map((l) => (
            <option key={l} value={l} lang={l}>
              {LANGUAGE_NAMES[l]}
            </option>
          ))}
        </select>
      </Field>
      <Field id={id('name')} label={t.name} error={err('name')}>
        <input {...input('name')} autoComplete="name" maxLength={200} />
      </Field>
      <Field id={id('email')} label={t.email} hint={t.emailHint} error={err('email')}>
        <input {...input('email', t.emailHint)} type="email" autoComplete="email" autoCapitalize="none" spellCheck={false} maxLength={320} />
      </Field>
      <Field id={id('phone')} label={<>{t.phone}<Optional text={t.optional} /></>} hint={t.phoneHint} error={err('phone')}>
        <input {...input('phone', t.phoneHint)} type="tel" autoComplete="tel" maxLength={40} />
      </Field>
      {owner.phone.trim() !== '' && (
        <div className="field check">
          <input id={id('contactBySms')} type="checkbox" checked={owner.contactBySms} onChange={(e) => onChange({ contactBySms: e.target.checked })} />
          <label htmlFor={id('contactBySms')}>{t.contactBySms}</label>
        </div>
      )}
      <Field id={id('kind')} label={t.ownerKind} error={err('kind')}>
        <select id={id('kind')} value={owner.kind} onChange={(e) => onChange({ kind: e.target.value as OwnerKind })} aria-describedby={describedBy(id('kind'), undefined, err('kind'))}>
          {OWNER_KINDS.map((k) => (
            <option key={k} value={k}>
              {t.ownerKinds[k]}
            </option>
          ))}
        </select>
      </Field>
      {owner.kind !== 'resident' && (
        <Field id={id('organization')} label={<>{t.organization}<Optional text={t.optional} /></>} error={err('organization')}>
          <input {...input('organization')} autoComplete="organization" maxLength={200} />
        </Field>
      )}
    </>
  );
}

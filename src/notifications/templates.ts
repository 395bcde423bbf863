// Messages to camera owners, in the owner's language. Plain text first; the HTML part is the same text, escaped,
// so nothing an owner typed (a name with markup in it) can become markup in a mail.
import type { Language } from '../db/schema.js';

export type TemplateName =
  | 'registration_received'
  | 'owner_link'
  | 'camera_verified'
  | 'camera_rejected'
  | 'camera_changes_requested'
  | 'camera_withdrawn'
  | 'footage_request'
  | 'footage_request_reminder';

interface Rendered {
  subject: string;
  text: string;
}

type Data = Record<string, unknown>;
type Template = (d: Data) => Rendered;

const s = (v: unknown) => String(v ?? '');
const cameraList = (d: Data) => ((d.cameras as string[] | undefined) ?? []).map((c) => `  - ${c}`).join('\n');

const en: Record<TemplateName, Template> = {
  registration_received: (d) => ({
    subject: 'Your cameras are registered with CameraConnect',
    text: `Hello ${s(d.name)},\n\nThank you for registering ${s(d.count)} camera(s) with the community camera program:\n${cameraList(d)}\n\nProgram staff will check the registration; you will hear from us when it is approved. Police may then ask you for footage when a crime happens nearby — you can always say no.\n\nSee, change, pause or withdraw your cameras at any time with this link (it works once and expires ${s(d.expiresAt)}):\n${s(d.link)}\n\nYou can ask for a new link at ${s(d.manageUrl)}.\n`,
  }),
  owner_link: (d) => ({
    subject: 'Your CameraConnect link',
    text: `Hello ${s(d.name)},\n\nHere is the link to see and manage your registered cameras. It works once and expires ${s(d.expiresAt)}:\n${s(d.link)}\n\nIf you did not ask for it, you can ignore this message.\n`,
  }),
  camera_verified: (d) => ({
    subject: 'Your camera registration is approved',
    text: `Hello ${s(d.name)},\n\nYour camera "${s(d.camera)}" is approved and part of the community camera program. You can pause or withdraw it at any time from ${s(d.manageUrl)}.\n`,
  }),
  camera_rejected: (d) => ({
    subject: 'Your camera registration was not approved',
    text: `Hello ${s(d.name)},\n\nYour camera "${s(d.camera)}" could not be approved. The reason given by program staff:\n\n  ${s(d.reason)}\n\nQuestions? Reply to this message.\n`,
  }),
  camera_changes_requested: (d) => ({
    subject: 'Please update your camera registration',
    text: `Hello ${s(d.name)},\n\nProgram staff ask you to change something in the registration of "${s(d.camera)}":\n\n  ${s(d.reason)}\n\nAsk for a link to edit it at ${s(d.manageUrl)}.\n`,
  }),
  footage_request: (d) => ({
    subject: 'Police ask for footage from your camera',
    text: `Hello ${s(d.name)},\n\nThe police ask whether your camera(s) recorded something between ${s(d.windowFrom)} and ${s(d.windowTo)}:\n${cameraList(d)}\n\nWhy: ${s(d.reason)}\n\nYou can share the recording or decline; declining has no consequence. Answer with this link (it works once; the request expires ${s(d.expiresAt)}):\n${s(d.link)}\n`,
  }),
  footage_request_reminder: (d) => ({
    subject: 'Reminder: a request for footage from your camera',
    text: `Hello ${s(d.name)},\n\nA request for footage from your camera is still open until ${s(d.expiresAt)}.\n\nWhy: ${s(d.reason)}\n\nAnswer (share or decline) from your page: ask for a link at ${s(d.manageUrl)}.\n`,
  }),
  camera_withdrawn: (d) => ({
    subject: 'Your cameras are withdrawn from CameraConnect',
    text: `Hello ${s(d.name)},\n\nAs you asked, ${s(d.count)} camera(s) left the community camera program; police will not ask you for their footage. ${s(d.erasure)}\n`,
  }),
};

const es: Partial<Record<TemplateName, Template>> = {
  registration_received: (d) => ({
    subject: 'Sus cámaras están registradas en CameraConnect',
    text: `Hola ${s(d.name)}:\n\nGracias por registrar ${s(d.count)} cámara(s) en el programa comunitario de cámaras:\n${cameraList(d)}\n\nEl personal del programa revisará el registro y le avisará cuando esté aprobado. La policía podrá pedirle grabaciones cuando ocurra un delito cerca; siempre puede decir que no.\n\nVea, cambie, pause o retire sus cámaras en cualquier momento con este enlace (funciona una sola vez y vence ${s(d.expiresAt)}):\n${s(d.link)}\n\nPuede pedir un enlace nuevo en ${s(d.manageUrl)}.\n`,
  }),
  owner_link: (d) => ({
    subject: 'Su enlace de CameraConnect',
    text: `Hola ${s(d.name)}:\n\nEste es el enlace para ver y administrar sus cámaras registradas. Funciona una sola vez y vence ${s(d.expiresAt)}:\n${s(d.link)}\n\nSi no lo pidió, puede ignorar este mensaje.\n`,
  }),
};

const byLanguage: Partial<Record<Language, Partial<Record<TemplateName, Template>>>> = { en, es };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Renders a template in the language asked for, falling back to English where no translation exists yet. */
export function renderTemplate(name: TemplateName, language: string, data: Data): Rendered & { html: string; language: string } {
  const localized = byLanguage[language as Language]?.[name];
  const used = localized ? language : 'en';
  const rendered = (localized ?? en[name])(data);
  const html = `<!doctype html><html lang="${used}"><body><pre style="font-family:sans-serif;white-space:pre-wrap">${escapeHtml(rendered.text)}</pre></body></html>`;
  return { ...rendered, html, language: used };
}

// The program terms an owner consents to. A new version gets a new id; each owner records the version agreed to.
export const CONSENT_VERSION = '2026-11-v1';

export const TERMS_TEXT = `CameraConnect program terms (version ${CONSENT_VERSION})

1. You register cameras you own or manage. Registration is voluntary and costs nothing.
2. Police may ask you for footage when a crime happens near one of your cameras. Every request says why, for which
   time, and which staff member asked. You may decline any request; declining has no consequence.
3. Police never get access to your cameras or recordings without your action, except for "integrated" cameras:
   a business or property manager may choose to let the real-time crime center view the live stream while an
   incident is active nearby. Every such view is recorded and counted in the public figures.
4. Your name, email and phone are used only to contact you about the program. Your cameras' locations are never
   published; the public map shows only how many cameras an area has.
5. You can pause or withdraw any camera at any time with the link we email you. When you withdraw, your cameras
   leave the program at once and your personal data is deleted after the retention period stated on the page.
6. You can download everything the program holds about you at any time.`;

// Opening the owner page from a mailed link: the token travels in the URL fragment (never sent to servers or in
// Referer headers), is taken out of the address bar at once, and is exchanged for an httpOnly session cookie.
import { api, getBlob } from '../api/http';
import type { OwnerOverview } from '../api/cameras';

let taken: { token: string | undefined } | undefined;

/** The link token of this page load, removed from the address bar the first time it is read. */
export function takeLinkToken(): string | undefined {
  if (!taken) {
    const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
    const token = params.get('token') ?? undefined;
    if (token !== undefined) window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    taken = { token };
  }
  return taken.token;
}

let opening: Promise<OwnerOverview> | undefined;

/** A link works once: however often the page asks (React runs effects twice in development), it is used once. */
export function openOwnerSession(token: string): Promise<OwnerOverview> {
  opening ??= api.post<OwnerOverview>('/api/v1/owner/session', { token });
  return opening;
}

/** Saves a server answer (the data export) as a file, without navigating away from the page. */
export async function downloadFile(path: string, filename: string): Promise<void> {
  const url = URL.createObjectURL(await getBlob(path));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked a moment later: revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// One footage request out and its owner signed in, as the evidence tests start: the server listens on a free port, a
// shop's PTZ camera is imported, a robbery is reported in front of it, an operator asks the shop for footage, the
// request goes out, and the owner opens the page with a link (the cookie a browser would hold).
import type { Database } from '../../src/db/client.js';
import { issueOwnerLink } from '../../src/cameras/owner-links.js';
import { CLI_ACTOR } from '../../src/staff/staff.service.js';
import { createAndSignIn, listen, type SignedIn, type TestApp } from './app.js';

const SHOP_CSV = `external_ref,lat,lng,kind,bearing_deg,fov_deg,range_m,retention_days,owner_email,owner_name,owner_kind
shop-1,38.9000,-77.0300,ptz,,360,40,30,shop@example.org,Corner Shop,business
`;

/** tus Upload-Metadata: each value base64. */
export const tusMetadata = (o: Record<string, string>) =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');

export interface FootageAsked {
  base: string;
  operator: SignedIn;
  requestId: string;
  ownerId: string;
  ownerCookie: string;
}

export async function askShopForFootage(sut: TestApp, database: Database): Promise<FootageAsked> {
  const base = await listen(sut);
  await sut.ctx.importer.import(SHOP_CSV, { format: 'csv' }, CLI_ACTOR);
  const operator = await createAndSignIn(sut, ['operator']);
  const apiKey = (await sut.ctx.staff.createApiKey({ agencyName: 'Metro PD', name: 'CAD', role: 'operator' }, CLI_ACTOR)).key;
  const inc = await sut.app.inject({ method: 'POST', url: '/api/v1/incidents', headers: { authorization: `Bearer ${apiKey}` }, payload: { source: 'cad', externalId: 'E-1', type: 'ROBBERY', priority: 2, occurredAt: new Date(Date.now() - 20 * 60_000).toISOString(), location: { lat: 38.90002, lng: -77.03, accuracyM: 5 } } });
  const asked = await sut.app.inject({ method: 'POST', url: `/api/v1/incidents/${inc.json().id}/requests`, headers: operator.headers, payload: { purposeCode: 'criminal-investigation', reason: 'A robbery happened in front of your shop.' } });
  const { requestId, ownerId } = asked.json().outcomes[0] as { requestId: string; ownerId: string };
  await sut.ctx.requests.housekeeping();
  const link = await database.db.transaction((tx) => issueOwnerLink(tx, sut.ctx.box, ownerId, base, 60, new Date()));
  const opened = await fetch(`${base}/api/v1/owner/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: link.token }) });
  return { base, operator, requestId, ownerId, ownerCookie: opened.headers.get('set-cookie')!.split(';')[0]! };
}

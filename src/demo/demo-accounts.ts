// Demo staff accounts. Their TOTP seeds are enrolled in advance and kept beside the data (demo-accounts.json)
// so that `watchfloor demo` can print the current code: only for these accounts, only in the demo.
import fs from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../context.js';
import type { Role } from '../db/schema.js';
import { CLI_ACTOR } from '../staff/staff.service.js';
import * as staffRepo from '../staff/staff.repository.js';
import { newTotpSecret, totpCode } from '../auth/totp.js';

export const DEMO_AGENCY = 'Metropolitan Police Department (demo)';
export const DEMO_PASSWORD = 'watchfloor-demo';
export const DEMO_FILE = 'demo-accounts.json';

export const DEMO_ACCOUNTS: { username: string; displayName: string; roles: Role[]; agency?: string; agencyKind?: 'federal' }[] = [
  { username: 'operator', displayName: 'Dana Operator', roles: ['operator'] },
  { username: 'supervisor', displayName: 'Sam Supervisor', roles: ['supervisor', 'operator'] },
  { username: 'admin', displayName: 'Alex Admin', roles: ['admin'] },
  { username: 'auditor', displayName: 'Ari Auditor', roles: ['auditor'] },
  { username: 'partner', displayName: 'Pat Partner (ATF)', roles: ['partner'], agency: 'ATF Washington Field Division (demo)', agencyKind: 'federal' },
];

export interface DemoAccountFile {
  password: string;
  accounts: { username: string; totpSecret: string }[];
}

/** Creates the demo accounts that are missing; returns the seeds of all of them. */
export async function seedDemoAccounts(ctx: AppContext): Promise<DemoAccountFile> {
  const file = path.join(ctx.config.dataDir, DEMO_FILE);
  const known: DemoAccountFile = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { password: DEMO_PASSWORD, accounts: [] };
  for (const account of DEMO_ACCOUNTS) {
    const existing = await staffRepo.findUserByUsername(ctx.database.db, account.username);
    if (existing && known.accounts.some((a) => a.username === account.username)) continue;
    if (existing) continue; // made by someone else: leave it alone
    const { user } = await ctx.staff.createUser(
      { agencyName: account.agency ?? DEMO_AGENCY, agencyKind: account.agencyKind, username: account.username, displayName: account.displayName, password: DEMO_PASSWORD, roles: account.roles },
      CLI_ACTOR,
    );
    const secret = newTotpSecret();
    await staffRepo.updateUser(ctx.database.db, user.id, { totpSecretEnc: ctx.box.seal(secret, `totp:${user.id}`) });
    known.accounts = known.accounts.filter((a) => a.username !== account.username).concat({ username: account.username, totpSecret: secret });
  }
  fs.mkdirSync(ctx.config.dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(known, null, 2), { mode: 0o600 });
  return known;
}

export function readDemoAccounts(dataDir: string): DemoAccountFile | undefined {
  const file = path.join(dataDir, DEMO_FILE);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as DemoAccountFile) : undefined;
}

export function demoCode(accounts: DemoAccountFile, username: string, at = new Date()): string | undefined {
  const account = accounts.accounts.find((a) => a.username === username);
  return account ? totpCode(account.totpSecret, at) : undefined;
}

// Agencies, staff accounts and API keys: what admins (and the CLI) may do with them, each change audited.
import type { Db, Tx } from '../db/client.js';
import { ROLES, type AgencyKind, type Role } from '../db/schema.js';
import { AppError, conflict, invalid, notFound } from '../errors.js';
import { appendAudit, type AuditEvent } from '../audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import { randomToken, sha256Hex } from '../platform/crypto.js';
import { hashPassword, passwordProblem } from '../auth/passwords.js';
import * as repo from './staff.repository.js';
import type { Agency, ApiKey, StaffUser } from './staff.repository.js';
import * as sessionRepo from '../auth/session.repository.js';

/** Who made a change, as the audit trail records it. */
export interface Actor {
  actorType: AuditEvent['actorType'];
  actorId?: string | null;
  actorName: string;
  agencyId?: string | null;
  requestId?: string | null;
}

export const CLI_ACTOR: Actor = { actorType: 'system', actorName: 'cli' };

/** Staff as the API shows them: never the password hash or TOTP seed. */
export interface StaffView {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  roles: Role[];
  agencyId: string;
  totpEnrolled: boolean;
  lockedUntil: string | null;
  disabled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export function staffView(u: StaffUser): StaffView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    email: u.email,
    roles: u.roles,
    agencyId: u.agencyId,
    totpEnrolled: !!u.totpSecretEnc,
    lockedUntil: u.lockedUntil?.toISOString() ?? null,
    disabled: !!u.disabledAt,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
  };
}

export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  agencyId: string;
  prefix: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
}

export function apiKeyView(k: ApiKey): ApiKeyView {
  return {
    id: k.id,
    name: k.name,
    role: k.role,
    agencyId: k.agencyId,
    prefix: k.prefix,
    createdBy: k.createdBy,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revoked: !!k.revokedAt,
  };
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,62}$/i;
const API_KEY_PREFIX = 'wfk_';

function checkRoles(roles: readonly string[]): Role[] {
  if (roles.length === 0) throw invalid('at least one role is required');
  for (const r of roles) if (!ROLES.includes(r as Role)) throw invalid(`unknown role "${r}"; roles are ${ROLES.join(', ')}`);
  if (roles.includes('partner') && roles.length > 1) throw invalid('the partner role cannot be combined with other roles');
  return [...new Set(roles)] as Role[];
}

export class StaffService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** Told of a key once its revocation has committed (the API-key cache forgets it). */
    private readonly apiKeyRevoked: (id: string) => void = () => {},
  ) {}

  private audit(tx: Tx, actor: Actor, event: Omit<AuditEvent, 'actorType'>) {
    return appendAudit(tx, { ...actor, ...event }, this.clock.now());
  }

  /** Finds the agency by name, creating it (audited) when none has that name. */
  private async agencyByName(tx: Tx, name: string, kind: AgencyKind | undefined, actor: Actor): Promise<{ agency: Agency; created: boolean }> {
    const existing = await repo.findAgencyByName(tx, name);
    if (existing) return { agency: existing, created: false };
    const agency = await repo.insertAgency(tx, name.trim(), kind ?? 'local');
    await this.audit(tx, actor, { action: 'agency.create', targetType: 'agency', targetId: agency.id, details: { name: agency.name, kind: agency.kind } });
    return { agency, created: true };
  }

  async createAgency(name: string, kind: AgencyKind, actor: Actor): Promise<Agency> {
    if (!name.trim()) throw invalid('an agency needs a name');
    return this.db.transaction(async (tx) => {
      if (await repo.findAgencyByName(tx, name)) throw conflict(`an agency named "${name}" already exists`);
      return (await this.agencyByName(tx, name, kind, actor)).agency;
    });
  }

  listAgencies(): Promise<Agency[]> {
    return repo.listAgencies(this.db);
  }

  async createUser(
    input: { agencyName: string; agencyKind?: AgencyKind; username: string; displayName?: string; email?: string | null; password: string; roles: readonly string[] },
    actor: Actor,
  ): Promise<{ user: StaffUser; agency: Agency; agencyCreated: boolean }> {
    if (!USERNAME_PATTERN.test(input.username)) {
      throw invalid('a username is 2–63 letters, digits, dots, dashes or underscores, starting with a letter or digit');
    }
    const roles = checkRoles(input.roles);
    const problem = passwordProblem(input.password, input.username);
    if (problem) throw invalid(problem);
    const passwordHash = await hashPassword(input.password);
    return this.db.transaction(async (tx) => {
      if (await repo.findUserByUsername(tx, input.username)) throw conflict(`the username "${input.username}" is taken`);
      const { agency, created } = await this.agencyByName(tx, input.agencyName, input.agencyKind, actor);
      const user = await repo.insertUser(tx, {
        agencyId: agency.id,
        username: input.username,
        displayName: input.displayName?.trim() || input.username,
        email: input.email ?? null,
        passwordHash,
        roles,
      });
      await this.audit(tx, actor, { action: 'staff.create', targetType: 'staff_user', targetId: user.id, details: { username: user.username, roles, agency: agency.name } });
      return { user, agency, agencyCreated: created };
    });
  }

  listUsers(agencyId?: string): Promise<StaffUser[]> {
    return repo.listUsers(this.db, agencyId);
  }

  /** Applies an admin's change to an account; every kind of change is its own audited action. */
  async changeUser(id: string, change: 'unlock' | 'disable' | 'enable' | 'reset-totp', actor: Actor): Promise<StaffUser> {
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const user = await repo.findUser(tx, id);
      if (!user) throw notFound('that staff account');
      if (actor.actorId === id && change !== 'unlock') throw new AppError('FORBIDDEN', 'you cannot do that to your own account');
      const patch =
        change === 'unlock'
          ? { failedAttempts: 0, lockedUntil: null }
          : change === 'disable'
            ? { disabledAt: now }
            : change === 'enable'
              ? { disabledAt: null }
              : { totpSecretEnc: null, totpPendingEnc: null, totpLastStep: null };
      const updated = await repo.updateUser(tx, id, patch);
      // Disabling or resetting the second factor ends every session of that account at once.
      if (change === 'disable' || change === 'reset-totp') await sessionRepo.endUserSessions(tx, id, now);
      await this.audit(tx, actor, { action: `staff.${change}`, targetType: 'staff_user', targetId: id, details: { username: user.username } });
      return updated!;
    });
  }

  async setPassword(id: string, password: string, actor: Actor): Promise<void> {
    const user = await repo.findUser(this.db, id);
    if (!user) throw notFound('that staff account');
    const problem = passwordProblem(password, user.username);
    if (problem) throw invalid(problem);
    const passwordHash = await hashPassword(password);
    await this.db.transaction(async (tx) => {
      await repo.updateUser(tx, id, { passwordHash, failedAttempts: 0, lockedUntil: null });
      await sessionRepo.endUserSessions(tx, id, this.clock.now());
      await this.audit(tx, actor, { action: 'staff.password_set', targetType: 'staff_user', targetId: id, details: { username: user.username } });
    });
  }

  /** Creates an API key for a machine feed. The key is returned once and only its hash is stored. */
  async createApiKey(
    input: { agencyName: string; agencyKind?: AgencyKind; name: string; role: string },
    actor: Actor,
  ): Promise<{ key: string; record: ApiKey; agency: Agency; agencyCreated: boolean }> {
    const [role] = checkRoles([input.role]);
    if (!input.name.trim()) throw invalid('an API key needs a name (what feed uses it)');
    const key = API_KEY_PREFIX + randomToken(32);
    return this.db.transaction(async (tx) => {
      const { agency, created } = await this.agencyByName(tx, input.agencyName, input.agencyKind, actor);
      const record = await repo.insertApiKey(tx, {
        agencyId: agency.id,
        name: input.name.trim(),
        role: role!,
        prefix: key.slice(0, API_KEY_PREFIX.length + 6),
        keyHash: sha256Hex(key),
        createdBy: actor.actorName,
      });
      await this.audit(tx, actor, { action: 'apikey.create', targetType: 'api_key', targetId: record.id, details: { name: record.name, role, agency: agency.name } });
      return { key, record, agency, agencyCreated: created };
    });
  }

  listApiKeys(): Promise<ApiKey[]> {
    return repo.listApiKeys(this.db);
  }

  async revokeApiKey(id: string, actor: Actor): Promise<ApiKey> {
    const revoked = await this.db.transaction(async (tx) => {
      const row = await repo.revokeApiKey(tx, id, this.clock.now());
      if (!row) throw notFound('an active API key with that id');
      await this.audit(tx, actor, { action: 'apikey.revoke', targetType: 'api_key', targetId: id, details: { name: row.name } });
      return row;
    });
    this.apiKeyRevoked(id);
    return revoked;
  }
}

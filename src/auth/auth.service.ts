// Staff sign-in (password, then TOTP), server-side sessions with idle and absolute expiry, account lockout,
// and API-key authentication for machine feeds. Every outcome is written to the audit trail.
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Role } from '../db/schema.js';
import { AppError } from '../errors.js';
import { appendAudit, appendAuditAlone } from '../audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import { randomToken, sha256Hex, type SecretBox } from '../platform/crypto.js';
import * as staffRepo from '../staff/staff.repository.js';
import type { Agency, StaffUser } from '../staff/staff.repository.js';
import * as sessionRepo from './session.repository.js';
import { verifyAgainstDummy, verifyPassword } from './passwords.js';
import { matchTotp, newTotpSecret, totpQrDataUrl, totpUri } from './totp.js';

/** Who is making a request, once authenticated. */
export interface Principal {
  kind: 'staff' | 'api_key';
  id: string;
  name: string;
  displayName: string;
  roles: Role[];
  agency: { id: string; name: string; kind: Agency['kind'] };
  /** Present for cookie sessions: writes must echo the CSRF token. */
  session?: { tokenHash: string; csrfToken: string; expiresAt: Date; idleExpiresAt: Date };
}

export interface RequestContext {
  ip?: string | undefined;
  userAgent?: string | undefined;
  requestId?: string | undefined;
}

export interface TotpEnrollment {
  secret: string;
  otpauthUri: string;
  qrDataUrl: string;
}

export type LoginResult = { token: string; next: 'totp' } | { token: string; next: 'enroll'; enrollment: TotpEnrollment };

/** The password step opens a short "second factor pending" session; it cannot do anything but finish sign-in. */
const MFA_STEP_MINUTES = 5;
/** Last-seen time is written at most this often, to keep reads from turning into writes. */
const TOUCH_INTERVAL_MS = 15_000;

const totpContext = (userId: string) => `totp:${userId}`;

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
    private readonly clock: Clock,
    private readonly config: Pick<Config, 'sessionIdleMinutes' | 'sessionMaxHours' | 'lockoutThreshold' | 'lockoutMinutes' | 'apiKeyCacheSeconds'>,
  ) {}

  /**
   * API keys checked lately, by the key's hash: a feed posting many incidents a second is not looked up for each
   * one. Only keys found active are kept, for `apiKeyCacheSeconds`; revoking on this instance drops the key at
   * once (forgetApiKey).
   */
  readonly #apiKeys = new Map<string, { principal: Principal; checkedAt: number }>();

  async login(username: string, password: string, ctx: RequestContext): Promise<LoginResult> {
    const now = this.clock.now();
    const user = await staffRepo.findUserByUsername(this.db, username);
    if (!user || user.disabledAt) {
      await verifyAgainstDummy(password);
      await this.audit('auth.login', 'failure', ctx, { actorName: username, details: { reason: user ? 'disabled' : 'unknown user' } });
      throw new AppError('BAD_CREDENTIALS', 'The username or password is wrong.');
    }
    this.refuseIfLocked(user, now);
    if (!(await verifyPassword(user.passwordHash, password))) {
      await this.recordFailure(user, 'password', ctx);
      throw new AppError('BAD_CREDENTIALS', 'The username or password is wrong.');
    }

    const token = randomToken();
    let enrollment: TotpEnrollment | undefined;
    await this.db.transaction(async (tx) => {
      if (!user.totpSecretEnc) {
        const secret = newTotpSecret();
        const uri = totpUri(secret, user.username);
        enrollment = { secret, otpauthUri: uri, qrDataUrl: await totpQrDataUrl(uri) };
        await staffRepo.updateUser(tx, user.id, { totpPendingEnc: this.box.seal(secret, totpContext(user.id)) });
      }
      await sessionRepo.insertSession(tx, {
        tokenHash: sha256Hex(token),
        userId: user.id,
        stage: 'mfa',
        csrfToken: randomToken(24),
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + MFA_STEP_MINUTES * 60_000),
        ip: ctx.ip ?? null,
        userAgent: ctx.userAgent?.slice(0, 300) ?? null,
      });
    });
    return enrollment ? { token, next: 'enroll', enrollment } : { token, next: 'totp' };
  }

  /** Second step: a TOTP code turns the pending session into a full one, under a new token. */
  async completeSecondFactor(pendingToken: string, code: string, ctx: RequestContext): Promise<{ token: string; principal: Principal }> {
    const now = this.clock.now();
    const found = await sessionRepo.findLiveSession(this.db, sha256Hex(pendingToken));
    if (!found || found.session.stage !== 'mfa' || found.session.expiresAt <= now) {
      throw new AppError('SESSION_EXPIRED', 'Sign in with your password again; the code step has expired.');
    }
    const { user } = found;
    this.refuseIfLocked(user, now);
    const enrolling = !user.totpSecretEnc;
    const sealed = user.totpSecretEnc ?? user.totpPendingEnc;
    if (!sealed) throw new AppError('SESSION_EXPIRED', 'Sign in with your password again to set up the second factor.');
    const secret = this.box.open(sealed, totpContext(user.id));
    const step = matchTotp(secret, code.trim(), now);
    if (step === undefined || (user.totpLastStep !== null && step <= user.totpLastStep)) {
      const locked = await this.recordFailure(user, step === undefined ? 'totp' : 'totp replay', ctx);
      if (locked) await sessionRepo.updateSession(this.db, found.session.tokenHash, { endedAt: now });
      throw new AppError('BAD_TOTP', step === undefined ? 'The code is wrong or has expired.' : 'That code has already been used; wait for the next one.');
    }

    const token = randomToken();
    const session = {
      tokenHash: sha256Hex(token),
      userId: user.id,
      stage: 'active' as const,
      csrfToken: randomToken(24),
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.config.sessionMaxHours * 3_600_000),
      ip: ctx.ip ?? null,
      userAgent: ctx.userAgent?.slice(0, 300) ?? null,
    };
    await this.db.transaction(async (tx) => {
      await staffRepo.updateUser(tx, user.id, {
        totpLastStep: step,
        failedAttempts: 0,
        lockedUntil: null,
        lastLoginAt: now,
        ...(enrolling ? { totpSecretEnc: sealed, totpPendingEnc: null } : {}),
      });
      // A new token after the second factor: whoever saw the pending token cannot ride on the full session.
      await sessionRepo.updateSession(tx, found.session.tokenHash, { endedAt: now });
      await sessionRepo.insertSession(tx, session);
      const actor = { actorType: 'staff' as const, actorId: user.id, actorName: user.username, agencyId: user.agencyId };
      if (enrolling) {
        await appendAudit(tx, { ...actor, action: 'auth.totp_enrolled', targetType: 'staff_user', targetId: user.id, requestId: ctx.requestId ?? null }, now);
      }
      await appendAudit(
        tx,
        { ...actor, action: 'auth.login', targetType: 'staff_user', targetId: user.id, requestId: ctx.requestId ?? null, details: { ip: ctx.ip ?? null } },
        now,
      );
    });
    return { token, principal: this.principalOf(user, found.agency, { ...session, lastSeenAt: now }) };
  }

  /**
   * The principal behind a session cookie, or an error saying why there is none. Idle and absolute limits are
   * checked here; an ended session stays ended.
   */
  async resolveSession(token: string): Promise<{ stage: 'mfa' | 'active'; principal: Principal }> {
    const now = this.clock.now();
    const tokenHash = sha256Hex(token);
    const found = await sessionRepo.findLiveSession(this.db, tokenHash);
    if (!found) throw new AppError('UNAUTHENTICATED', 'Sign in to continue.');
    const { session, user, agency } = found;
    const reason = this.endReason(session, user, now);
    if (reason) {
      await this.db.transaction(async (tx) => {
        await sessionRepo.updateSession(tx, tokenHash, { endedAt: now });
        await appendAudit(
          tx,
          { actorType: 'staff', actorId: user.id, actorName: user.username, agencyId: user.agencyId, action: 'auth.session_ended', details: { reason } },
          now,
        );
      });
      throw new AppError(
        'SESSION_EXPIRED',
        reason === 'idle' ? `The session was locked after ${this.config.sessionIdleMinutes} idle minutes; sign in again.` : 'The session has ended; sign in again.',
      );
    }
    if (session.stage === 'active' && now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      await sessionRepo.updateSession(this.db, tokenHash, { lastSeenAt: now });
      session.lastSeenAt = now;
    }
    return { stage: session.stage, principal: this.principalOf(user, agency, session) };
  }

  /** Why a session must end now (its lifetime, idle time, or a disabled account), or undefined while it is good. */
  private endReason(session: sessionRepo.SessionRow, user: StaffUser, now: Date): 'lifetime' | 'idle' | 'disabled' | undefined {
    const idleLimit = new Date(session.lastSeenAt.getTime() + this.config.sessionIdleMinutes * 60_000);
    return session.expiresAt <= now ? 'lifetime' : session.stage === 'active' && idleLimit <= now ? 'idle' : user.disabledAt ? 'disabled' : undefined;
  }

  /**
   * Which of these sessions (by token hash) are still good, by the same rules as resolveSession, without counting
   * as activity: a live connection left open does not keep an idle session alive.
   */
  async stillValid(tokenHashes: readonly string[]): Promise<Set<string>> {
    const now = this.clock.now();
    const found = await sessionRepo.findLiveSessions(this.db, tokenHashes);
    return new Set(found.filter((f) => f.session.stage === 'active' && !this.endReason(f.session, f.user, now)).map((f) => f.session.tokenHash));
  }

  async logout(principal: Principal, ctx: RequestContext): Promise<void> {
    if (!principal.session) return;
    const now = this.clock.now();
    await this.db.transaction(async (tx) => {
      await sessionRepo.updateSession(tx, principal.session!.tokenHash, { endedAt: now });
      await appendAudit(
        tx,
        { actorType: 'staff', actorId: principal.id, actorName: principal.name, agencyId: principal.agency.id, action: 'auth.logout', requestId: ctx.requestId ?? null },
        now,
      );
    });
  }

  /** Authenticates a machine feed's `Authorization: Bearer <key>`. */
  async authenticateApiKey(key: string): Promise<Principal> {
    const keyHash = sha256Hex(key);
    const now = this.clock.now();
    const ttlMs = this.config.apiKeyCacheSeconds * 1000;
    const cached = this.#apiKeys.get(keyHash);
    if (cached && now.getTime() - cached.checkedAt < ttlMs && now.getTime() >= cached.checkedAt) return cached.principal;
    this.#apiKeys.delete(keyHash);
    const found = await staffRepo.findActiveApiKeyByHash(this.db, keyHash);
    if (!found) throw new AppError('UNAUTHENTICATED', 'The API key is unknown or has been revoked.');
    // last_used_at is kept to the minute; a cached key is touched again when it is next looked up.
    if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() > 60_000) await staffRepo.touchApiKey(this.db, found.id, now);
    const principal: Principal = {
      kind: 'api_key',
      id: found.id,
      name: found.name,
      displayName: found.name,
      roles: [found.role],
      agency: { id: found.agency.id, name: found.agency.name, kind: found.agency.kind },
    };
    if (ttlMs > 0) {
      // Keys are few; a bound keeps a flood of distinct valid keys from growing the map without end.
      if (this.#apiKeys.size >= 10_000) this.#apiKeys.clear();
      this.#apiKeys.set(keyHash, { principal, checkedAt: now.getTime() });
    }
    return principal;
  }

  /** Drops a revoked key from the cache, so that this instance refuses it from the next request. */
  forgetApiKey(id: string): void {
    for (const [hash, entry] of this.#apiKeys) if (entry.principal.id === id) this.#apiKeys.delete(hash);
  }

  private refuseIfLocked(user: StaffUser, now: Date): void {
    if (user.lockedUntil && user.lockedUntil > now) {
      const minutes = Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 60_000);
      throw new AppError('ACCOUNT_LOCKED', `Too many failed attempts: the account is locked for ${minutes} more minute(s), or until an admin unlocks it.`, {
        headers: { 'retry-after': String(minutes * 60) },
      });
    }
  }

  /** Counts a failure; returns true when it locked the account. */
  private async recordFailure(user: StaffUser, what: string, ctx: RequestContext): Promise<boolean> {
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const after = await staffRepo.recordFailedAttempt(tx, user.id, this.config.lockoutThreshold, new Date(now.getTime() + this.config.lockoutMinutes * 60_000));
      const locked = !!after?.lockedUntil && after.lockedUntil > now;
      const actor = { actorId: user.id, actorName: user.username, agencyId: user.agencyId };
      await appendAudit(tx, { actorType: 'anonymous', ...actor, action: 'auth.login', outcome: 'failure', requestId: ctx.requestId ?? null, details: { step: what, ip: ctx.ip ?? null } }, now);
      if (locked && !(user.lockedUntil && user.lockedUntil > now)) {
        await appendAudit(tx, { actorType: 'system', ...actor, action: 'auth.locked', targetType: 'staff_user', targetId: user.id, details: { failedAttempts: after?.failedAttempts } }, now);
      }
      return locked;
    });
  }

  private async audit(action: string, outcome: 'success' | 'failure', ctx: RequestContext, extra: { actorName?: string; details?: Record<string, unknown> }) {
    await appendAuditAlone(
      this.db,
      { actorType: 'anonymous', actorName: extra.actorName ?? null, action, outcome, requestId: ctx.requestId ?? null, details: { ...extra.details, ip: ctx.ip ?? null } },
      this.clock.now(),
    );
  }

  private principalOf(user: StaffUser, agency: Agency, session: { tokenHash: string; csrfToken: string; expiresAt: Date; lastSeenAt: Date }): Principal {
    const idleExpiresAt = new Date(session.lastSeenAt.getTime() + this.config.sessionIdleMinutes * 60_000);
    return {
      kind: 'staff',
      id: user.id,
      name: user.username,
      displayName: user.displayName,
      roles: user.roles,
      agency: { id: agency.id, name: agency.name, kind: agency.kind },
      session: {
        tokenHash: session.tokenHash,
        csrfToken: session.csrfToken,
        expiresAt: session.expiresAt,
        idleExpiresAt: idleExpiresAt < session.expiresAt ? idleExpiresAt : session.expiresAt,
      },
    };
  }
}

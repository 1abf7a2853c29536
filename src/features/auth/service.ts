// Logging in and out, the second factor, and turning a session cookie back into a viewer.
import type { AppContext } from '../../app.ts';
import { Invalid, TooManyRequests, Unauthorized } from '../../domain/errors.ts';
import type { Role } from '../../domain/roles.ts';
import { addSeconds, nowIso } from '../../store/time.ts';
import { requireUser } from '../../policy/authorize.ts';
import { ANONYMOUS, type Actor, type UserViewer } from '../../policy/viewer.ts';
import { appendAudit } from '../audit/service.ts';
import * as users from '../users/queries.ts';
import { toUser } from '../users/service.ts';
import type { User } from '../users/schemas.ts';
import { decoyHash, verifyPassword } from './passwords.ts';
import * as q from './queries.ts';
import { normaliseRecoveryCode, randomToken, recoveryCode, sha256Hex } from './tokens.ts';
import { acceptedTotpStep, newTotpSecret, otpauthUrl, qrSvg } from './totp.ts';
import { newId } from '../../store/ids.ts';

export interface Client {
  ip: string;
  userAgent: string;
}

export type LoginOutcome =
  | { stage: 'mfa'; sessionToken: string }
  | { stage: 'active'; sessionToken: string; csrfToken: string; user: User };

const INVALID_CREDENTIALS = 'e-mail or password is wrong';

function anonymousFrom(client: Client): Actor {
  return { viewer: ANONYMOUS, sourceIp: client.ip };
}

function userViewer(row: users.UserWithOrg): UserViewer {
  return {
    kind: 'user',
    userId: row.id,
    orgId: row.org_id,
    email: row.email,
    role: row.role as Role,
    via: 'session',
    passwordChangeRequired: row.password_change_required === 1,
  };
}

function assertNotLocked(row: users.UserWithOrg, now: string): void {
  if (row.locked_until && row.locked_until > now) {
    const seconds = Math.ceil((Date.parse(row.locked_until) - Date.parse(now)) / 1000);
    throw new TooManyRequests(`too many failed attempts: the account is locked for ${seconds} more seconds`, seconds);
  }
}

/** Counts a failed password or code; past the limit the account locks for a while. Audited either way. */
async function recordFailure(ctx: AppContext, row: users.UserWithOrg, client: Client, what: string): Promise<void> {
  await ctx.store.db.transaction().execute(async (tx) => {
    // Counted in the database, not from `row`: concurrent guesses all read the same stale count.
    const locks = (await q.incrementFailedLogins(tx, row.id)) >= ctx.config.maxFailedLogins;
    if (locks) await users.updateUser(tx, row.id, { failed_logins: 0, locked_until: addSeconds(nowIso(), ctx.config.lockoutSeconds) });
    await appendAudit(tx, ctx.store.engine, anonymousFrom(client), {
      action: 'auth.login_failed',
      objectType: 'user',
      objectId: row.id,
      orgId: row.org_id,
      details: { email: row.email, reason: what, ...(locks ? { lockedForSeconds: ctx.config.lockoutSeconds } : {}) },
    });
  });
}

async function startSession(ctx: AppContext, row: users.UserWithOrg, stage: 'mfa' | 'active', client: Client) {
  const sessionToken = randomToken();
  const csrfToken = randomToken();
  const now = nowIso();
  const ttl = stage === 'mfa' ? ctx.config.mfaChallengeTtlSeconds : ctx.config.sessionTtlSeconds;
  await ctx.store.db.transaction().execute(async (tx) => {
    await q.deleteExpiredSessions(tx, now);
    await q.insertSession(tx, {
      id: sha256Hex(sessionToken),
      user_id: row.id,
      stage,
      csrf_token: csrfToken,
      created_at: now,
      expires_at: addSeconds(now, ttl),
      last_seen_at: now,
      source_ip: client.ip,
      user_agent: client.userAgent.slice(0, 512),
    });
    if (stage === 'active') {
      await users.updateUser(tx, row.id, { failed_logins: 0, locked_until: null, last_login_at: now });
      await appendAudit(tx, ctx.store.engine, { viewer: userViewer(row), sourceIp: client.ip }, {
        action: 'auth.login',
        objectType: 'user',
        objectId: row.id,
        details: { secondFactor: row.totp_secret !== null },
      });
    }
  });
  return { sessionToken, csrfToken };
}

export async function login(ctx: AppContext, input: { email: string; password: string }, client: Client): Promise<LoginOutcome> {
  const email = input.email.trim().toLowerCase();
  const row = await users.findUserForLogin(ctx.store.db, email);
  if (!row) {
    await verifyPassword(await decoyHash(ctx.config.passwordHashing), input.password);
    await ctx.store.db.transaction().execute((tx) =>
      appendAudit(tx, ctx.store.engine, anonymousFrom(client), { action: 'auth.login_failed', details: { email, reason: 'unknown account' } }),
    );
    throw new Unauthorized(INVALID_CREDENTIALS);
  }
  assertNotLocked(row, nowIso());
  if (!(await verifyPassword(row.password_hash, input.password))) {
    await recordFailure(ctx, row, client, 'wrong password');
    throw new Unauthorized(INVALID_CREDENTIALS);
  }
  if (row.disabled === 1) {
    await recordFailure(ctx, row, client, 'account disabled');
    throw new Unauthorized(INVALID_CREDENTIALS);
  }
  if (row.totp_secret !== null) {
    const { sessionToken } = await startSession(ctx, row, 'mfa', client);
    return { stage: 'mfa', sessionToken };
  }
  const { sessionToken, csrfToken } = await startSession(ctx, row, 'active', client);
  return { stage: 'active', sessionToken, csrfToken, user: toUser((await users.findUserById(ctx.store.db, row.id))!) };
}

/** Second step: a TOTP code (each accepted once) or an unused recovery code. */
export async function completeMfaLogin(
  ctx: AppContext,
  challengeToken: string | undefined,
  code: string,
  client: Client,
): Promise<{ sessionToken: string; csrfToken: string; user: User }> {
  const now = nowIso();
  const challenge = challengeToken ? await q.findSession(ctx.store.db, sha256Hex(challengeToken)) : undefined;
  if (!challenge || challenge.stage !== 'mfa' || challenge.expires_at <= now) {
    throw new Unauthorized('log in with your password first');
  }
  const row = await users.findUserById(ctx.store.db, challenge.user_id);
  if (!row || row.disabled === 1 || row.totp_secret === null) throw new Unauthorized('log in with your password first');
  assertNotLocked(row, now);
  const accepted = await ctx.store.db.transaction().execute(async (tx) => {
    const step = acceptedTotpStep(row.totp_secret!, code.trim());
    if (step !== null && (await q.claimTotpStep(tx, row.id, step))) return 'totp';
    if (step === null && (await q.consumeRecoveryCode(tx, row.id, sha256Hex(normaliseRecoveryCode(code)), now))) {
      return 'recovery code';
    }
    return null;
  });
  if (!accepted) {
    await recordFailure(ctx, row, client, 'wrong second-factor code');
    throw new Unauthorized('the code is wrong or was already used');
  }
  await ctx.store.db.transaction().execute((tx) => q.deleteSession(tx, challenge.id));
  const { sessionToken, csrfToken } = await startSession(ctx, row, 'active', client);
  if (accepted === 'recovery code') {
    await ctx.store.db.transaction().execute((tx) =>
      appendAudit(tx, ctx.store.engine, { viewer: userViewer(row), sourceIp: client.ip }, {
        action: 'auth.recovery_code_used',
        objectType: 'user',
        objectId: row.id,
      }),
    );
  }
  return { sessionToken, csrfToken, user: toUser((await users.findUserById(ctx.store.db, row.id))!) };
}

export interface ResolvedSession {
  viewer: UserViewer;
  sessionId: string;
  csrfToken: string;
}

/** The viewer behind a session cookie, or undefined when it is unknown, expired, half-done or its user is disabled. */
export async function resolveSession(ctx: AppContext, sessionToken: string): Promise<ResolvedSession | undefined> {
  const id = sha256Hex(sessionToken);
  const session = await q.findSession(ctx.store.db, id);
  const now = nowIso();
  if (!session || session.stage !== 'active' || session.expires_at <= now) return undefined;
  const row = await users.findUserById(ctx.store.db, session.user_id);
  if (!row || row.disabled === 1) return undefined;
  // Refresh the last-seen time at most once a minute: a write per request would serialise reads.
  if (Date.parse(now) - Date.parse(session.last_seen_at) > 60_000) await q.touchSession(ctx.store.db, id, now);
  return { viewer: userViewer(row), sessionId: id, csrfToken: session.csrf_token };
}

export async function currentUser(ctx: AppContext, viewer: UserViewer): Promise<User> {
  const row = await users.findUserById(ctx.store.db, viewer.userId);
  if (!row) throw new Unauthorized();
  return toUser(row);
}

export async function logout(ctx: AppContext, actor: Actor, sessionId: string | undefined): Promise<void> {
  if (!sessionId) return;
  await ctx.store.db.transaction().execute(async (tx) => {
    await q.deleteSession(tx, sessionId);
    if (actor.viewer.kind === 'user') await appendAudit(tx, ctx.store.engine, actor, { action: 'auth.logout', objectType: 'user', objectId: actor.viewer.userId });
  });
}

// ---- second factor -------------------------------------------------------------------------

async function ownRow(ctx: AppContext, actor: Actor): Promise<users.UserWithOrg> {
  requireUser(actor.viewer);
  if (actor.viewer.via !== 'session') throw new Unauthorized('the second factor is managed in a browser session, not with an API key');
  const row = await users.findUserById(ctx.store.db, actor.viewer.userId);
  if (!row) throw new Unauthorized();
  return row;
}

/** Starts enrolment: a new secret is held as pending until a code from it is shown to work. */
export async function enrolMfa(ctx: AppContext, actor: Actor, issuer: string): Promise<{ secret: string; otpauthUrl: string; qrSvg: string }> {
  const row = await ownRow(ctx, actor);
  if (row.totp_secret !== null) throw new Invalid('mfa', 'a second factor is already active: disable it first');
  const secret = newTotpSecret();
  await users.updateUser(ctx.store.db, row.id, { totp_pending_secret: secret });
  const url = otpauthUrl(secret, row.email, issuer);
  return { secret, otpauthUrl: url, qrSvg: await qrSvg(url) };
}

async function issueRecoveryCodes(ctx: AppContext, tx: Parameters<typeof q.replaceRecoveryCodes>[0], userId: string): Promise<string[]> {
  const codes = Array.from({ length: 10 }, recoveryCode);
  await q.replaceRecoveryCodes(
    tx,
    userId,
    codes.map((code) => ({ id: newId(), code_hash: sha256Hex(normaliseRecoveryCode(code)) })),
  );
  return codes;
}

export async function activateMfa(ctx: AppContext, actor: Actor, code: string): Promise<{ recoveryCodes: string[] }> {
  const row = await ownRow(ctx, actor);
  if (row.totp_pending_secret === null) throw new Invalid('code', 'start enrolment first');
  const step = acceptedTotpStep(row.totp_pending_secret, code.trim());
  if (step === null) throw new Invalid('code', 'the code does not match: check the time on your device');
  return ctx.store.db.transaction().execute(async (tx) => {
    await users.updateUser(tx, row.id, {
      totp_secret: row.totp_pending_secret,
      totp_pending_secret: null,
      totp_last_step: step,
      modified_at: nowIso(),
    });
    const recoveryCodes = await issueRecoveryCodes(ctx, tx, row.id);
    await appendAudit(tx, ctx.store.engine, actor, { action: 'user.mfa_enable', objectType: 'user', objectId: row.id });
    return { recoveryCodes };
  });
}

async function confirmPassword(row: users.UserWithOrg, password: string): Promise<void> {
  if (!(await verifyPassword(row.password_hash, password))) throw new Invalid('password', 'does not match');
}

export async function disableMfa(ctx: AppContext, actor: Actor, password: string): Promise<void> {
  const row = await ownRow(ctx, actor);
  await confirmPassword(row, password);
  await ctx.store.db.transaction().execute(async (tx) => {
    await users.updateUser(tx, row.id, { totp_secret: null, totp_pending_secret: null, totp_last_step: null, modified_at: nowIso() });
    await q.replaceRecoveryCodes(tx, row.id, []);
    await appendAudit(tx, ctx.store.engine, actor, { action: 'user.mfa_disable', objectType: 'user', objectId: row.id });
  });
}

export async function regenerateRecoveryCodes(ctx: AppContext, actor: Actor, password: string): Promise<{ recoveryCodes: string[] }> {
  const row = await ownRow(ctx, actor);
  if (row.totp_secret === null) throw new Invalid('mfa', 'enable the second factor first');
  await confirmPassword(row, password);
  return ctx.store.db.transaction().execute(async (tx) => {
    const recoveryCodes = await issueRecoveryCodes(ctx, tx, row.id);
    await appendAudit(tx, ctx.store.engine, actor, { action: 'user.recovery_codes_regenerate', objectType: 'user', objectId: row.id });
    return { recoveryCodes };
  });
}

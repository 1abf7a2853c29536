// Use-cases on user accounts.
import { inTransaction, type AppContext } from '../../app.ts';
import type { Tx } from '../../store/db.ts';
import { Conflict, Invalid, NotFound } from '../../domain/errors.ts';
import { decodeCursor, pageOf } from '../../domain/cursor.ts';
import { isRole, type Role } from '../../domain/roles.ts';
import { normaliseEmail } from '../../domain/email.ts';
import { nowIso } from '../../store/time.ts';
import { authorize, requireIdentified, requireUser } from '../../policy/authorize.ts';
import { mayCreateUser, mayManageUser, mayRenameUser } from '../../policy/users.ts';
import type { Actor, Viewer } from '../../policy/viewer.ts';
import { appendAudit } from '../audit/service.ts';
import { organisationExists } from '../organisations/queries.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { deleteSessionsOfUser } from '../auth/queries.ts';
import * as q from './queries.ts';
import type { CreateUserInput, UpdateUserInput, User } from './schemas.ts';
import { newId } from '../../store/ids.ts';

export function toUser(row: q.UserWithOrg): User {
  return {
    id: row.id,
    orgId: row.org_id,
    orgName: row.org_name,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    disabled: row.disabled === 1,
    passwordChangeRequired: row.password_change_required === 1,
    mfaEnabled: row.totp_secret !== null,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
  };
}

export interface CreateUserOptions {
  /** The password was chosen by someone other than the user (an admin, the CLI): it must be changed at first login. */
  passwordChosenByOther?: boolean;
}

export async function createUser(ctx: AppContext, actor: Actor, input: CreateUserInput, options: CreateUserOptions = {}, outer?: Tx): Promise<User> {
  const email = normaliseEmail(input.email);
  if (!isRole(input.role)) throw new Invalid('role', 'unknown role');
  authorize(actor.viewer, mayCreateUser(actor.viewer, input.orgId, input.role), 'you may not create this account');
  const name = input.name.trim();
  if (!name) throw new Invalid('name', 'must not be blank');
  const passwordHash = await hashPassword(input.password, ctx.config.passwordHashing);
  return inTransaction(ctx, outer, async (tx) => {
    if (!(await organisationExists(tx, input.orgId))) throw new Invalid('orgId', 'no such organisation');
    if (await q.emailTaken(tx, email)) throw new Conflict('email', `an account with e-mail ${email} already exists`);
    const now = nowIso();
    const row: q.UserRow = {
      id: newId(),
      org_id: input.orgId,
      email,
      name,
      role: input.role,
      password_hash: passwordHash,
      disabled: 0,
      password_change_required: options.passwordChosenByOther ? 1 : 0,
      totp_secret: null,
      totp_pending_secret: null,
      totp_last_step: null,
      failed_logins: 0,
      locked_until: null,
      created_at: now,
      modified_at: now,
      last_login_at: null,
    };
    await q.insertUser(tx, row);
    await appendAudit(tx, ctx.store.engine, actor, {
      action: 'user.create',
      objectType: 'user',
      objectId: row.id,
      orgId: row.org_id,
      details: { email, role: row.role },
    });
    return toUser((await q.findUserById(tx, row.id))!);
  });
}

export async function getUser(ctx: AppContext, viewer: Viewer, id: string): Promise<User> {
  requireIdentified(viewer);
  const row = await q.findVisibleUser(ctx.store.db, viewer, id);
  if (!row) throw new NotFound('user');
  return toUser(row);
}

export async function listUsers(
  ctx: AppContext,
  viewer: Viewer,
  options: { orgId?: string | undefined; limit?: number | undefined; cursor?: string | undefined },
): Promise<{ items: User[]; nextCursor: string | null }> {
  requireIdentified(viewer);
  const limit = options.limit ?? 50;
  const after = decodeCursor(options.cursor, 1);
  const rows = await q.listVisibleUsers(ctx.store.db, viewer, {
    orgId: options.orgId,
    after: after ? { email: String(after[0]) } : undefined,
    limit: limit + 1,
  });
  const page = pageOf(rows, limit, (last) => [last.email]);
  return { items: page.rows.map(toUser), nextCursor: page.nextCursor };
}

export async function updateUser(ctx: AppContext, actor: Actor, id: string, input: UpdateUserInput): Promise<User> {
  const viewer = actor.viewer;
  requireIdentified(viewer);
  return ctx.store.db.transaction().execute(async (tx) => {
    const existing = await q.findVisibleUser(tx, viewer, id);
    if (!existing) throw new NotFound('user');
    const target = { id, orgId: existing.org_id, role: existing.role as Role };
    const changes: Partial<q.UserRow> = {};
    if (input.name !== undefined) {
      authorize(viewer, mayRenameUser(viewer, target), 'you may not rename this account');
      const name = input.name.trim();
      if (!name) throw new Invalid('name', 'must not be blank');
      changes.name = name;
    }
    if (input.role !== undefined && input.role !== existing.role) {
      authorize(viewer, mayManageUser(viewer, target, input.role), 'you may not give this role to this account');
      changes.role = input.role;
    }
    if (input.disabled !== undefined && (input.disabled ? 1 : 0) !== existing.disabled) {
      authorize(viewer, mayManageUser(viewer, target), 'you may not disable or enable this account');
      changes.disabled = input.disabled ? 1 : 0;
    }
    if (Object.keys(changes).length === 0) return toUser(existing);
    await q.updateUser(tx, id, { ...changes, modified_at: nowIso() });
    if (changes.disabled === 1) await deleteSessionsOfUser(tx, id);
    await appendAudit(tx, ctx.store.engine, actor, {
      action: changes.disabled === 1 ? 'user.disable' : changes.disabled === 0 ? 'user.enable' : 'user.update',
      objectType: 'user',
      objectId: id,
      orgId: existing.org_id,
      details: { ...changes, ...(changes.role ? { previousRole: existing.role } : {}) },
    });
    return toUser((await q.findUserById(tx, id))!);
  });
}

/** A user changes their own password; every other session of theirs ends. */
export async function changeOwnPassword(
  ctx: AppContext,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
  keepSessionId: string | undefined,
): Promise<void> {
  const viewer = actor.viewer;
  requireUser(viewer);
  const existing = await q.findUserById(ctx.store.db, viewer.userId);
  if (!existing || !(await verifyPassword(existing.password_hash, input.currentPassword))) {
    throw new Invalid('currentPassword', 'does not match');
  }
  if (input.currentPassword === input.newPassword) throw new Invalid('newPassword', 'must differ from the current password');
  const passwordHash = await hashPassword(input.newPassword, ctx.config.passwordHashing);
  await ctx.store.db.transaction().execute(async (tx) => {
    await q.updateUser(tx, viewer.userId, { password_hash: passwordHash, password_change_required: 0, modified_at: nowIso() });
    await deleteSessionsOfUser(tx, viewer.userId, keepSessionId);
    await appendAudit(tx, ctx.store.engine, actor, { action: 'user.password_change', objectType: 'user', objectId: viewer.userId });
  });
}

/** Looks an account up by e-mail for the operator's CLI. */
export async function findUserByEmail(ctx: AppContext, email: string): Promise<User> {
  const row = await q.findUserForLogin(ctx.store.db, email);
  if (!row) throw new NotFound(`user ${email}`);
  return toUser(row);
}


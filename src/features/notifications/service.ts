// Managing notices: a team's webhooks (outgoing, and incoming signed reports), preferences per team
// and per user, and the delivery log of an incident or a webhook.
import type { AppContext } from '../../app.ts';
import { newId } from '../../store/ids.ts';
import { fromJson, toJson } from '../../store/json.ts';
import { nowIso } from '../../store/time.ts';
import { Invalid, NotFound, Unauthorized } from '../../domain/errors.ts';
import { authorize, requireUser } from '../../policy/authorize.ts';
import { incidentsVisibleTo } from '../../policy/incidents.ts';
import { mayManageOwnPreferences, mayManageTeamNotifications, notificationsVisibleTo } from '../../policy/notifications.ts';
import type { Actor, Viewer } from '../../policy/viewer.ts';
import { appendAudit } from '../audit/service.ts';
import { describeNotification } from './delivery.ts';
import { TOPICS, type Topic } from './topics.ts';
import { checkWebhookUrl, newSecret, verifySignature } from './webhook-signature.ts';
import { readStoredSecret, sealSecret } from '../node/derived-keys.ts';

export interface WebhookView {
  id: string;
  orgId: string;
  direction: 'in' | 'out';
  url: string | null;
  topics: string[];
  enabled: boolean;
  createdAt: string;
}

function view(row: { id: string; org_id: string; direction: string; url: string | null; topics: string; enabled: number; created_at: string }): WebhookView {
  return { id: row.id, orgId: row.org_id, direction: row.direction as 'in' | 'out', url: row.url, topics: fromJson<string[]>(row.topics, []), enabled: row.enabled === 1, createdAt: row.created_at };
}

function checkTopics(topics: string[], field = 'topics'): string[] {
  topics.forEach((topic, i) => {
    if (topic !== '*' && !(TOPICS as readonly string[]).includes(topic)) throw new Invalid(`${field}[${i}]`, `unknown topic "${topic}" (known: ${TOPICS.join(', ')}, or *)`);
  });
  return [...new Set(topics)];
}

/** Registers a webhook for the caller's team; the secret is shown once. */
export async function createWebhook(
  ctx: AppContext,
  actor: Actor,
  input: { direction: 'in' | 'out'; url?: string | undefined; topics?: string[] | undefined },
): Promise<WebhookView & { secret: string }> {
  const viewer = actor.viewer;
  requireUser(viewer);
  authorize(viewer, mayManageTeamNotifications(viewer, viewer.orgId), "a team's webhooks are managed by its org-admin");
  let url: string | null = null;
  if (input.direction === 'out') {
    if (!input.url) throw new Invalid('url', 'is required for an outgoing webhook');
    url = checkWebhookUrl(input.url, ctx.config.webhookAllowedHosts).toString();
  } else if (input.url !== undefined) {
    throw new Invalid('url', 'an incoming webhook has no URL of its own: systems post to /api/v1/inbound/{id}');
  }
  const topics = input.direction === 'out' ? checkTopics(input.topics ?? ['*']) : [];
  const secret = newSecret();
  // Stored sealed: a copy of the database alone does not let anyone sign as the node or as the sender.
  const row = { id: newId(), org_id: viewer.orgId, direction: input.direction, url, secret: sealSecret(ctx.config.dataDir, secret), topics: toJson(topics), enabled: 1, created_at: nowIso() };
  await ctx.store.db.transaction().execute(async (tx) => {
    await tx.insertInto('webhook').values(row).execute();
    await appendAudit(tx, ctx.store.engine, actor, { action: 'webhook.create', objectType: 'webhook', objectId: row.id, orgId: viewer.orgId, details: { direction: input.direction, url, topics } });
  });
  return { ...view(row), secret };
}

export async function listWebhooks(ctx: AppContext, viewer: Viewer): Promise<WebhookView[]> {
  requireUser(viewer);
  const rows = await ctx.store.db.selectFrom('webhook').selectAll().where('org_id', '=', viewer.orgId).orderBy('created_at').execute();
  return rows.map(view);
}

async function teamWebhook(ctx: AppContext, viewer: Viewer, id: string) {
  requireUser(viewer);
  const row = await ctx.store.db.selectFrom('webhook').selectAll().where('id', '=', id).where('org_id', '=', viewer.orgId).executeTakeFirst();
  if (!row) throw new NotFound('webhook');
  return row;
}

export async function deleteWebhook(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  const row = await teamWebhook(ctx, actor.viewer, id);
  authorize(actor.viewer, mayManageTeamNotifications(actor.viewer, row.org_id), "a team's webhooks are managed by its org-admin");
  await ctx.store.db.transaction().execute(async (tx) => {
    // Queued deliveries stay in the log; the sender finds the hook gone and records why.
    await tx.deleteFrom('webhook').where('id', '=', id).execute();
    await appendAudit(tx, ctx.store.engine, actor, { action: 'webhook.delete', objectType: 'webhook', objectId: id, orgId: row.org_id });
  });
}

export async function webhookDeliveries(ctx: AppContext, viewer: Viewer, id: string) {
  await teamWebhook(ctx, viewer, id);
  const rows = await ctx.store.db.selectFrom('notification').selectAll().where('webhook_id', '=', id).where(notificationsVisibleTo(viewer)).orderBy('created_at', 'desc').limit(200).execute();
  return rows.map(describeNotification);
}

export async function incidentNotifications(ctx: AppContext, viewer: Viewer, incidentId: string) {
  requireUser(viewer);
  const visible = await ctx.store.db.selectFrom('incident').select('id').where('id', '=', incidentId).where(incidentsVisibleTo(viewer)).executeTakeFirst();
  if (!visible) throw new NotFound('incident');
  const rows = await ctx.store.db.selectFrom('notification').selectAll().where('incident_id', '=', incidentId).where(notificationsVisibleTo(viewer)).orderBy('created_at').execute();
  return rows.map(describeNotification);
}

// ------------------------------------------------------------------------------ preferences

export type PreferenceScope = 'team' | 'user';

/** Every topic with whether it reaches the scope by e-mail: teams default to on, users to off. */
export async function preferences(ctx: AppContext, viewer: Viewer, scope: PreferenceScope) {
  requireUser(viewer);
  const ownerId = scope === 'team' ? viewer.orgId : viewer.userId;
  const rows = await ctx.store.db.selectFrom('notification_preference').selectAll().where('owner_kind', '=', scope).where('owner_id', '=', ownerId).where('channel', '=', 'email').execute();
  return TOPICS.map((topic) => {
    const row = rows.find((r) => r.topic === topic);
    return { topic, channel: 'email' as const, enabled: row ? row.enabled === 1 : scope === 'team' };
  });
}

export async function setPreference(ctx: AppContext, actor: Actor, input: { scope: PreferenceScope; topic: Topic; enabled: boolean }) {
  const viewer = actor.viewer;
  requireUser(viewer);
  if (input.scope === 'team') authorize(viewer, mayManageTeamNotifications(viewer, viewer.orgId), "a team's preferences are set by its org-admin");
  else authorize(viewer, mayManageOwnPreferences(viewer), 'sign in to set your preferences');
  const ownerId = input.scope === 'team' ? viewer.orgId : viewer.userId;
  await ctx.store.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('notification_preference')
      .values({ owner_kind: input.scope, owner_id: ownerId, topic: input.topic, channel: 'email', enabled: input.enabled ? 1 : 0 })
      .onConflict((oc) => oc.columns(['owner_kind', 'owner_id', 'topic', 'channel']).doUpdateSet({ enabled: input.enabled ? 1 : 0 }))
      .execute();
    await appendAudit(tx, ctx.store.engine, actor, { action: 'notification.preference', objectType: input.scope, objectId: ownerId, details: { topic: input.topic, enabled: input.enabled } });
  });
  return preferences(ctx, viewer, input.scope);
}

// ---------------------------------------------------------------------------------- inbound

/** The team an incoming webhook reports for, once its signature over the raw body checks out. */
export async function authenticateInbound(ctx: AppContext, hookId: string, headers: { timestamp: string | undefined; signature: string | undefined }, rawBody: string): Promise<{ orgId: string; hookId: string }> {
  const hook = await ctx.store.db.selectFrom('webhook').select(['id', 'org_id', 'secret', 'enabled']).where('id', '=', hookId).where('direction', '=', 'in').executeTakeFirst();
  // Nothing is read from the body before the signature checks out.
  if (!hook || hook.enabled !== 1) throw new Unauthorized('unknown webhook or bad signature');
  verifySignature(readStoredSecret(ctx.config.dataDir, hook.secret), headers, rawBody);
  return { orgId: hook.org_id, hookId: hook.id };
}

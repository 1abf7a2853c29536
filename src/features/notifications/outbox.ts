// Notifications are written to an outbox in the transaction that caused them, so a change and its
// notices commit together; delivery (delivery.ts) sends them afterwards and retries, and a mail
// server being down never undoes the change.
import type { Tx } from '../../store/db.ts';
import type { NotificationTable } from '../../store/schema.ts';
import { newId } from '../../store/ids.ts';
import { fromJson, toJson } from '../../store/json.ts';
import { nowIso } from '../../store/time.ts';
import type { OrganisationContacts } from '../../domain/organisation.ts';
import { TOPICS, type Topic } from './topics.ts';

export interface TeamNotice {
  topic: Topic;
  incidentId: string | null;
  orgIds: string[];
  subject: string;
  body: string;
}

/** Queues a notice to each team's role address (unless the team turned the topic off), to the
 *  team's users who asked for the topic, and to the team's outgoing webhooks subscribed to it. */
export async function notifyTeams(tx: Tx, notice: TeamNotice): Promise<number> {
  const orgIds = [...new Set(notice.orgIds)];
  if (orgIds.length === 0) return 0;
  if (!TOPICS.includes(notice.topic)) throw new Error(`unknown notification topic ${notice.topic}`);
  const [teams, preferences, users, hooks] = await Promise.all([
    tx.selectFrom('organisation').select(['id', 'contacts', 'pgp_public_key']).where('id', 'in', orgIds).execute(),
    tx.selectFrom('notification_preference').selectAll().where('topic', '=', notice.topic).where('channel', '=', 'email').execute(),
    tx.selectFrom('app_user').select(['id', 'org_id', 'email']).where('org_id', 'in', orgIds).where('disabled', '=', 0).execute(),
    tx.selectFrom('webhook').select(['id', 'org_id', 'url', 'topics']).where('org_id', 'in', orgIds).where('direction', '=', 'out').where('enabled', '=', 1).execute(),
  ]);
  const choice = (kind: 'team' | 'user', id: string) => preferences.find((p) => p.owner_kind === kind && p.owner_id === id)?.enabled;
  const now = nowIso();
  const rows: Parameters<typeof insertNotifications>[1] = [];
  const base = { topic: notice.topic, incident_id: notice.incidentId, subject: notice.subject, status: 'pending', attempts: 0, next_attempt_at: now, last_error: null, created_at: now, sent_at: null };
  for (const team of teams) {
    const roleEmail = fromJson<OrganisationContacts>(team.contacts, {}).roleEmail;
    // A team receives every topic at its role address unless it turned the topic off.
    if (roleEmail && choice('team', team.id) !== 0) {
      rows.push({ ...base, id: newId(), channel: 'email', org_id: team.id, user_id: null, webhook_id: null, target: roleEmail, body: notice.body, encrypted: team.pgp_public_key ? 1 : 0 });
    }
  }
  // Users hear of a topic only when they asked for it.
  for (const user of users) {
    if (choice('user', user.id) === 1) {
      // A person's own mailbox gets a pointer only: the details stay behind the sign-in and the team's key.
      const pointer = `${notice.subject}\n\nSign in to Sanad to read the details.\n`;
      rows.push({ ...base, id: newId(), channel: 'email', org_id: user.org_id, user_id: user.id, webhook_id: null, target: user.email, body: pointer, encrypted: 0 });
    }
  }
  for (const hook of hooks) {
    const topics = fromJson<string[]>(hook.topics, []);
    if (!hook.url || !(topics.includes(notice.topic) || topics.includes('*'))) continue;
    const payload = { topic: notice.topic, incidentId: notice.incidentId, orgId: hook.org_id, subject: notice.subject, text: notice.body, at: now };
    rows.push({ ...base, id: newId(), channel: 'webhook', org_id: hook.org_id, user_id: null, webhook_id: hook.id, target: hook.url, body: toJson(payload), encrypted: 0 });
  }
  await insertNotifications(tx, rows);
  return rows.length;
}

async function insertNotifications(tx: Tx, rows: NotificationTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await tx.insertInto('notification').values(rows.slice(i, i + 200)).execute();
}

/** Queues a signed notice to one address outside the directory (a public reporter). */
export async function notifyAddress(tx: Tx, notice: { topic: Topic; incidentId: string | null; to: string; subject: string; body: string }): Promise<void> {
  const now = nowIso();
  await insertNotifications(tx, [
    { id: newId(), channel: 'email', topic: notice.topic, org_id: null, user_id: null, webhook_id: null, incident_id: notice.incidentId, target: notice.to, subject: notice.subject, body: notice.body, status: 'pending', attempts: 0, next_attempt_at: now, last_error: null, encrypted: 0, created_at: now, sent_at: null },
  ]);
}

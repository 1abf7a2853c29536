// Sends what the outbox holds: e-mail through SMTP (nodemailer), PGP-encrypted to the team's key and
// signed by the node; webhooks as signed JSON posts. A failed delivery is retried with exponential
// back-off and its error kept, so its state is visible; after the last attempt it is marked failed.
import nodemailer, { type Transporter } from 'nodemailer';
import type { AppContext } from '../../app.ts';
import { newId } from '../../store/ids.ts';
import { toJson } from '../../store/json.ts';
import { nowIso } from '../../store/time.ts';
import type { NotificationTable } from '../../store/schema.ts';
import { composeEncrypted, composeSigned } from './mail.ts';
import { nodeSigningKey } from './signing-key.ts';
import { checkDeliveryTarget, signPayload, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook-signature.ts';
import { readStoredSecret } from '../node/derived-keys.ts';

export const MAX_ATTEMPTS = 8;
const FIRST_RETRY_SECONDS = 30;
const LAST_RETRY_SECONDS = 3600;
// A claimed delivery is invisible to other senders this long; enough for a slow SMTP exchange.
const CLAIM_SECONDS = 300;
const WEBHOOK_TIMEOUT_MS = 10_000;

export function retryDelaySeconds(attempts: number): number {
  return Math.min(LAST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** Math.max(0, attempts - 1));
}

export interface DeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
}

const transports = new Map<string, Transporter>();
function transportFor(url: string): Transporter {
  let transport = transports.get(url);
  if (!transport) {
    transport = nodemailer.createTransport(url);
    transports.set(url, transport);
  }
  return transport;
}

async function sendEmail(ctx: AppContext, row: NotificationTable): Promise<{ encrypted: boolean }> {
  if (!ctx.config.smtpUrl) throw new Error('no SMTP server configured (SANAD_SMTP_URL)');
  const team = row.org_id ? await ctx.store.db.selectFrom('organisation').select(['pgp_public_key']).where('id', '=', row.org_id).executeTakeFirst() : undefined;
  const { privateKey } = await nodeSigningKey(ctx);
  const reference = /^\[[^\]]+\]/.exec(row.subject)?.[0] ?? '[Sanad]';
  const notice = { from: ctx.config.mailFrom, to: row.target, subject: row.subject, body: row.body, encryptedSubject: `${reference} Sanad notification (encrypted)`, messageId: `${row.id}@sanad` };
  // Mail to a person's own address is a pointer only (see outbox.ts); the team's key is for its role address.
  const encryptTo = row.user_id === null ? team?.pgp_public_key : null;
  const raw = encryptTo ? await composeEncrypted(notice, encryptTo, privateKey) : await composeSigned(notice, privateKey);
  await transportFor(ctx.config.smtpUrl).sendMail({ envelope: { from: ctx.config.mailFrom, to: [row.target] }, raw });
  return { encrypted: Boolean(encryptTo) };
}

async function postWebhook(ctx: AppContext, row: NotificationTable): Promise<void> {
  const hook = row.webhook_id ? await ctx.store.db.selectFrom('webhook').select(['secret', 'enabled']).where('id', '=', row.webhook_id).executeTakeFirst() : undefined;
  if (!hook || hook.enabled !== 1) throw new Error('the webhook was removed or disabled');
  const url = new URL(row.target);
  await checkDeliveryTarget(url, ctx.config.webhookAllowedHosts);
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Sanad-Webhook/1',
      'x-sanad-topic': row.topic,
      'x-sanad-delivery': row.id,
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signPayload(readStoredSecret(ctx.config.dataDir, hook.secret), timestamp, row.body),
    },
    body: row.body,
  });
  await response.body?.cancel();
  if (response.status < 200 || response.status >= 300) throw new Error(`the receiver answered HTTP ${response.status}`);
}

/** Sends every notice due at `now` (at most `limit`), each claimed first so two senders never both send it. */
export async function deliverDue(ctx: AppContext, options: { now?: Date; limit?: number } = {}): Promise<DeliveryReport> {
  const now = options.now ?? new Date();
  const due = await ctx.store.db
    .selectFrom('notification')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now.toISOString())
    .orderBy('next_attempt_at')
    .limit(options.limit ?? 100)
    .execute();
  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0 };
  for (const row of due) {
    const claimedUntil = new Date(now.getTime() + CLAIM_SECONDS * 1000).toISOString();
    const claim = await ctx.store.db
      .updateTable('notification')
      .set({ next_attempt_at: claimedUntil })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '=', row.next_attempt_at)
      .executeTakeFirst();
    if (Number(claim.numUpdatedRows) !== 1) continue;
    const attempts = row.attempts + 1;
    try {
      let encrypted = false;
      if (row.channel === 'email') encrypted = (await sendEmail(ctx, row)).encrypted;
      else await postWebhook(ctx, row);
      await ctx.store.db.transaction().execute(async (tx) => {
        await tx.updateTable('notification').set({ status: 'sent', attempts, sent_at: nowIso(), last_error: null, encrypted: encrypted ? 1 : 0 }).where('id', '=', row.id).execute();
        if (row.incident_id && row.channel === 'email') {
          await tx
            .insertInto('incident_entry')
            .values({
              id: newId(),
              incident_id: row.incident_id,
              kind: 'email_sent',
              org_id: null,
              author_user_id: null,
              author_label: 'Sanad',
              body: row.subject,
              details: toJson({ to: row.target, encrypted, topic: row.topic, notificationId: row.id }),
              internal: 0,
              created_at: nowIso(),
            })
            .execute();
        }
      });
      report.sent += 1;
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
      const failed = attempts >= MAX_ATTEMPTS;
      await ctx.store.db
        .updateTable('notification')
        .set({
          attempts,
          last_error: message,
          status: failed ? 'failed' : 'pending',
          next_attempt_at: new Date(now.getTime() + retryDelaySeconds(attempts) * 1000).toISOString(),
        })
        .where('id', '=', row.id)
        .execute();
      if (failed) report.failed += 1;
      else report.retrying += 1;
    }
  }
  return report;
}

/** Puts failed (or waiting) notices back in line now, after the operator fixed the mail server:
 *  each gets one more attempt; the count of attempts keeps the history. */
export async function retryNow(ctx: AppContext, ids?: string[]): Promise<number> {
  let query = ctx.store.db.updateTable('notification').set({ status: 'pending', next_attempt_at: nowIso() }).where('status', 'in', ['pending', 'failed']);
  if (ids) query = query.where('id', 'in', ids.length ? ids : ['']);
  return Number((await query.executeTakeFirst()).numUpdatedRows);
}

export function describeNotification(row: Pick<NotificationTable, 'id' | 'channel' | 'topic' | 'org_id' | 'target' | 'subject' | 'status' | 'attempts' | 'next_attempt_at' | 'last_error' | 'encrypted' | 'created_at' | 'sent_at'>) {
  return {
    id: row.id,
    channel: row.channel,
    topic: row.topic,
    orgId: row.org_id,
    target: row.target,
    subject: row.subject,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    lastError: row.last_error,
    encrypted: row.encrypted === 1,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}


/** The operator's view of the outbox, newest first. */
export async function listOutbox(ctx: AppContext, options: { includeSent: boolean; limit?: number }) {
  let query = ctx.store.db.selectFrom('notification').selectAll().orderBy('created_at', 'desc').limit(options.limit ?? 200);
  if (!options.includeSent) query = query.where('status', '!=', 'sent');
  return (await query.execute()).map(describeNotification);
}

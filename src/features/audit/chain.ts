// The hash chain over audit entries: each entry's hash covers its content and the previous hash,
// so a changed, removed or reordered entry breaks the chain from that point on.
import crypto from 'node:crypto';
import type { AuditLogTable } from '../../store/schema.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** Everything of an entry but its own hash. */
export type ChainedFields = Omit<AuditLogTable, 'hash'>;

export function entryHash(entry: ChainedFields): string {
  // A fixed-order array: the serialisation cannot vary with key order.
  const canonical = JSON.stringify([
    entry.seq,
    entry.id,
    entry.at,
    entry.actor_type,
    entry.actor_id,
    entry.actor_label,
    entry.org_id,
    entry.source_ip,
    entry.action,
    entry.object_type,
    entry.object_id,
    entry.details,
    entry.prev_hash,
  ]);
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

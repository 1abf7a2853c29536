// The tamper-evident audit log: appended inside the transaction of the change it records.
import type { Engine, Tx } from '../../store/db.ts';
import { toJson } from '../../store/json.ts';
import { nowIso } from '../../store/time.ts';
import type { Actor } from '../../policy/viewer.ts';
import { actorLabel } from '../../policy/viewer.ts';
import { GENESIS_HASH, entryHash } from './chain.ts';
import { auditPageAfter, insertAuditEntry, lastAuditEntry, lockAuditChain, readAuditHead } from './queries.ts';
import { newId } from '../../store/ids.ts';

export interface AuditEvent {
  action: string;
  objectType?: string;
  objectId?: string;
  /** The organisation the event concerns (defaults to the actor's own). */
  orgId?: string | null;
  details?: Record<string, unknown>;
}

export async function appendAudit(tx: Tx, engine: Engine, actor: Actor, event: AuditEvent): Promise<void> {
  await lockAuditChain(tx, engine);
  const last = await lastAuditEntry(tx);
  const viewer = actor.viewer;
  const fields = {
    seq: (last?.seq ?? 0) + 1,
    id: newId(),
    at: nowIso(),
    actor_type: viewer.kind,
    actor_id: viewer.kind === 'user' ? viewer.userId : null,
    actor_label: actorLabel(viewer),
    org_id: event.orgId !== undefined ? event.orgId : viewer.kind === 'user' ? viewer.orgId : null,
    source_ip: actor.sourceIp,
    action: event.action,
    object_type: event.objectType ?? null,
    object_id: event.objectId ?? null,
    details: toJson(event.details ?? {}),
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  await insertAuditEntry(tx, { ...fields, hash: entryHash(fields) });
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  headSeq: number;
  headHash: string;
  problem?: { seq: number; reason: string };
}

/** Walks the chain in batches (memory stays flat however long the log). */
export async function verifyAuditChain(tx: Tx, batchSize = 2000): Promise<AuditVerification> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  const fail = (seq: number, reason: string): AuditVerification => ({
    ok: false,
    entries,
    headSeq: expectedSeq - 1,
    headHash: prevHash,
    problem: { seq, reason },
  });
  for (;;) {
    const page = await auditPageAfter(tx, expectedSeq - 1, batchSize);
    for (const entry of page) {
      if (entry.seq !== expectedSeq) {
        return fail(expectedSeq, `entry ${expectedSeq} is missing (next entry found is ${entry.seq})`);
      }
      if (entry.prev_hash !== prevHash) {
        return fail(entry.seq, `entry ${entry.seq} does not link to entry ${entry.seq - 1} (removed or reordered entries)`);
      }
      if (entryHash(entry) !== entry.hash) {
        return fail(entry.seq, `entry ${entry.seq} was altered (its content no longer matches its hash)`);
      }
      prevHash = entry.hash;
      expectedSeq += 1;
      entries += 1;
    }
    if (page.length < batchSize) break;
  }
  const head = await readAuditHead(tx);
  const lastSeq = expectedSeq - 1;
  if (head !== undefined && head !== `${lastSeq}:${prevHash}`) {
    return fail(lastSeq + 1, `the log ends at entry ${lastSeq} but the recorded head is entry ${head.split(':')[0]} (entries removed from the end)`);
  }
  return { ok: true, entries, headSeq: lastSeq, headHash: prevHash };
}

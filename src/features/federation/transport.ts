// The door of node-to-node requests: each must carry an RFC 9421 signature by an active peer's key.
//
// The keyid of a request is the signing key's fingerprint (as `keyFingerprint` writes it), not the
// node's name: a name is a label an operator types and two nodes could share it, while the
// fingerprint is bound to the key and is what operators compare out of band when they peer. The
// nonce of every accepted request is stored until twice the replay window has passed, and a
// refused request is audited with its reason, under the peer it claims to be when its key is known.
import type { AppContext } from '../../app.ts';
import { Unauthorized } from '../../domain/errors.ts';
import { verifyRequest, type HeaderFields } from '../../domain/federation/http-signature.ts';
import { nodePublicKey } from '../../domain/federation/node-key.ts';
import { isInnerList, parseDictionary } from '../../domain/federation/structured-fields.ts';
import { ANONYMOUS, type Actor } from '../../policy/viewer.ts';
import { addSeconds, nowIso } from '../../store/time.ts';
import { appendAudit } from '../audit/service.ts';
import * as q from './queries.ts';

export const REPLAY_WINDOW_SECONDS = 300;

export interface IncomingRequest {
  readonly method: string;
  /** The absolute URL as this node rebuilds it from the request. */
  readonly url: string;
  readonly headers: HeaderFields;
  readonly body: Uint8Array;
  readonly sourceIp: string | null;
}

/** The keyid and nonce the request claims, read before anything is verified (to find the peer). */
function claimedParameters(headers: HeaderFields): { keyId?: string } {
  const raw = headers instanceof Headers ? headers.get('signature-input') : headers['signature-input'];
  const text = Array.isArray(raw) ? raw.join(', ') : raw;
  if (typeof text !== 'string') return {};
  try {
    const [first] = parseDictionary(text, 'Signature-Input').values();
    if (first === undefined || !isInnerList(first)) return {};
    const keyId = first.params.get('keyid');
    return keyId?.type === 'string' ? { keyId: keyId.value } : {};
  } catch {
    return {};
  }
}

async function refuse(ctx: AppContext, request: IncomingRequest, peer: q.PeerRow | undefined, keyId: string | undefined, reason: string): Promise<never> {
  const actor: Actor = { viewer: peer ? { kind: 'peer', node: peer.name } : ANONYMOUS, sourceIp: request.sourceIp };
  await ctx.store.db.transaction().execute(async (tx) => {
    await appendAudit(tx, ctx.store.engine, actor, {
      action: 'federation.refuse',
      objectType: 'peer',
      ...(peer ? { objectId: peer.id } : {}),
      orgId: null,
      details: { claimedBy: peer?.name ?? 'unknown', keyId: keyId ?? null, method: request.method, path: new URL(request.url).pathname, reason },
    });
  });
  throw new Unauthorized(reason);
}

/** The actor of a correctly signed request from an active peer; otherwise throws Unauthorized (401) with the reason. */
export async function authenticatePeer(ctx: AppContext, request: IncomingRequest, now: Date = new Date()): Promise<Actor> {
  const { keyId } = claimedParameters(request.headers);
  const peer = keyId === undefined ? undefined : await q.peerByFingerprint(ctx.store.db, keyId);
  if (peer && peer.status !== 'active') return refuse(ctx, request, peer, keyId, `the peer "${peer.name}" is paused on this node`);

  let nonce = '';
  try {
    verifyRequest(
      { method: request.method, url: request.url, headers: request.headers, body: request.body },
      (id) => (peer && id === peer.fingerprint ? nodePublicKey(peer.public_key) : undefined),
      {
        now,
        maxSkewSeconds: REPLAY_WINDOW_SECONDS,
        // Remembered below, in the database, once everything else has verified.
        seenNonce: (_id, presented) => {
          nonce = presented;
          return false;
        },
      },
    );
  } catch (error) {
    if (error instanceof Unauthorized) return refuse(ctx, request, peer, keyId, error.message);
    throw error;
  }
  const verifiedPeer = peer!;

  const seenAt = nowIso(now);
  const fresh = await ctx.store.db.transaction().execute(async (tx) => {
    await q.forgetNoncesBefore(tx, addSeconds(seenAt, -2 * REPLAY_WINDOW_SECONDS));
    if (!(await q.rememberNonce(tx, verifiedPeer.id, nonce, seenAt))) return false;
    await q.updatePeer(tx, verifiedPeer.id, { last_contact_at: seenAt });
    return true;
  });
  if (!fresh) return refuse(ctx, request, verifiedPeer, keyId, `nonce "${nonce}" was already used with the key "${keyId}": the request is a replay`);
  return { viewer: { kind: 'peer', node: verifiedPeer.name }, sourceIp: request.sourceIp };
}

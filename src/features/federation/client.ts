// Calls to a peer's federation endpoints, signed with this node's key. The keyid is this node's key
// fingerprint, the name the peer files our key under. The signature covers @authority, @path and
// @query rather than the full URI, so that a peer behind a TLS-terminating proxy, which may not
// know the scheme we used, still rebuilds what we signed. The answer is trusted no further than
// TLS and the HTTP status: what it carries is verified by the caller (records travel signed).
import type { AppContext } from '../../app.ts';
import { DomainError } from '../../domain/errors.ts';
import { signRequest } from '../../domain/federation/http-signature.ts';
import { thisNode } from './identity.ts';
import type { Peer } from './schemas.ts';

const TIMEOUT_MS = 15_000;

/** The peer answered with an error status (`peerStatus`), or could not be reached (no status): to our own caller, a bad gateway. */
export class FederationCallError extends DomainError {
  constructor(
    message: string,
    readonly peerStatus?: number,
  ) {
    super(502, 'Peer call failed', message);
  }
}

export async function callPeer(ctx: AppContext, peer: Pick<Peer, 'url' | 'name'>, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const self = await thisNode(ctx);
  const url = `${peer.url}${path}`;
  const payload = body === undefined ? '' : JSON.stringify(body);
  const signature = signRequest({ method, url, body: payload }, { keyId: self.fingerprint, key: self.key, target: 'path-and-query' });
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...signature },
      ...(body === undefined ? {} : { body: payload }),
      redirect: 'error',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new FederationCallError(`cannot reach the peer "${peer.name}" at ${url}${cause || (error instanceof Error ? `: ${error.message}` : '')}`);
  }
  const text = await response.text();
  if (!response.ok) {
    let detail = text.slice(0, 500);
    try {
      const problem = JSON.parse(text) as { detail?: unknown };
      if (typeof problem.detail === 'string') detail = problem.detail;
    } catch {
      // Not problem+json: the start of the body says enough.
    }
    throw new FederationCallError(`the peer "${peer.name}" answered ${response.status} to ${method} ${path}: ${detail}`, response.status);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new FederationCallError(`the peer "${peer.name}" answered ${method} ${path} with a body that is not JSON`, response.status);
  }
}
